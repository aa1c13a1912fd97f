/** The `source` of every event the platform puts on its bus. */
export const EVENT_SOURCE = 'csp.partner-platform';

/**
 * What partners receive (API.md §"Activity log, events and webhooks"): one per activity
 * record, its id the record's id, plus `webhook.test` events.
 */
export interface PlatformEvent {
  id: string;
  /** `user.created`, `invitation.accepted`, `webhook.test`. */
  type: string;
  occurredAt: string;
  organizationId: string;
  resource: { type: string; id: string };
  data: Record<string, unknown>;
}

/**
 * An event as the bus carries it: plus whether webhook deliveries were queued for it, which the
 * delivery rule matches, so events nobody subscribed to cost no queue message or invocation; and
 * the correlation id of the request that made it (its activity record's `requestId`), which the
 * delivery logs under. Partners get the queued PlatformEvent, never this envelope.
 */
export type BusDetail = PlatformEvent & { queuedForWebhooks: boolean; correlationId?: string };
