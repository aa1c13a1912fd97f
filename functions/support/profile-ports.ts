import type { EnrollmentStore } from '../enrollment/ports.ts';
import type { Page } from '../platform/ports.ts';

/** What a provider offers resellers besides the offers themselves (API.md, a listing's `services`). */
export const PROVIDER_SERVICES = [
  'TECHNICAL_TRAINING',
  'MARKETING',
  'FINANCING',
  'BILLING',
  'CUSTOMER_SUPPORT',
] as const;
export type ProviderService = (typeof PROVIDER_SERVICES)[number];

/**
 * A legal address. An enrollment's has every line; the profile of an organization that never
 * enrolled (an indirect provider created by operators) knows only its country until it is edited.
 */
export interface ProfileAddress {
  line1?: string;
  line2?: string;
  city?: string;
  region?: string;
  postalCode?: string;
  country: string;
}

export interface SupportContact {
  /** null until known: an organization that never enrolled gave none. */
  email: string | null;
  phone: string | null;
  website?: string;
}

/**
 * An organization's partner profile as the support context keeps it once changed: seeded from
 * its enrollment (or its organization) by the first PATCH, then changed by conditional writes on
 * `version`. Vetting status and MPN are not kept here: they are read live from the enrollment.
 */
export interface PartnerProfileRecord {
  orgId: string;
  legalName: string;
  address: ProfileAddress;
  support: SupportContact;
  version: number;
  updatedAt: string;
}

/** An indirect provider's directory listing (API.md's listing shape, plus its bookkeeping). */
export interface ListingRecord {
  providerId: string;
  /** The provider organization's name when it was published. */
  name: string;
  description: string;
  countries: string[];
  services: ProviderService[];
  contactEmail: string;
  website?: string;
  version: number;
  updatedAt: string;
}

/** A listing as the directory answers it. */
export type Listing = Omit<ListingRecord, 'version' | 'updatedAt'>;

export interface DirectoryQuery {
  country: string;
  service?: ProviderService | undefined;
  /** Lower-case substring of the name or the description. */
  q?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

/** An activity record's what, for the store to write in the transaction of its change. */
export interface Change {
  at: string;
  changes: Record<string, [unknown, unknown]>;
}

/**
 * The profile area's items. Each write is one transaction with its activity record, conditional
 * on what it was computed from; `false` means that moved meanwhile and nothing was written.
 */
export interface ProfileStore {
  getProfile(orgId: string): Promise<PartnerProfileRecord | undefined>;
  /**
   * Writes `after` (version `before.version + 1`, or 1 when `before` is undefined: the first
   * change, seeded from the enrollment) if the stored profile is still `before`; records
   * PARTNER_PROFILE_UPDATED in the organization's log.
   */
  saveProfile(
    before: PartnerProfileRecord | undefined,
    after: PartnerProfileRecord,
    change: Change,
  ): Promise<boolean>;
  getListing(providerId: string): Promise<ListingRecord | undefined>;
  /**
   * Replaces the provider's listing and all its directory entries (the old countries' and
   * services' entries deleted, the new ones put) if the stored listing is still `before`; records
   * PROVIDER_LISTING_PUBLISHED in the provider's log.
   */
  publishListing(before: ListingRecord | undefined, after: ListingRecord, change: Change): Promise<boolean>;
  /** One Query of one country's (or one country's and service's) entries, by name. */
  searchDirectory(query: DirectoryQuery): Promise<Page<Listing>>;
  /**
   * Counts one contact request of `orgId` on `day` and records PROVIDER_CONTACT_REQUESTED (id
   * `activityId`) in its log, in one transaction; false (nothing written) when `limit` were
   * counted that day already. The counter expires (TTL) at `expiresAt` (epoch seconds).
   */
  countContactRequest(
    request: { orgId: string; providerId: string; day: string; activityId: string; at: string },
    limit: number,
    expiresAt: number,
  ): Promise<boolean>;
  /** Gives back a counted request and removes its record (its email could not be sent). */
  uncountContactRequest(request: {
    orgId: string;
    day: string;
    activityId: string;
    at: string;
  }): Promise<void>;
}

/**
 * What the profile reads of an organization's enrollments: the enrollment context's own port,
 * plus its open enrollment (PENDING_EMAIL_VERIFICATION or IN_REVIEW), which that port does not
 * expose yet.
 */
export interface EnrollmentFacts
  extends Pick<EnrollmentStore, 'getEnrollment' | 'getMpnClaim' | 'getMpnProfile'> {
  /** The id of the organization's open enrollment, if it has one. */
  openEnrollmentId(orgId: string): Promise<string | undefined>;
}
