import * as z from 'zod/mini';
import { ListQuery } from '../platform/schemas.ts';

const Time = z.iso.datetime({ offset: true, message: 'must be an ISO-8601 time, e.g. 2026-12-01T00:00:00Z' });

export const ActivityQuery = z.extend(ListQuery, {
  from: z.optional(Time),
  to: z.optional(Time),
  resourceType: z.optional(z.string().check(z.minLength(1), z.maxLength(50))),
  customerId: z.optional(z.string().check(z.minLength(1), z.maxLength(100))),
  direction: z.optional(z.enum(['outbound', 'inbound'])),
});

export const Activity = z
  .object({
    activityId: z.string(),
    at: z.string(),
    organizationId: z.string(),
    customerId: z.optional(z.string()),
    actor: z.object({
      kind: z.enum(['USER', 'OPERATOR', 'SYSTEM']),
      userId: z.optional(z.string()),
      email: z.optional(z.string()),
    }),
    operation: z.string(),
    resourceType: z.string(),
    resourceId: z.string(),
    changes: z.optional(z.record(z.string(), z.tuple([z.unknown(), z.unknown()]))),
    requestId: z.string(),
  })
  .register(z.globalRegistry, { id: 'Activity' });

/** `order.created`, `subscription.*` (every event of a resource) or `*` (every event). */
const EventFilter = z.string().check(
  z.maxLength(100),
  z.regex(/^(\*|[a-z][a-z_]*\.(\*|[a-z][a-z_]*))$/, {
    message: 'must be an event type such as "order.created", a resource\'s "subscription.*", or "*"',
  }),
);

export const WebhookBody = z.object({
  url: z.string().check(z.minLength(1, { message: 'is required' }), z.maxLength(2048)),
  events: z
    .array(EventFilter)
    .check(z.minLength(1, { message: 'name at least one event type' }), z.maxLength(50)),
});

export const WebhookCreated = z
  .object({ webhookId: z.string(), secret: z.string() })
  .register(z.globalRegistry, { id: 'WebhookCreated' });

export const Webhook = z
  .object({ webhookId: z.string(), url: z.string(), events: z.array(z.string()), createdAt: z.string() })
  .register(z.globalRegistry, { id: 'Webhook' });

export const WebhookIdParams = z.object({ id: z.string().check(z.minLength(1), z.maxLength(100)) });

export const TestEventSent = z
  .object({ eventId: z.string() })
  .register(z.globalRegistry, { id: 'TestEventSent' });

export const Delivery = z
  .object({
    eventId: z.string(),
    type: z.string(),
    attempt: z.number(),
    status: z.enum(['SUCCEEDED', 'FAILED', 'PENDING']),
    responseStatus: z.optional(z.number()),
    at: z.string(),
  })
  .register(z.globalRegistry, { id: 'Delivery' });

export const DeliveriesQuery = ListQuery;
