import type { ActivityRecord } from '../platform/audit.ts';
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
  list(orgId: string, limit: number, cursor?: string): Promise<Page<WebhookRecord>>;
  /** False when the organization has no webhook with this id. */
  delete(orgId: string, webhookId: string): Promise<boolean>;
}
