import { randomUUID } from 'node:crypto';
import type { Principal } from '../../identity/domain/model.ts';
import { DomainError } from '../../platform/errors.ts';
import { languageOfCountry } from '../../platform/mail/locale.ts';
import type { Mailer, Page } from '../../platform/ports.ts';
import { assertPermission } from '../../platform/roles.ts';
import { contactRequestEmail } from '../emails/profile-contact-request.ts';
import {
  type DirectoryQuery,
  type Listing,
  type ListingRecord,
  PROVIDER_SERVICES,
  type ProviderService,
} from '../profile-ports.ts';
import { hasOpenEnrollment, organizationOf, type ProfileDeps } from './profile.ts';

/** The directory's ports: the profile's, and the mailer for contact requests. */
export type DirectoryDeps = ProfileDeps & { mailer: Mailer };

/**
 * A listing is one transaction: its item, one directory entry per country and one per country
 * and service, the old entries' deletes and its activity record, within DynamoDB's 100 items.
 * Entries of the new listing are capped at 49 (countries × (services + 1)), so that the old
 * listing's (also at most 49) deleted in the same transaction still fit.
 */
export const MAX_DIRECTORY_ENTRIES = 49;

/** Contact requests an organization may send per UTC day (API.md: 5 a day per organization). */
export const CONTACT_REQUESTS_PER_DAY = 5;

const DAY_MS = 86_400_000;
const ATTEMPTS = 5;

export interface ListingInput {
  description: string;
  countries: string[];
  services: ProviderService[];
  contactEmail: string;
  website?: string | undefined;
}

/** How many directory entries a listing has: one per country, and one per country and service. */
export const directoryEntries = (l: Pick<ListingInput, 'countries' | 'services'>) =>
  l.countries.length * (l.services.length + 1);

export const publicListing = (l: ListingRecord): Listing => ({
  providerId: l.providerId,
  name: l.name,
  description: l.description,
  countries: l.countries,
  services: l.services,
  contactEmail: l.contactEmail,
  ...(l.website ? { website: l.website } : {}),
});

/** The listing's fields that differ (lists by content), as an activity record's `changes`. */
function listingChanges(before: ListingRecord | undefined, after: ListingRecord) {
  const fields = ['name', 'description', 'countries', 'services', 'contactEmail', 'website'] as const;
  const changes: Record<string, [unknown, unknown]> = {};
  for (const field of fields)
    if (JSON.stringify(before?.[field] ?? null) !== JSON.stringify(after[field] ?? null))
      changes[field] = [before?.[field] ?? null, after[field] ?? null];
  return changes;
}

/**
 * PUT /provider-listing: the caller's indirect provider publishes (or replaces) its listing, under
 * its organization's name. Written conditional on the listing read, so two concurrent PUTs never
 * leave entries of both; the loser reads again and replaces the winner's.
 */
export async function putProviderListing(
  deps: ProfileDeps,
  actor: Principal,
  input: ListingInput,
): Promise<Listing> {
  assertPermission(actor.user, 'partnerProfile:update');
  const org = await organizationOf(deps, actor.user.orgId);
  if (!org.partnerTypes.includes('INDIRECT_PROVIDER'))
    throw new DomainError(
      'NOT_AN_INDIRECT_PROVIDER',
      'Only indirect providers are listed in the provider directory; your organization is not one.',
    );
  const countries = [...new Set(input.countries)].sort();
  // Sorted and without duplicates, so the entries and the answer do not depend on the order sent.
  const services = PROVIDER_SERVICES.filter((s) => input.services.includes(s));
  if (directoryEntries({ countries, services }) > MAX_DIRECTORY_ENTRIES)
    throw new DomainError(
      'VALIDATION_FAILED',
      `A listing holds at most ${MAX_DIRECTORY_ENTRIES} directory entries (countries × (services + 1)); yours has ${directoryEntries({ countries, services })}. List fewer countries or services.`,
      {
        errors: [
          {
            path: 'body.countries',
            message: `countries × (services + 1) must be at most ${MAX_DIRECTORY_ENTRIES}`,
          },
        ],
      },
    );
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const before = await deps.profiles.getListing(org.id);
    const at = deps.clock.now().toISOString();
    const after: ListingRecord = {
      providerId: org.id,
      name: org.name,
      description: input.description,
      countries,
      services,
      contactEmail: input.contactEmail,
      ...(input.website ? { website: input.website } : {}),
      version: (before?.version ?? 0) + 1,
      updatedAt: at,
    };
    const changes = listingChanges(before, after);
    if (before && Object.keys(changes).length === 0) return publicListing(before);
    if (await deps.profiles.publishListing(before, after, { at, changes })) return publicListing(after);
  }
  throw new DomainError(
    'CONFLICT',
    'The listing is being changed by someone else right now; read it again and retry.',
  );
}

/**
 * GET /provider-directory: listings of providers in one country, by name; one Query of that
 * country's partition (or of its partition for one service). `q` filters that page's entries on
 * name and description, case-insensitive, so a page may hold fewer than `limit` (even none) and
 * still have a `nextCursor`.
 */
export function searchProviderDirectory(
  deps: Pick<ProfileDeps, 'profiles'>,
  query: DirectoryQuery,
): Promise<Page<Listing>> {
  const q = query.q?.trim().toLowerCase();
  return deps.profiles.searchDirectory({ ...query, q: q ? q : undefined });
}

/** Seconds from `now` to the end of its UTC day (at least 1). */
export function secondsToEndOfUtcDay(now: Date) {
  const day = now.toISOString().slice(0, 10);
  const end = Date.parse(`${day}T00:00:00Z`) + DAY_MS;
  return Math.max(1, Math.ceil((end - now.getTime()) / 1000));
}

/**
 * POST /provider-directory/{providerId}/contact-requests: a reseller (or an organization enrolling
 * as one) asks a listed provider to contact it. The provider's listing contact gets the message
 * (in the provider's country's language) with the caller's email as reply-to. At most
 * CONTACT_REQUESTS_PER_DAY per organization per UTC day (wall-clock), counted with the request's
 * activity record in one transaction; a request whose email could not be sent is given back.
 */
export async function requestProviderContact(
  deps: DirectoryDeps,
  actor: Principal,
  providerId: string,
  message: string,
) {
  if (actor.user.adminRole !== 'GLOBAL_ADMIN')
    throw new DomainError('FORBIDDEN', 'Only a global admin of your organization can contact providers.');
  const org = await organizationOf(deps, actor.user.orgId);
  const enrolling = !org.partnerTypes.includes('RESELLER');
  if (enrolling && !(await hasOpenEnrollment(deps, org.id)))
    throw new DomainError(
      'NOT_A_RESELLER',
      'Only indirect resellers, and organizations enrolling as one, can contact providers of the directory. Enroll as an indirect reseller first (POST /enrollments).',
    );
  const [listing, provider] = await Promise.all([
    deps.profiles.getListing(providerId),
    deps.organizations.getOrganization(providerId),
  ]);
  if (!listing || !provider)
    throw new DomainError('NOT_FOUND', 'No provider with this id is listed in the provider directory.');

  const now = deps.clock.now();
  const request = {
    orgId: org.id,
    providerId,
    day: now.toISOString().slice(0, 10),
    activityId: randomUUID(),
    at: now.toISOString(),
  };
  const retryAfterSeconds = secondsToEndOfUtcDay(now);
  const counted = await deps.profiles.countContactRequest(
    request,
    CONTACT_REQUESTS_PER_DAY,
    Math.floor(now.getTime() / 1000) + retryAfterSeconds + 86_400,
  );
  if (!counted)
    throw new DomainError(
      'RATE_LIMITED',
      `Your organization already sent ${CONTACT_REQUESTS_PER_DAY} contact requests today; send more after midnight UTC.`,
      { retryAfterSeconds },
    );
  try {
    await deps.mailer.send({
      to: listing.contactEmail,
      replyTo: actor.user.email,
      ...contactRequestEmail(languageOfCountry(provider.country), {
        providerName: listing.name,
        organization: { name: org.name, domain: org.domain, country: org.country },
        enrolling,
        user: actor.user,
        message,
      }),
    });
  } catch (error) {
    await deps.profiles.uncountContactRequest(request);
    throw error;
  }
  return { providerId, status: 'SENT' as const };
}
