import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { existingCustomersOfApproval } from '../../enrollment/domain/enrollments.ts';
import { enrollmentDeps } from '../../enrollment/wiring.ts';
import { activities } from '../../platform/data/activity.ts';
import { logger } from '../../platform/logger.ts';
import { sesMailer } from '../../platform/mail/ses.ts';
import { carryOverExistingCustomers } from '../domain/existing.ts';
import { relationshipDeps } from '../wiring.ts';

/**
 * Stream consumer `existing-customers` (functions/consumers.ts): each ENROLLMENT_APPROVED activity
 * record (the filter passes only those) carries the new reseller's existing customers over to its
 * customer list. A failure reports its record, so the stream is read again from there (carrying
 * over is safe to repeat).
 */
export const handler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  for (const r of event.Records) {
    const record = activities.record(
      unmarshall((r.dynamodb?.NewImage ?? {}) as Record<string, AttributeValue>),
    );
    if (r.eventName !== 'INSERT' || record?.operation !== 'ENROLLMENT_APPROVED') continue;
    try {
      const approval = await existingCustomersOfApproval(enrollmentDeps(), record.resourceId);
      if (!approval || approval.customers.length === 0) continue;
      const outcomes = await carryOverExistingCustomers(
        relationshipDeps({ mailer: sesMailer }),
        approval.resellerId,
        approval.customers,
      );
      logger.info('Existing customers carried over', { enrollmentId: record.resourceId, outcomes });
    } catch (error) {
      logger.error('Carrying existing customers over failed; the stream is read again from here', {
        enrollmentId: record.resourceId,
        error,
      });
      return { batchItemFailures: [{ itemIdentifier: r.dynamodb?.SequenceNumber ?? '' }] };
    }
  }
  return { batchItemFailures: [] };
};
