import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { activities } from '../../platform/data/activity.ts';
import { logger } from '../../platform/logger.ts';
import { markLeadWon } from '../domain/leads.ts';
import { leadDeps } from '../lead-wiring.ts';

/**
 * Stream consumer `leads-won` (functions/consumers.ts): each INVITATION_ACCEPTED activity record
 * (the filter passes only those) may be the acceptance of an invitation made from a lead, which then
 * turns WON. A failure reports its record, so the stream is read again from there (safe to repeat).
 */
export const handler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  const deps = leadDeps();
  for (const r of event.Records) {
    const record = activities.record(
      unmarshall((r.dynamodb?.NewImage ?? {}) as Record<string, AttributeValue>),
    );
    if (r.eventName !== 'INSERT' || record?.operation !== 'INVITATION_ACCEPTED') continue;
    try {
      await markLeadWon(deps, record.resourceId);
    } catch (error) {
      logger.error('Marking a lead WON failed; the stream is read again from here', {
        invitationId: record.resourceId,
        error,
      });
      return { batchItemFailures: [{ itemIdentifier: r.dynamodb?.SequenceNumber ?? '' }] };
    }
  }
  return { batchItemFailures: [] };
};
