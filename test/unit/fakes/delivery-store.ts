import type {
  DeliveryAttempt,
  DeliveryStore,
  QueuedDelivery,
  WebhookRecord,
  WebhookRef,
  WebhookStore,
} from '../../../functions/activity/ports.ts';
import type { PlatformEvent } from '../../../functions/platform/events/event.ts';

type Queued = QueuedDelivery & { leaseUntil?: string; order: string };

/** The DeliveryStore port in memory, with the same conditions as the DynamoDB one. */
export class FakeDeliveryStore implements DeliveryStore {
  readonly queue = new Map<string, Queued>();
  readonly attempts: Array<DeliveryAttempt & { webhookId: string }> = [];

  private key = (w: WebhookRef, e: Pick<PlatformEvent, 'id'>) => `${w.orgId}/${w.id}/${e.id}`;
  private order = (e: PlatformEvent) => `${e.resource.type}#${e.resource.id}#${e.occurredAt}#${e.id}`;
  private put(w: WebhookRef, e: PlatformEvent, a: Omit<DeliveryAttempt, 'eventId' | 'type'>) {
    const at = this.attempts.findIndex(
      (x) => x.webhookId === w.id && x.eventId === e.id && x.attempt === a.attempt,
    );
    const row = { webhookId: w.id, eventId: e.id, type: e.type, ...a };
    if (at >= 0) this.attempts[at] = row;
    else this.attempts.push(row);
  }

  async enqueue(event: PlatformEvent, webhooks: ReadonlyArray<WebhookRef>) {
    if (webhooks.some((w) => this.attempts.some((a) => a.webhookId === w.id && a.eventId === event.id)))
      return;
    for (const w of webhooks) {
      this.put(w, event, { attempt: 1, status: 'PENDING', at: event.occurredAt });
      this.queue.set(this.key(w, event), {
        event,
        attempts: 0,
        order: this.order(event),
      });
    }
  }

  async oldestOwed(w: WebhookRef, resource: PlatformEvent['resource']) {
    const prefix = `${w.orgId}/${w.id}/`;
    const head = [...this.queue.entries()]
      .filter(([k, q]) => k.startsWith(prefix) && q.order.startsWith(`${resource.type}#${resource.id}#`))
      .map(([, q]) => q)
      .sort((a, b) => a.order.localeCompare(b.order))[0];
    return head ? { ...head } : undefined;
  }

  async lease(w: WebhookRef, e: PlatformEvent, attempt: number, now: string, until: string) {
    const q = this.queue.get(this.key(w, e));
    if (!q || q.attempts !== attempt - 1 || (q.leaseUntil !== undefined && q.leaseUntil >= now)) return false;
    q.attempts = attempt;
    q.leaseUntil = until;
    return true;
  }

  async succeeded(w: WebhookRef, e: PlatformEvent, attempt: number, responseStatus: number, at: string) {
    this.queue.delete(this.key(w, e));
    this.put(w, e, { attempt, status: 'SUCCEEDED', responseStatus, at });
  }

  async failed(
    w: WebhookRef,
    e: PlatformEvent,
    attempt: number,
    responseStatus: number | undefined,
    at: string,
    next: string | undefined,
  ) {
    this.put(w, e, {
      attempt,
      status: 'FAILED',
      ...(responseStatus === undefined ? {} : { responseStatus }),
      at,
    });
    const q = this.queue.get(this.key(w, e));
    if (next === undefined || !q) {
      this.queue.delete(this.key(w, e));
      return;
    }
    q.nextAttemptAt = next;
    delete q.leaseUntil;
    this.put(w, e, { attempt: attempt + 1, status: 'PENDING', at: next });
  }

  async list(w: WebhookRef, limit: number) {
    return { items: this.attempts.filter((a) => a.webhookId === w.id).slice(0, limit) };
  }
}

/** The WebhookStore port in memory. */
export class FakeWebhookStore implements WebhookStore {
  readonly hooks: WebhookRecord[] = [];
  async create(w: WebhookRecord) {
    this.hooks.push(w);
  }
  async get(orgId: string, id: string) {
    return this.hooks.find((w) => w.orgId === orgId && w.id === id);
  }
  async all(orgId: string) {
    return this.hooks.filter((w) => w.orgId === orgId);
  }
  async list(orgId: string, limit: number) {
    return { items: (await this.all(orgId)).slice(0, limit) };
  }
  async delete(orgId: string, id: string) {
    const i = this.hooks.findIndex((w) => w.orgId === orgId && w.id === id);
    if (i < 0) return false;
    this.hooks.splice(i, 1);
    return true;
  }
}
