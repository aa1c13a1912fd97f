import type { EnrollmentRecord } from '../../enrollment/domain/model.ts';
import type { Organizations } from '../../identity/domain/admins.ts';
import { identityErrors, type OrganizationRecord, type Principal } from '../../identity/domain/model.ts';
import { DomainError } from '../../platform/errors.ts';
import type { Clock } from '../../platform/ports.ts';
import { assertPermission } from '../../platform/roles.ts';
import { isWebmailAddress } from '../../platform/webmail.ts';
import type {
  EnrollmentFacts,
  PartnerProfileRecord,
  ProfileAddress,
  ProfileStore,
  SupportContact,
} from '../profile-ports.ts';

/** The ports of the partner profile, the provider listing and the directory. */
export interface ProfileDeps {
  profiles: ProfileStore;
  organizations: Organizations;
  enrollments: EnrollmentFacts;
  clock: Clock;
}

/**
 * How far the organization is vetted as a partner: AUTHORIZED once it is one (an approved
 * reseller, or an indirect provider, which operators create); else its open enrollment's step;
 * NOT_ENROLLED when it has none (never enrolled, or its enrollment was rejected or expired).
 */
export const VETTING_STATUSES = [
  'AUTHORIZED',
  'IN_REVIEW',
  'PENDING_EMAIL_VERIFICATION',
  'NOT_ENROLLED',
] as const;
export type VettingStatus = (typeof VETTING_STATUSES)[number];

/** GET /partner-profile's answer; `mpn` is null for an organization that never gave an MPN ID. */
export interface PartnerProfileView {
  legal: { legalName: string; address: ProfileAddress; vettingStatus: VettingStatus };
  support: SupportContact;
  mpn: { mpnId: string; partnerName: string } | null;
}

/** A lost race is re-read and re-applied this many times before the caller is told to retry. */
const ATTEMPTS = 5;

/** The route's permission, checked again here: the domain does not trust that a handler checked it. */
/** The caller's own organization. */
export async function organizationOf(deps: Pick<ProfileDeps, 'organizations'>, orgId: string) {
  const org = await deps.organizations.getOrganization(orgId);
  if (!org) throw new DomainError('NOT_FOUND', 'Your organization no longer exists.');
  return org;
}

/**
 * The enrollment the profile comes from: the approved one (through the organization's MPN claim),
 * else the open one; undefined when there is neither.
 */
export async function enrollmentOf(
  deps: Pick<ProfileDeps, 'enrollments'>,
  org: OrganizationRecord,
): Promise<EnrollmentRecord | undefined> {
  if (org.mpnId) {
    const claim = await deps.enrollments.getMpnClaim(org.mpnId);
    if (claim?.orgId === org.id) {
      const approved = await deps.enrollments.getEnrollment(claim.enrollmentId);
      if (approved?.status === 'APPROVED') return approved;
    }
  }
  const openId = await deps.enrollments.openEnrollmentId(org.id);
  const open = openId ? await deps.enrollments.getEnrollment(openId) : undefined;
  return open && isOpen(open) ? open : undefined;
}

const isOpen = (e: EnrollmentRecord) => e.status === 'PENDING_EMAIL_VERIFICATION' || e.status === 'IN_REVIEW';

/** Whether the organization has an enrollment that is neither decided nor expired. */
export async function hasOpenEnrollment(deps: Pick<ProfileDeps, 'enrollments'>, orgId: string) {
  const openId = await deps.enrollments.openEnrollmentId(orgId);
  const open = openId ? await deps.enrollments.getEnrollment(openId) : undefined;
  return open !== undefined && isOpen(open);
}

function vettingStatus(org: OrganizationRecord, enrollment: EnrollmentRecord | undefined): VettingStatus {
  if (org.partnerTypes.length > 0) return 'AUTHORIZED';
  if (enrollment?.status === 'IN_REVIEW' || enrollment?.status === 'PENDING_EMAIL_VERIFICATION')
    return enrollment.status;
  return 'NOT_ENROLLED';
}

/** What the profile holds before its first change: the enrollment's, or what the organization knows. */
function seeded(
  org: OrganizationRecord,
  enrollment: EnrollmentRecord | undefined,
): Pick<PartnerProfileRecord, 'legalName' | 'address' | 'support'> {
  if (!enrollment)
    return { legalName: org.name, address: { country: org.country }, support: { email: null, phone: null } };
  const { email, phone, website } = enrollment.supportContact;
  return {
    legalName: enrollment.legalName,
    address: { ...enrollment.address },
    support: { email, phone, ...(website ? { website } : {}) },
  };
}

/** The profile as stored, or as seeded (version 0) when it was never changed. */
async function currentProfile(deps: ProfileDeps, org: OrganizationRecord) {
  const stored = await deps.profiles.getProfile(org.id);
  // The enrollment is read only when the answer needs it: content, vetting step or MPN ID.
  const needsEnrollment = !stored || org.partnerTypes.length === 0 || !org.mpnId;
  const enrollment = needsEnrollment ? await enrollmentOf(deps, org) : undefined;
  const profile: PartnerProfileRecord = stored ?? {
    orgId: org.id,
    ...seeded(org, enrollment),
    version: 0,
    updatedAt: org.createdAt,
  };
  return { stored, profile, enrollment };
}

async function viewOf(
  deps: ProfileDeps,
  org: OrganizationRecord,
  profile: PartnerProfileRecord,
  enrollment: EnrollmentRecord | undefined,
): Promise<PartnerProfileView> {
  const mpnId = org.mpnId ?? enrollment?.mpnId;
  const mpnProfile = mpnId ? await deps.enrollments.getMpnProfile(mpnId) : undefined;
  return {
    legal: {
      legalName: profile.legalName,
      address: profile.address,
      vettingStatus: vettingStatus(org, enrollment),
    },
    support: profile.support,
    mpn: mpnId ? { mpnId, partnerName: mpnProfile?.legalName ?? profile.legalName } : null,
  };
}

/** GET /partner-profile: the caller's organization's profile. */
export async function getPartnerProfile(deps: ProfileDeps, actor: Principal): Promise<PartnerProfileView> {
  assertPermission(actor.user, 'partnerProfile:read');
  const org = await organizationOf(deps, actor.user.orgId);
  const { profile, enrollment } = await currentProfile(deps, org);
  return viewOf(deps, org, profile, enrollment);
}

/** The fields an activity record names, flat (`support.email`), compared by value. */
function profileChanges(before: PartnerProfileRecord, after: PartnerProfileRecord) {
  const flat = (p: PartnerProfileRecord): Record<string, unknown> => ({
    legalName: p.legalName,
    address: p.address,
    'support.email': p.support.email,
    'support.phone': p.support.phone,
    'support.website': p.support.website,
  });
  const [b, a] = [flat(before), flat(after)];
  const changes: Record<string, [unknown, unknown]> = {};
  for (const field of Object.keys(a))
    if (JSON.stringify(b[field] ?? null) !== JSON.stringify(a[field] ?? null))
      changes[field] = [b[field] ?? null, a[field] ?? null];
  return changes;
}

/**
 * Applies `change` to the current profile and writes it conditional on the version read (the
 * first change seeds the profile from the enrollment, conditional on there being none yet); a
 * lost race reads again and re-applies, so concurrent PATCHes of different fields both land.
 * A change that changes nothing writes nothing.
 */
async function changeProfile(
  deps: ProfileDeps,
  actor: Principal,
  change: (org: OrganizationRecord, current: PartnerProfileRecord) => Partial<PartnerProfileRecord>,
): Promise<PartnerProfileView> {
  assertPermission(actor.user, 'partnerProfile:update');
  const org = await organizationOf(deps, actor.user.orgId);
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const { stored, profile, enrollment } = await currentProfile(deps, org);
    const at = deps.clock.now().toISOString();
    const next: PartnerProfileRecord = {
      ...profile,
      ...change(org, profile),
      orgId: org.id,
      version: profile.version + 1,
      updatedAt: at,
    };
    const changes = profileChanges(profile, next);
    if (Object.keys(changes).length === 0) return viewOf(deps, org, profile, enrollment);
    if (await deps.profiles.saveProfile(stored, next, { at, changes }))
      return viewOf(deps, org, next, enrollment);
  }
  throw new DomainError(
    'CONFLICT',
    'The partner profile is being changed by someone else right now; read it again and retry.',
  );
}

export interface LegalInput {
  legalName?: string | undefined;
  /** A whole address; its country, when given, must be the organization's. */
  address?: (Omit<ProfileAddress, 'country'> & { country?: string | undefined }) | undefined;
}

/** PATCH /partner-profile/legal: the legal name and address; the country never changes. */
export function updatePartnerLegal(deps: ProfileDeps, actor: Principal, input: LegalInput) {
  return changeProfile(deps, actor, (org) => {
    const address = input.address;
    if (address?.country !== undefined && address.country !== org.country)
      throw new DomainError(
        'COUNTRY_IMMUTABLE',
        `The legal address must stay in ${org.country}, the country your organization was created in (you sent ${address.country}). Keep ${org.country}, or contact support.`,
      );
    const { country: _country, ...lines } = address ?? {};
    return {
      ...(input.legalName !== undefined ? { legalName: input.legalName } : {}),
      ...(address ? { address: { ...withoutUndefined(lines), country: org.country } } : {}),
    };
  });
}

export interface SupportInput {
  email?: string | undefined;
  phone?: string | undefined;
  /** null removes the website. */
  website?: string | null | undefined;
}

/** PATCH /partner-profile/support: the support contact; no web-based mailbox. */
export async function updatePartnerSupport(deps: ProfileDeps, actor: Principal, input: SupportInput) {
  assertPermission(actor.user, 'partnerProfile:update');
  if (input.email !== undefined && isWebmailAddress(input.email))
    throw identityErrors.webmailNotAllowed(`The support email ${input.email}`);
  return changeProfile(deps, actor, (_org, current) => {
    const { website: _website, ...rest } = current.support;
    const website = input.website === undefined ? current.support.website : (input.website ?? undefined);
    return {
      support: {
        ...rest,
        ...(input.email !== undefined ? { email: input.email } : {}),
        ...(input.phone !== undefined ? { phone: input.phone } : {}),
        ...(website ? { website } : {}),
      },
    };
  });
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
