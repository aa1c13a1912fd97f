import type { ActivityRecord } from '../platform/audit.ts';
import type { PlatformEvent } from '../platform/events/event.ts';
import type { Page } from '../platform/ports.ts';

export interface ActivityQuery {
  /** The organization's own log, or (inbound) what partners did in it as a customer. */
  direction: 'outbound' | 'inbound';
  organizationId: string;
  /** ISO times, inclusive. */
  from: string;
  to: string;
  resourceType?: string | undefined;
  customerId?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

/** Reads activity records; they are written by every context's store with the change they describe. */
export interface ActivityStore {
  /** One Query, newest first. */
  list(query: ActivityQuery): Promise<Page<ActivityRecord>>;
}

/** A partner's endpoint for events; its signing secret is stored sealed (SecretBox), never in clear. */
export interface WebhookRecord {
  id: string;
  orgId: string;
  url: string;
  /** Event type filters: `order.created`, `subscription.*`, `*`. */
  events: string[];
  sealedSecret: string;
  createdAt: string;
  createdBy: string;
}

export interface WebhookStore {
  create(webhook: WebhookRecord): Promise<void>;
  get(orgId: string, webhookId: string): Promise<WebhookRecord | undefined>;
  list(orgId: string, limit: number, cursor?: string): Promise<Page<WebhookRecord>>;
  /** Every webhook of the organization (one Query; an organization has a few). */
  all(orgId: string): Promise<WebhookRecord[]>;
  /** False when the organization has no webhook with this id. */
  delete(orgId: string, webhookId: string): Promise<boolean>;
}

/** The webhook a delivery goes to. */
export type WebhookRef = Pick<WebhookRecord, 'orgId' | 'id'>;

/** An event on its way to one webhook: made when the event is published, gone once delivered or given up. */
export interface QueuedDelivery {
  /** The event itself, so that whoever delivers the oldest of a resource can send it. */
  event: PlatformEvent;
  /** Attempts made so far. */
  attempts: number;
  /** When the next attempt is due (after a failed one). */
  nextAttemptAt?: string;
}

export type DeliveryStatus = 'SUCCEEDED' | 'FAILED' | 'PENDING';

/** One attempt, as GET /webhooks/{id}/deliveries shows it. */
export interface DeliveryAttempt {
  eventId: string;
  type: string;
  /** 1-based. */
  attempt: number;
  status: DeliveryStatus;
  responseStatus?: number;
  /** When it was made, or (PENDING) when it is due. */
  at: string;
}

export interface DeliveryStore {
  /** Queues the event for each webhook, with its first attempt PENDING; once per event and webhook. */
  enqueue(event: PlatformEvent, webhooks: ReadonlyArray<WebhookRef>): Promise<void>;
  /** The oldest event of the resource still queued for the webhook (one Query, Limit 1). */
  oldestOwed(webhook: WebhookRef, resource: PlatformEvent['resource']): Promise<QueuedDelivery | undefined>;
  /**
   * Takes attempt `attempt` until `until`: false when another worker holds it, or the
   * delivery is gone or already past that attempt.
   */
  lease(
    webhook: WebhookRef,
    event: PlatformEvent,
    attempt: number,
    now: string,
    until: string,
  ): Promise<boolean>;
  /** The attempt succeeded: the delivery leaves the queue. */
  succeeded(
    webhook: WebhookRef,
    event: PlatformEvent,
    attempt: number,
    responseStatus: number,
    at: string,
  ): Promise<void>;
  /** The attempt failed: the next one is due at `nextAttemptAt`, or (undefined) there is none. */
  failed(
    webhook: WebhookRef,
    event: PlatformEvent,
    attempt: number,
    responseStatus: number | undefined,
    at: string,
    nextAttemptAt: string | undefined,
  ): Promise<void>;
  /** The webhook's attempts, newest event first. */
  list(webhook: WebhookRef, limit: number, cursor?: string): Promise<Page<DeliveryAttempt>>;
}

/** POSTs a delivery; answers the response status, throws when no answer came (refused address, timeout, network). */
export interface WebhookSender {
  post(url: string, body: string, headers: Record<string, string>): Promise<number>;
}
