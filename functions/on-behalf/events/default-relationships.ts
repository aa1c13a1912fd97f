import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { activities } from '../../platform/data/activity.ts';
import { schedulerTimers } from '../../platform/events/timers.ts';
import { logger } from '../../platform/logger.ts';
import { relationshipStore } from '../../relationships/wiring.ts';
import { grantDefaultRelationships } from '../domain/defaults.ts';
import type { AdminRelationshipTimer } from '../domain/terms.ts';
import { ADMIN_RELATIONSHIP_TERMS, onBehalfDeps } from '../wiring.ts';

/**
 * Stream consumer `default-admin-relationships` (functions/consumers.ts): each INVITATION_ACCEPTED
 * activity record (the filter passes only those) may make "Default" admin relationships. A failure
 * reports its record, so the stream is read again from there (making them is safe to repeat).
 */
export const handler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  const deps = {
    ...onBehalfDeps({ timers: schedulerTimers<AdminRelationshipTimer>(ADMIN_RELATIONSHIP_TERMS) }),
    invitations: relationshipStore,
  };
  for (const r of event.Records) {
    const record = activities.record(
      unmarshall((r.dynamodb?.NewImage ?? {}) as Record<string, AttributeValue>),
    );
    if (r.eventName !== 'INSERT' || record?.operation !== 'INVITATION_ACCEPTED') continue;
    try {
      await grantDefaultRelationships(deps, record.resourceId);
    } catch (error) {
      logger.error('Making the Default admin relationships failed; the stream is read again from here', {
        invitationId: record.resourceId,
        error,
      });
      return { batchItemFailures: [{ itemIdentifier: r.dynamodb?.SequenceNumber ?? '' }] };
    }
  }
  return { batchItemFailures: [] };
};
