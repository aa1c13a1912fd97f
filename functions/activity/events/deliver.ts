import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { withCorrelation } from '../../platform/correlation.ts';
import { kmsSecretOpener } from '../../platform/crypto/kms-open.ts';
import type { BusDetail } from '../../platform/events/event.ts';
import { retryMessageIn } from '../../platform/events/queue.ts';
import { logger } from '../../platform/logger.ts';
import type { SecretOpener } from '../../platform/ports.ts';
import { deliverEvent } from '../domain/deliveries.ts';
import { deliveryDeps } from '../wiring.ts';

/** A warm function opens each webhook's sealed secret once. */
const opened = new Map<string, Promise<string>>();
const cachedOpener: SecretOpener = {
  open(sealed, context) {
    let secret = opened.get(sealed);
    if (!secret) {
      secret = kmsSecretOpener.open(sealed, context);
      secret.catch(() => opened.delete(sealed));
      opened.set(sealed, secret);
    }
    return secret;
  },
};

/** The bus puts the event in the envelope's `detail`. */
const eventOf = (message: SQSRecord) => (JSON.parse(message.body) as { detail: BusDetail }).detail;

/**
 * Queue consumer `deliver-webhooks` (functions/consumers.ts). Messages of one resource are
 * handled one after the other, oldest first (different resources in parallel); a message
 * whose event is still owed to some webhook comes back when its next attempt is due
 * (ChangeMessageVisibility) and is reported as a batch item failure, the others are deleted.
 * Powertools' batch processor is not used: it would run one resource's messages in parallel.
 */
export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const deps = deliveryDeps(cachedOpener);
  const byResource = new Map<string, Array<{ message: SQSRecord; event: BusDetail }>>();
  for (const message of event.Records) {
    const e = eventOf(message);
    const key = `${e.organizationId}/${e.resource.type}/${e.resource.id}`;
    byResource.set(key, [...(byResource.get(key) ?? []), { message, event: e }]);
  }
  const failures: string[] = [];
  await Promise.all(
    [...byResource.values()].map(async (messages) => {
      messages.sort(
        (a, b) =>
          a.event.occurredAt.localeCompare(b.event.occurredAt) || a.event.id.localeCompare(b.event.id),
      );
      for (const { message, event: e } of messages) {
        // In the story of the request that made the event (an event published before events carried
        // one: the event's own id).
        const settled = await withCorrelation(e.correlationId ?? e.id, async () => {
          try {
            const retryIn = await deliverEvent(deps, e);
            if (retryIn === undefined) return true;
            await retryMessageIn(message.receiptHandle, retryIn);
          } catch (error) {
            logger.error('Delivering an event failed; the queue brings it back', { error, eventId: e.id });
          }
          return false;
        });
        if (!settled) failures.push(message.messageId);
      }
    }),
  );
  return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
};
