import type { ActivityRecord } from '../../platform/audit.ts';
import type { PlatformEvent } from '../../platform/events/event.ts';
import type { EventBus } from '../../platform/ports.ts';
import type { DeliveryStore, WebhookRecord, WebhookStore } from '../ports.ts';

/** Events of one stream batch queued at once. */
const QUEUEING_CONCURRENCY = 10;

/** The test event: sent to the one webhook it tests, whatever that webhook's filters. */
export const TEST_EVENT_TYPE = 'webhook.test';

const snake = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();

/**
 * An operation's event type: lower case, a dot after the resource. The resource is the
 * record's resource type when the operation starts with it (`USER_PASSWORD_RESET` of a user →
 * `user.password_reset`, `MPN_PROFILE_UPDATED` of an mpnProfile → `mpn_profile.updated`), else
 * everything before the last word (`INDIRECT_PROVIDER_CREATED` → `indirect_provider.created`).
 */
export function eventType(operation: string, resourceType: string): string {
  const op = operation.toLowerCase();
  const resource = snake(resourceType);
  if (op.startsWith(`${resource}_`)) return `${resource}.${op.slice(resource.length + 1)}`;
  const cut = op.lastIndexOf('_');
  return cut > 0 ? `${op.slice(0, cut)}.${op.slice(cut + 1)}` : `${resource}.${op}`;
}

/** The event of an activity record: same id (a partner can match the two), no request internals. */
export function eventOf(record: ActivityRecord): PlatformEvent {
  return {
    id: record.activityId,
    type: eventType(record.operation, record.resourceType),
    occurredAt: record.at,
    organizationId: record.organizationId,
    resource: { type: record.resourceType, id: record.resourceId },
    data: {
      operation: record.operation,
      actor: record.actor,
      ...(record.customerId ? { customerId: record.customerId } : {}),
      ...(record.changes ? { changes: record.changes } : {}),
    },
  };
}

/** Whether a webhook's filters (`order.created`, `subscription.*`, `*`) take an event type. */
export function filtersMatch(filters: ReadonlyArray<string>, type: string): boolean {
  if (type === TEST_EVENT_TYPE) return true;
  const resource = type.slice(0, type.indexOf('.'));
  return filters.some((f) => f === '*' || f === type || f === `${resource}.*`);
}

export interface PublishDeps {
  webhooks: Pick<WebhookStore, 'all'>;
  deliveries: Pick<DeliveryStore, 'enqueue'>;
  bus: EventBus;
}

/**
 * The stream step: activity records, in the order they were written, become events. Before an
 * event goes on the bus, each webhook that wants it gets a queued delivery, so a delivery can
 * tell whether an earlier event of the same resource is still on its way to that endpoint.
 * Safe to run again over the same records: a queued delivery is made once per event and
 * webhook, and a repeated event finds nothing left to deliver.
 */
export async function publishActivity(deps: PublishDeps, records: ReadonlyArray<ActivityRecord>) {
  const webhooksOf = new Map<string, Promise<WebhookRecord[]>>();
  const events = records.map(eventOf);
  // Queued in parallel: what keeps a resource's order is that every event of the batch is queued
  // before any of them is on the bus (deliveries go oldest first from the queue).
  const pending = [...events];
  const queued = new Set<string>();
  const worker = async () => {
    for (let event = pending.shift(); event; event = pending.shift()) {
      let hooks = webhooksOf.get(event.organizationId);
      if (!hooks) {
        hooks = deps.webhooks.all(event.organizationId);
        webhooksOf.set(event.organizationId, hooks);
      }
      const wanting = (await hooks).filter((w) => filtersMatch(w.events, event.type));
      if (wanting.length === 0) continue;
      await deps.deliveries.enqueue(event, wanting);
      queued.add(event.id);
    }
  };
  await Promise.all(Array.from({ length: Math.min(QUEUEING_CONCURRENCY, events.length) }, worker));
  await deps.bus.publish(
    events.map((event, i) => ({
      event,
      queuedForWebhooks: queued.has(event.id),
      correlationId: records[i]?.requestId,
    })),
  );
}
