import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { awsClientConfig } from '../aws.ts';
import { lazy, requireEnv } from '../config.ts';
import { correlationId as currentCorrelationId } from '../correlation.ts';
import type { EventBus } from '../ports.ts';
import { type BusDetail, EVENT_SOURCE } from './event.ts';

const client = lazy(() => new EventBridgeClient(awsClientConfig));

/** PutEvents takes at most 10 entries a call. */
const ENTRIES_PER_CALL = 10;

/**
 * The EventBus port over the platform's EventBridge bus (EVENT_BUS_NAME, the `eventBus`
 * resource): each event is one entry, `source` EVENT_SOURCE, `detail-type` its type.
 * Entries go in the order given; a call that fails any entry throws, so the caller retries. An entry
 * without a correlation id (a webhook's test event) takes that of the work publishing it.
 */
export const eventBridgeBus: EventBus = {
  async publish(entries) {
    for (let i = 0; i < entries.length; i += ENTRIES_PER_CALL) {
      const chunk = entries.slice(i, i + ENTRIES_PER_CALL);
      const { FailedEntryCount, Entries } = await client.send(
        new PutEventsCommand({
          Entries: chunk.map(({ event, queuedForWebhooks, correlationId = currentCorrelationId() }) => ({
            EventBusName: requireEnv('EVENT_BUS_NAME'),
            Source: EVENT_SOURCE,
            DetailType: event.type,
            Detail: JSON.stringify({ ...event, queuedForWebhooks, correlationId } satisfies BusDetail),
            Time: new Date(event.occurredAt),
          })),
        }),
      );
      if (FailedEntryCount) {
        const failed = Entries?.find((e) => e.ErrorCode);
        throw new Error(
          `EventBridge refused ${FailedEntryCount} of ${chunk.length} events: ${failed?.ErrorCode} ${failed?.ErrorMessage}`,
        );
      }
    }
  },
};
