import { ChangeMessageVisibilityCommand, SQSClient } from '@aws-sdk/client-sqs';
import { awsClientConfig } from '../aws.ts';
import { lazy, requireEnv } from '../config.ts';

const client = lazy(() => new SQSClient(awsClientConfig));

/** SQS refuses a visibility timeout above 12 hours. */
const MAX_VISIBILITY_SECONDS = 12 * 3600;

/**
 * Brings a received message of the delivery queue (DELIVERY_QUEUE_URL, the `deliveryQueue`
 * resource) back after `seconds`: how a failed delivery waits for its next attempt.
 */
export async function retryMessageIn(receiptHandle: string, seconds: number): Promise<void> {
  await client.send(
    new ChangeMessageVisibilityCommand({
      QueueUrl: requireEnv('DELIVERY_QUEUE_URL'),
      ReceiptHandle: receiptHandle,
      VisibilityTimeout: Math.min(MAX_VISIBILITY_SECONDS, Math.max(0, Math.ceil(seconds))),
    }),
  );
}
