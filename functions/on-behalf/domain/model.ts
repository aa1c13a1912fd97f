/**
 * Time-bound, role-scoped delegated admin (API.md "Administering on behalf"): a partner
 * (reseller or indirect provider) asks, a global admin of the customer approves by an emailed
 * link, and every on-behalf call checks an active relationship holding the role at that moment.
 */

export const ADMIN_ROLES = [
  'DIRECTORY_READER',
  'USER_ADMINISTRATOR',
  'LICENSE_ADMINISTRATOR',
  'SERVICE_SUPPORT_ADMINISTRATOR',
  'GLOBAL_ADMINISTRATOR',
] as const;
export type DelegatedRole = (typeof ADMIN_ROLES)[number];

export const ADMIN_RELATIONSHIP_STATUSES = [
  'APPROVAL_PENDING',
  'ACTIVE',
  'EXPIRED',
  'TERMINATED',
  'REJECTED',
] as const;
export type AdminRelationshipStatus = (typeof ADMIN_RELATIONSHIP_STATUSES)[number];

export interface OrgName {
  organizationId: string;
  name: string;
}

export interface AdminRelationshipRecord {
  relationshipId: string;
  displayName: string;
  /** The partner that administers. */
  partner: OrgName;
  /** The customer administered. */
  customer: OrgName;
  roles: DelegatedRole[];
  /** ISO-8601 days, "P1D" … "P730D": how long it lasts once approved. */
  duration: string;
  autoExtend: boolean;
  /** Stored status; APPROVAL_PENDING past `requestExpiresAt` and ACTIVE past `endsAt` read as EXPIRED. */
  status: AdminRelationshipStatus;
  createdAt: string;
  /** An unapproved request ends then (90 days). */
  requestExpiresAt: string;
  activatedAt?: string;
  endsAt?: string;
  endedAt?: string;
  /** Who ended it (TERMINATED, REJECTED): the partner's or the customer's organization. */
  endedBy?: string;
  /** Hash of the approval link's token, while the request is pending. */
  tokenHash?: string;
  /** The "Default" relationship an accepted invitation with delegatedAdmin created. */
  fromInvitationId?: string;
  /** Requested with an Idempotency-Key: the SHA-256 of the request, so the key with another request is refused. */
  requestHash?: string;
}

/** Days of a duration "P<n>D". */
export const durationDays = (duration: string) => Number(/^P(\d+)D$/.exec(duration)?.[1] ?? Number.NaN);

/** The status a relationship has at `now` (expiry is exact, not waiting for a timer). */
export function statusAt(r: AdminRelationshipRecord, now: Date): AdminRelationshipStatus {
  const t = now.toISOString();
  if (r.status === 'APPROVAL_PENDING' && r.requestExpiresAt <= t) return 'EXPIRED';
  if (r.status === 'ACTIVE' && r.endsAt !== undefined && r.endsAt <= t) return 'EXPIRED';
  return r.status;
}

/** What the API shows (no link hash). */
export const publicRelationship = (r: AdminRelationshipRecord, now: Date) => ({
  relationshipId: r.relationshipId,
  displayName: r.displayName,
  partner: r.partner,
  customer: r.customer,
  roles: r.roles,
  duration: r.duration,
  autoExtend: r.autoExtend,
  status: statusAt(r, now),
  createdAt: r.createdAt,
  ...(r.activatedAt ? { activatedAt: r.activatedAt } : {}),
  ...(r.endsAt ? { endsAt: r.endsAt } : {}),
  ...(r.endedAt ? { endedAt: r.endedAt } : {}),
});

/** Whether holding `held` gives `needed`: GLOBAL_ADMINISTRATOR gives all, and every role gives reading. */
export const roleGives = (held: readonly DelegatedRole[], needed: DelegatedRole) =>
  held.includes(needed) ||
  held.includes('GLOBAL_ADMINISTRATOR') ||
  (needed === 'DIRECTORY_READER' && held.length > 0);
