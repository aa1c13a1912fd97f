import * as z from 'zod/mini';
import { AdminRole } from '../identity/schemas.ts';
import { Country, Email, ListQuery } from '../platform/schemas.ts';
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

export const CustomerUserParams = z.object({ customerId: Id, userId: Id });

const Name = z.string().check(z.trim(), z.minLength(1, { message: 'is required' }), z.maxLength(100));
export const CustomerUserBody = z
  .object({
    firstName: Name,
    lastName: Name,
    email: Email,
    usageLocation: Country,
    adminRole: z.optional(AdminRole),
  })
  .register(z.globalRegistry, { id: 'CustomerUserRequest' });

const SubscriptionIds = z.array(Id).check(
  z.maxLength(20),
  z.refine((ids) => new Set(ids).size === ids.length, { message: 'names a subscription twice' }),
);
export const LicenseChangeBody = z
  .object({ assign: z.optional(SubscriptionIds), remove: z.optional(SubscriptionIds) })
  .check(
    z.refine((b) => (b.assign?.length ?? 0) + (b.remove?.length ?? 0) > 0, {
      message: 'name at least one subscription to assign or remove',
      path: ['assign'],
    }),
    z.refine((b) => !(b.assign ?? []).some((id) => (b.remove ?? []).includes(id)), {
      message: 'a subscription cannot be both assigned and removed',
      path: ['remove'],
    }),
  )
  .register(z.globalRegistry, { id: 'LicenseChangeRequest' });

export const License = z
  .object({
    subscriptionId: z.string(),
    offerId: z.string(),
    offerName: z.string(),
    total: z.number(),
    assigned: z.number(),
    available: z.number(),
    status: z.string(),
  })
  .register(z.globalRegistry, { id: 'License' });

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

export const CreatedCustomerUser = z.object({ user: CustomerUser, temporaryPassword: z.string() });

/** DELETE /partners/{partnerId}: a partner (reseller or indirect provider) of the caller's organization. */
export const PartnerParams = z.object({ partnerId: Id });

export const MigrationQuery = z.object({
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(1000)), 200),
  cursor: z.optional(z.string().check(z.maxLength(2000))),
  decidedBefore: z.optional(z.iso.datetime({ message: 'must be an ISO-8601 UTC time' })),
});
export const MigrationResult = z.object({
  invitations: z.number(),
  created: z.array(z.string()),
  nextCursor: z.optional(z.string()),
});
