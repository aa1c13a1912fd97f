import { createHmac, randomUUID } from 'node:crypto';
import type { PlatformEvent } from '../../platform/events/event.ts';
import type { Clock, EventBus, SecretOpener } from '../../platform/ports.ts';
import type { DeliveryStore, QueuedDelivery, WebhookRecord, WebhookSender, WebhookStore } from '../ports.ts';
import { TEST_EVENT_TYPE } from './events.ts';
import { webhookNotFound } from './webhooks.ts';

/** Deliveries are retried this long after the event, then given up (the last attempt stays FAILED). */
export const RETRY_WINDOW_SECONDS = 24 * 3600;
/**
 * And at most this many attempts, whatever the clock says (a local runtime whose queue runs
 * days in seconds would otherwise retry a dead endpoint for 24 real hours).
 */
export const MAX_ATTEMPTS = 18;
const FIRST_RETRY_SECONDS = 10;
const LONGEST_WAIT_SECONDS = 4 * 3600;
/** How long one worker holds an attempt: the 5-second POST and its writes, with room to spare. */
const LEASE_SECONDS = 30;
/** A delivery waiting behind an earlier one of its resource looks again at least this often. */
const RECHECK_SECONDS = 2;

/**
 * The wait before attempt `failed + 1`: exponential from 10 s, at most 4 h, with "equal
 * jitter" (half fixed, half random) so endpoints that fail together do not retry together.
 */
export function backoffSeconds(failed: number, random: () => number = Math.random): number {
  const ceiling = Math.min(LONGEST_WAIT_SECONDS, FIRST_RETRY_SECONDS * 2 ** (failed - 1));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

/**
 * `Webhook-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "t.body">`, keyed by the secret's
 * UTF-8 bytes as shown at registration. A receiver recomputes it and refuses old `t`s.
 */
export function signature(secret: string, unixSeconds: number, body: string): string {
  const mac = createHmac('sha256', Buffer.from(secret, 'utf8'))
    .update(`${unixSeconds}.${body}`)
    .digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

export interface DeliveryDeps {
  webhooks: Pick<WebhookStore, 'all'>;
  deliveries: Omit<DeliveryStore, 'enqueue' | 'list'>;
  secrets: SecretOpener;
  sender: WebhookSender;
  clock: Clock;
  random?: () => number;
}

const secondsBetween = (from: Date, to: string | undefined) =>
  to === undefined ? 0 : Math.max(0, Math.ceil((Date.parse(to) - from.getTime()) / 1000));

/** Whether event `a` comes before `b` in its resource's order (time, then id: the queue's sort key). */
const before = (a: PlatformEvent, b: PlatformEvent) =>
  a.occurredAt < b.occurredAt || (a.occurredAt === b.occurredAt && a.id < b.id);

/**
 * Delivers one event to every webhook that has it queued, each at most once on success and
 * after every earlier event of the same resource to that webhook. Answers when to try again
 * (seconds) if any webhook is still owed the event, or undefined when none is.
 */
export async function deliverEvent(deps: DeliveryDeps, event: PlatformEvent): Promise<number | undefined> {
  // A deleted webhook is not listed: nothing more goes to it, whatever is queued.
  const hooks = await deps.webhooks.all(event.organizationId);
  const waits = await Promise.all(hooks.map((webhook) => drain(deps, webhook, event)));
  const owed = waits.filter((w): w is number => w !== undefined);
  return owed.length > 0 ? Math.min(...owed) : undefined;
}

/**
 * Delivers what the webhook is owed for the event's resource, oldest first, until the event
 * itself is delivered: whichever message comes first sends the events before it too, so a
 * resource's events neither overtake each other nor wait for their own messages. Stops at an
 * event that is failing (it waits for its backoff) or that another worker holds.
 */
async function drain(
  deps: DeliveryDeps,
  webhook: WebhookRecord,
  event: PlatformEvent,
): Promise<number | undefined> {
  for (;;) {
    const head = await deps.deliveries.oldestOwed(webhook, event.resource);
    // Nothing owed up to this event: it was delivered, given up, or never wanted by this webhook.
    if (!head || before(event, head.event)) return undefined;
    const now = deps.clock.now();
    // An earlier event waiting for its next attempt holds the later ones back; its own message
    // (whose visibility is the backoff) makes that attempt, nobody else does it early.
    if (
      head.event.id !== event.id &&
      head.nextAttemptAt !== undefined &&
      head.nextAttemptAt > now.toISOString()
    )
      return Math.max(RECHECK_SECONDS, secondsBetween(now, head.nextAttemptAt));
    const wait = await attempt(deps, webhook, head, now);
    if (wait !== undefined) return wait;
    if (head.event.id === event.id) return undefined;
  }
}

/** One attempt at the head of a resource's queue: undefined once settled (delivered or given up), else when to look again. */
async function attempt(
  deps: DeliveryDeps,
  webhook: WebhookRecord,
  head: QueuedDelivery,
  now: Date,
): Promise<number | undefined> {
  const { event } = head;
  const n = head.attempts + 1;
  const until = new Date(now.getTime() + LEASE_SECONDS * 1000).toISOString();
  // Another worker is sending it: it goes on with the rest of the resource.
  if (!(await deps.deliveries.lease(webhook, event, n, now.toISOString(), until))) return RECHECK_SECONDS;

  const body = JSON.stringify(event);
  const secret = await deps.secrets.open(webhook.sealedSecret, {
    webhookId: webhook.id,
    organizationId: webhook.orgId,
  });
  const status = await deps.sender
    .post(webhook.url, body, {
      'content-type': 'application/json',
      'user-agent': 'csp-partner-platform-webhooks/1',
      'webhook-id': event.id,
      'webhook-signature': signature(secret, Math.floor(now.getTime() / 1000), body),
    })
    .catch(() => undefined);
  const at = deps.clock.now();
  if (status !== undefined && status >= 200 && status < 300) {
    await deps.deliveries.succeeded(webhook, event, n, status, at.toISOString());
    return undefined;
  }
  const wait = backoffSeconds(n, deps.random);
  const next = new Date(at.getTime() + wait * 1000);
  const giveUp =
    n >= MAX_ATTEMPTS || next.getTime() > Date.parse(event.occurredAt) + RETRY_WINDOW_SECONDS * 1000;
  await deps.deliveries.failed(
    webhook,
    event,
    n,
    status,
    at.toISOString(),
    giveUp ? undefined : next.toISOString(),
  );
  // Given up, the event is settled like a delivered one: the next of the resource may go.
  return giveUp ? undefined : wait;
}

export interface TestEventDeps {
  webhooks: Pick<WebhookStore, 'get'>;
  deliveries: Pick<DeliveryStore, 'enqueue'>;
  bus: EventBus;
  clock: Clock;
}

/** POST /webhooks/{id}/test: a `webhook.test` event for this webhook only, through the same queue and signing. */
export async function sendTestEvent(
  deps: TestEventDeps,
  caller: { user: { id: string; orgId: string } },
  webhookId: string,
): Promise<{ eventId: string }> {
  const webhook = await deps.webhooks.get(caller.user.orgId, webhookId);
  if (!webhook) throw webhookNotFound();
  const event: PlatformEvent = {
    id: randomUUID(),
    type: TEST_EVENT_TYPE,
    occurredAt: deps.clock.now().toISOString(),
    organizationId: webhook.orgId,
    resource: { type: 'webhook', id: webhook.id },
    data: { webhookId: webhook.id, url: webhook.url, requestedBy: caller.user.id },
  };
  await deps.deliveries.enqueue(event, [webhook]);
  await deps.bus.publish([{ event, queuedForWebhooks: true }]);
  return { eventId: event.id };
}
