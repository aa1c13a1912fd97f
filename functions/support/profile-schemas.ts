import * as z from 'zod/mini';
import { Country, Email, ListQuery } from '../platform/schemas.ts';
import { VETTING_STATUSES } from './domain/profile.ts';
import { PROVIDER_SERVICES } from './profile-ports.ts';

const Text = (max: number) =>
  z.string().check(z.trim(), z.minLength(1, { message: 'is required' }), z.maxLength(max));
const Optional = (max: number) => z.optional(z.string().check(z.trim(), z.maxLength(max)));
/** As enrollment's: what the enrollment accepted, a PATCH accepts too. */
const Phone = z
  .string()
  .check(
    z.trim(),
    z.regex(/^\+?[0-9][0-9 ()./-]{5,24}$/, { message: 'must be a phone number, e.g. +34 910 000 000' }),
  );
const Website = z.string().check(
  z.maxLength(500),
  z.refine((u) => /^https?:\/\//i.test(u) && URL.canParse(u), {
    message: 'must be an http(s) URL, e.g. https://contoso.com',
  }),
);

/** At least one field: an empty PATCH is a client's mistake, not a change. */
const someField = (fields: readonly string[]) =>
  z.refine((body: unknown) => fields.some((f) => (body as Record<string, unknown>)[f] !== undefined), {
    message: `send at least one of ${fields.join(', ')}`,
  });

export const PartnerLegalBody = z
  .object({
    legalName: z.optional(Text(200)),
    /** A whole address (it replaces the previous one); `country` may be left out: it cannot change. */
    address: z.optional(
      z.object({
        line1: Text(200),
        line2: Optional(200),
        city: Text(100),
        region: Optional(100),
        postalCode: Text(20),
        country: z.optional(Country),
      }),
    ),
  })
  .check(someField(['legalName', 'address']))
  .register(z.globalRegistry, { id: 'PartnerLegalUpdate' });

export const PartnerSupportBody = z
  .object({
    email: z.optional(Email),
    phone: z.optional(Phone),
    /** null removes the website. */
    website: z.optional(z.nullable(Website)),
  })
  .check(someField(['email', 'phone', 'website']))
  .register(z.globalRegistry, { id: 'PartnerSupportUpdate' });

const AddressOut = z.object({
  line1: z.optional(z.string()),
  line2: z.optional(z.string()),
  city: z.optional(z.string()),
  region: z.optional(z.string()),
  postalCode: z.optional(z.string()),
  country: z.string(),
});

export const PartnerProfile = z
  .object({
    legal: z.object({
      legalName: z.string(),
      /** Every line for an enrolled organization; only the country for one that never enrolled, until edited. */
      address: AddressOut,
      vettingStatus: z.enum(VETTING_STATUSES),
    }),
    /** `email` and `phone` are null for an organization that never enrolled, until edited. */
    support: z.object({
      email: z.nullable(z.string()),
      phone: z.nullable(z.string()),
      website: z.optional(z.string()),
    }),
    /** null for an organization without an MPN ID (an indirect provider created by operators). */
    mpn: z.nullable(z.object({ mpnId: z.string(), partnerName: z.string() })),
  })
  .register(z.globalRegistry, { id: 'PartnerProfile' });

export const ProviderService = z.enum(PROVIDER_SERVICES);

export const ProviderListingBody = z
  .object({
    description: Text(2000),
    countries: z.array(Country).check(
      z.minLength(1, { message: 'name at least one country' }),
      z.refine((cs) => new Set(cs).size === cs.length, { message: 'lists a country twice' }),
    ),
    services: z
      .array(ProviderService)
      .check(z.refine((ss) => new Set(ss).size === ss.length, { message: 'lists a service twice' })),
    contactEmail: Email,
    website: z.optional(Website),
  })
  .register(z.globalRegistry, { id: 'ProviderListingRequest' });

export const ProviderListing = z
  .object({
    providerId: z.string(),
    name: z.string(),
    description: z.string(),
    countries: z.array(z.string()),
    services: z.array(ProviderService),
    contactEmail: z.string(),
    website: z.optional(z.string()),
  })
  .register(z.globalRegistry, { id: 'ProviderListing' });

export const DirectoryQuery = z.extend(ListQuery, {
  country: Country,
  service: z.optional(ProviderService),
  q: z.optional(z.string().check(z.trim(), z.maxLength(100))),
});

export const ContactRequestBody = z
  .object({ message: Text(2000) })
  .register(z.globalRegistry, { id: 'ProviderContactRequest' });

export const ContactRequestAccepted = z.object({ providerId: z.string(), status: z.literal('SENT') });
