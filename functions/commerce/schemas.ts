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
