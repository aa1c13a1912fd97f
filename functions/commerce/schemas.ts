import * as z from 'zod/mini';
import { Country, ListQuery } from '../platform/schemas.ts';

export const TERM_DURATIONS = ['P1M', 'P1Y', 'P3Y'] as const;
export const BILLING_CYCLES = ['MONTHLY', 'ANNUAL'] as const;

const nonEmptyUnique = <T extends z.core.$ZodType>(item: T, what: string) =>
  z.array(item).check(
    z.minLength(1, { message: `name at least one ${what}` }),
    z.refine((xs) => new Set(xs).size === xs.length, { message: `lists a ${what} twice` }),
  );

/** An offer as operators write it (PUT /operator/offers/{offerId}): everything but its id. */
export const OfferBody = z
  .object({
    name: z.string().check(z.trim(), z.minLength(1, { message: 'is required' }), z.maxLength(200)),
    description: z.optional(z.string().check(z.maxLength(2000))),
    unitType: z.enum(['LICENSE']),
    minQuantity: z.number().check(z.int(), z.minimum(1)),
    maxQuantity: z.number().check(z.int(), z.minimum(1), z.maximum(1_000_000)),
    termDurations: nonEmptyUnique(z.enum(TERM_DURATIONS), 'term duration'),
    billingCycles: nonEmptyUnique(z.enum(BILLING_CYCLES), 'billing cycle'),
    countries: z
      .array(Country)
      .check(z.minLength(1, { message: 'name at least one country the offer is sold in' }), z.maxLength(250)),
    adminAgentOnly: z.boolean(),
    available: z.boolean(),
  })
  .check(
    z.refine((o) => o.minQuantity <= o.maxQuantity, {
      message: 'must not be below minQuantity',
      path: ['maxQuantity'],
    }),
  );

export const Offer = z
  .object({
    offerId: z.string(),
    name: z.string(),
    description: z.optional(z.string()),
    unitType: z.enum(['LICENSE']),
    minQuantity: z.number(),
    maxQuantity: z.number(),
    termDurations: z.array(z.enum(TERM_DURATIONS)),
    billingCycles: z.array(z.enum(BILLING_CYCLES)),
    countries: z.array(z.string()),
    adminAgentOnly: z.boolean(),
    available: z.boolean(),
  })
  .register(z.globalRegistry, { id: 'Offer' });

export const OfferIdParams = z.object({
  offerId: z.string().check(
    z.regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, {
      message: 'must be 1–100 letters, digits, dots, dashes or underscores, e.g. "m365-business-basic"',
    }),
  ),
});

export const OffersQuery = z.extend(ListQuery, {
  country: z.optional(Country),
  q: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(100))),
});

const Id = z.string().check(z.minLength(1), z.maxLength(100));

export const CustomerParams = z.object({ customerId: Id });
export const OrderParams = z.object({ customerId: Id, orderId: Id });
export const SubscriptionParams = z.object({ customerId: Id, subscriptionId: Id });

export const SUBSCRIPTION_STATUSES = ['ACTIVE', 'SUSPENDED', 'CANCELED', 'EXPIRED'] as const;

/** POST /customers/{customerId}/orders: 1–10 lines, each checked against the catalog before anything is written. */
export const OrderBody = z.object({
  resellerId: z.optional(Id),
  lineItems: z
    .array(
      z.object({
        offerId: Id,
        quantity: z.number().check(z.int(), z.minimum(1)),
        // Open enums (API.md): an unknown term or cycle is the offer's TERM_NOT_SUPPORTED, not a 400.
        termDuration: z.string().check(z.minLength(1), z.maxLength(20)),
        billingCycle: z.string().check(z.minLength(1), z.maxLength(20)),
      }),
    )
    .check(
      z.minLength(1, { message: 'name at least one line' }),
      z.maxLength(10, { message: 'at most 10 lines per order' }),
    ),
});

const ResellerOfRecord = z.object({ organizationId: z.string(), name: z.string(), mpnId: z.string() });

export const Order = z
  .object({
    orderId: z.string(),
    customerId: z.string(),
    providerId: z.string(),
    resellerOfRecord: ResellerOfRecord,
    status: z.enum(['COMPLETED']),
    createdAt: z.string(),
    lineItems: z.array(
      z.object({
        lineItemNumber: z.number(),
        offerId: z.string(),
        quantity: z.number(),
        termDuration: z.enum(TERM_DURATIONS),
        billingCycle: z.enum(BILLING_CYCLES),
        subscriptionId: z.string(),
      }),
    ),
  })
  .register(z.globalRegistry, { id: 'Order' });

export const Subscription = z
  .object({
    subscriptionId: z.string(),
    customerId: z.string(),
    offerId: z.string(),
    offerName: z.string(),
    friendlyName: z.string(),
    quantity: z.number(),
    assignedLicenses: z.number(),
    status: z.enum(SUBSCRIPTION_STATUSES),
    autoRenew: z.boolean(),
    termDuration: z.enum(TERM_DURATIONS),
    billingCycle: z.enum(BILLING_CYCLES),
    termStartDate: z.string(),
    termEndDate: z.string(),
    cancellationAllowedUntil: z.string(),
    resellerOfRecord: ResellerOfRecord,
    providerId: z.string(),
    orderId: z.string(),
    etag: z.string(),
  })
  .register(z.globalRegistry, { id: 'Subscription' });

export const SubscriptionsQuery = z.extend(ListQuery, { status: z.optional(z.enum(SUBSCRIPTION_STATUSES)) });

/** PATCH: what to change; at least one field. */
export const SubscriptionPatch = z
  .object({
    quantity: z.optional(z.number().check(z.int(), z.minimum(1))),
    autoRenew: z.optional(z.boolean()),
    friendlyName: z.optional(
      z.string().check(z.trim(), z.minLength(1, { message: 'must not be empty' }), z.maxLength(100)),
    ),
  })
  .check(
    z.refine((p) => p.quantity !== undefined || p.autoRenew !== undefined || p.friendlyName !== undefined, {
      message: 'name at least one of quantity, autoRenew, friendlyName',
    }),
  );
