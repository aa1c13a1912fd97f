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
