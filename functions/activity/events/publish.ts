import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { withCorrelation } from '../../platform/correlation.ts';
import { activities } from '../../platform/data/activity.ts';
import { eventBridgeBus } from '../../platform/events/bus.ts';
import { logger } from '../../platform/logger.ts';
import { publishActivity } from '../domain/events.ts';
import { publishDeps } from '../wiring.ts';

const recordOf = (r: DynamoDBRecord) =>
  activities.record(unmarshall((r.dynamodb?.NewImage ?? {}) as Record<string, AttributeValue>));

/**
 * Stream consumer `publish-events` (functions/consumers.ts): new activity records, in stream
 * order, become events on the bus, each carrying its record's request id as its correlation id. A
 * failure reports the batch's first record, so the stream is read again from there (publishing is
 * safe to repeat) and no later record overtakes it.
 */
export const handler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  const records = event.Records.flatMap((r) => {
    const record = r.eventName === 'INSERT' ? recordOf(r) : undefined;
    return record ? [{ record, sequence: r.dynamodb?.SequenceNumber ?? '' }] : [];
  });
  try {
    await publishActivity(
      publishDeps(eventBridgeBus),
      records.map((r) => r.record),
    );
    return { batchItemFailures: [] };
  } catch (error) {
    // The batch is published at once (its order is what deliveries rely on), so the failure is one
    // line in the story of each request whose records it held: each one's log query finds it.
    const stories = new Set(records.map((r) => r.record.requestId));
    const log = async () =>
      logger.error('Publishing activity events failed; the stream is read again from the batch start', {
        error,
        records: records.length,
      });
    if (stories.size === 0) await log();
    for (const id of stories) await withCorrelation(id, log);
    const first = event.Records[0]?.dynamodb?.SequenceNumber;
    return { batchItemFailures: first ? [{ itemIdentifier: first }] : [] };
  }
};
