import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import type { ActivityRecord } from '../audit.ts';
import { withCorrelation } from '../correlation.ts';
import { activities } from '../data/activity.ts';
import { logger } from '../logger.ts';

/**
 * A stream consumer of the activity records of one operation (functions/consumers.ts filters the
 * stream to them): each record in order, in its story (its `requestId`, so what it does and the
 * timers it arms join the request that wrote it). The first record whose work fails is reported
 * (`reportBatchItemFailures`), so the stream is read again from it: the work must be safe to repeat.
 */
export function activityConsumer(
  operation: string,
  /** What the work does, for the error line: "Marking a lead WON". */
  doing: string,
  work: (record: ActivityRecord) => Promise<unknown>,
) {
  return async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    for (const r of event.Records) {
      const record = activities.record(
        unmarshall((r.dynamodb?.NewImage ?? {}) as Record<string, AttributeValue>),
      );
      if (r.eventName !== 'INSERT' || record?.operation !== operation) continue;
      const failed = await withCorrelation(record.requestId, async () => {
        try {
          await work(record);
          return false;
        } catch (error) {
          logger.error(`${doing} failed; the stream is read again from here`, {
            operation,
            resourceType: record.resourceType,
            resourceId: record.resourceId,
            error,
          });
          return true;
        }
      });
      if (failed) return { batchItemFailures: [{ itemIdentifier: r.dynamodb?.SequenceNumber ?? '' }] };
    }
    return { batchItemFailures: [] };
  };
}
