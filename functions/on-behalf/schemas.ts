import * as z from 'zod/mini';
import { ListQuery } from '../platform/schemas.ts';
import { ADMIN_RELATIONSHIP_STATUSES, ADMIN_ROLES, durationDays } from './domain/model.ts';

const Id = z.string().check(z.minLength(1), z.maxLength(100));
export const CustomerParams = z.object({ customerId: Id });
export const RelationshipIdParams = z.object({ id: Id });

export const AdminRelationshipBody = z
  .object({
    displayName: z.string().check(z.trim(), z.minLength(1, { message: 'is required' }), z.maxLength(50)),
    roles: z.array(z.enum(ADMIN_ROLES)).check(
      z.minLength(1, { message: 'name at least one role' }),
      z.refine((rs) => new Set(rs).size === rs.length, { message: 'lists a role twice' }),
    ),
    duration: z.string().check(
      z.refine((d) => durationDays(d) >= 1 && durationDays(d) <= 730, {
        message: 'must be a number of days from P1D to P730D, e.g. "P90D"',
      }),
    ),
    autoExtend: z.optional(z.boolean()),
  })
  .register(z.globalRegistry, { id: 'AdminRelationshipRequest' });

export const AdminRelationshipRequested = z.object({
  relationshipId: z.string(),
  status: z.literal('APPROVAL_PENDING'),
  approvalLink: z.string(),
  requestExpiresAt: z.string(),
});

const OrgName = z.object({ organizationId: z.string(), name: z.string() });
export const AdminRelationship = z
  .object({
    relationshipId: z.string(),
    displayName: z.string(),
    partner: OrgName,
    customer: OrgName,
    roles: z.array(z.enum(ADMIN_ROLES)),
    duration: z.string(),
    autoExtend: z.boolean(),
    status: z.enum(ADMIN_RELATIONSHIP_STATUSES),
    createdAt: z.string(),
    activatedAt: z.optional(z.string()),
    endsAt: z.optional(z.string()),
    endedAt: z.optional(z.string()),
  })
  .register(z.globalRegistry, { id: 'AdminRelationship' });

export const AdminRelationshipsQuery = z.extend(ListQuery, {
  direction: z.enum(['outbound', 'inbound']),
  status: z.optional(z.enum(ADMIN_RELATIONSHIP_STATUSES)),
});

/** The approval page's own form sends credentials; API callers send JSON and a Bearer token. */
export const DecisionBody = z.object({
  token: z.string().check(z.minLength(1, { message: 'is required' }), z.maxLength(200)),
  email: z.optional(z.string().check(z.maxLength(320))),
  password: z.optional(z.string().check(z.maxLength(256))),
});
export const DecisionResult = z.object({
  status: z.enum(['ACTIVE', 'REJECTED']),
  relationshipId: z.string(),
});

export const CustomerUser = z
  .object({
    id: z.string(),
    email: z.string(),
    firstName: z.string(),
    lastName: z.string(),
    usageLocation: z.string(),
    adminRole: z.string(),
    state: z.enum(['ACTIVE', 'INACTIVE']),
    deletedAt: z.optional(z.string()),
    licenses: z.array(z.object({ subscriptionId: z.string(), offerName: z.string() })),
  })
  .register(z.globalRegistry, { id: 'CustomerUser' });
