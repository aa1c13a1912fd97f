import { createHash } from 'node:crypto';
import { DomainError } from '../../platform/errors.ts';

export const INVITATION_KINDS = [
  'PROVIDER_RESELLER',
  'RESELLER_CUSTOMER',
  'RESELLER_PROVIDER_CUSTOMER',
] as const;
export type InvitationKind = (typeof INVITATION_KINDS)[number];
export const INVITATION_STATUSES = ['PENDING', 'ACCEPTED', 'DECLINED', 'CANCELED', 'EXPIRED'] as const;
export type InvitationStatus = (typeof INVITATION_STATUSES)[number];

export interface OrgRef {
  id: string;
  name: string;
  domain: string;
}

export interface InvitationRecord {
  id: string;
  kind: InvitationKind;
  /** The sending organization: the provider (PROVIDER_RESELLER) or the reseller. */
  from: OrgRef;
  /** The indirect provider named in a combined invitation. */
  provider?: OrgRef;
  email: string;
  /** The invitee email's domain: only that organization's global admins may accept. */
  domain: string;
  message?: string;
  delegatedAdmin: boolean;
  locale: string;
  /** Stored status; PENDING past `expiresAt` reads as EXPIRED. */
  status: Exclude<InvitationStatus, 'EXPIRED'>;
  /** Hash of the current link token; a re-send replaces it. */
  tokenHash: string;
  createdAt: string;
  /** Epoch seconds. */
  expiresAt: number;
  acceptedBy?: OrgRef;
  decidedAt?: string;
  /**
   * Created with an Idempotency-Key (its id and link token derived from the key): the SHA-256
   * of the request it answered, so that the key with another request is refused. The key and
   * the token are not stored.
   */
  requestHash?: string;
  /** An idempotent create that emails the link: when the email went out (absent until then). */
  mailedAt?: string;
  /** …and since when (epoch seconds) a request is sending it; a claim older than the mail lease is abandoned. */
  mailClaimedAt?: number;
}

/** A row of the Indirect providers / Indirect resellers lists. */
export interface PartnerLink {
  organizationId: string;
  name: string;
  domain: string;
  country: string;
  since: string;
}

/**
 * A row of a customer list: a reseller's own customer (with `indirectProviderId` where it is
 * shared with a provider), or an indirect provider's customer through a reseller
 * (`indirectResellerId`).
 */
export interface CustomerLink {
  customerId: string;
  name: string;
  domain: string;
  country: string;
  /**
   * Stored: whether the accepted invitation asked for delegated admin (its "Default" admin
   * relationship). As the API answers it: whether an admin relationship is active (see
   * withDelegatedAdmin in domain/invitations.ts).
   */
  delegatedAdmin: boolean;
  since: string;
  indirectProviderId?: string;
  indirectResellerId?: string;
  /** When the "Default" admin relationship the acceptance asked for was made (set by its transaction). */
  defaultAdminAt?: string;
  /**
   * `NOT_ON_PLATFORM`: an existing customer carried over from the reseller's partner network profile
   * whose domain has no organization here (functions/relationships/domain/existing.ts). It is listed,
   * and can be invited in one call, but it is no relationship: everything else under
   * /customers/{customerId}/ answers 404 for it. Absent on every real relationship.
   */
  status?: 'NOT_ON_PLATFORM';
}

/** A customer as the API shows it: every row with its status. */
export type ListedCustomer<R extends CustomerLink = CustomerLink> = Omit<R, 'status' | 'defaultAdminAt'> & {
  status: 'ACTIVE' | 'NOT_ON_PLATFORM';
};

/**
 * A customer row as the API shows it (the Customer schema): a provider's row of a customer
 * shared by one reseller also holds `resellerId` for the store, which the path already names.
 */
export const publicCustomer = (row: CustomerLink | ListedCustomer): ListedCustomer => ({
  customerId: row.customerId,
  name: row.name,
  domain: row.domain,
  country: row.country,
  delegatedAdmin: row.delegatedAdmin,
  since: row.since,
  ...(row.indirectProviderId ? { indirectProviderId: row.indirectProviderId } : {}),
  ...(row.indirectResellerId ? { indirectResellerId: row.indirectResellerId } : {}),
  status: row.status ?? 'ACTIVE',
});

/**
 * The id of an existing customer's `NOT_ON_PLATFORM` entry in a reseller's list: derived from its
 * domain, so carrying over twice writes one entry, and the acceptance of that domain's invitation
 * finds the entry it replaces without a lookup.
 */
export const existingCustomerId = (domain: string) =>
  `ext-${createHash('sha256').update(domain.toLowerCase(), 'utf8').digest('base64url').slice(0, 22)}`;

/** A row of an organization's own lists (providers, resellers, a customer's partners). */
export const partnerRow = (
  org: { id: string; name: string; domain: string; country: string },
  since: string,
): PartnerLink => ({
  organizationId: org.id,
  name: org.name,
  domain: org.domain,
  country: org.country,
  since,
});

export const effectiveStatus = (inv: InvitationRecord, now: Date): InvitationStatus =>
  inv.status === 'PENDING' && inv.expiresAt * 1000 <= now.getTime() ? 'EXPIRED' : inv.status;

export const publicInvitation = (inv: InvitationRecord, now: Date) => ({
  invitationId: inv.id,
  kind: inv.kind,
  status: effectiveStatus(inv, now),
  email: inv.email,
  from: inv.from,
  ...(inv.provider ? { provider: inv.provider } : {}),
  delegatedAdmin: inv.delegatedAdmin,
  ...(inv.message ? { message: inv.message } : {}),
  createdAt: inv.createdAt,
  expiresAt: new Date(inv.expiresAt * 1000).toISOString(),
  ...(inv.acceptedBy ? { acceptedBy: inv.acceptedBy } : {}),
  ...(inv.decidedAt ? { decidedAt: inv.decidedAt } : {}),
});

export const relationshipErrors = {
  notPending: (status: string) =>
    new DomainError(
      'INVITATION_NOT_PENDING',
      `The invitation is ${status}; only pending invitations can be canceled or re-sent.`,
    ),
};

/**
 * PROVIDER: a reseller's indirect providers. RESELLER: a provider's indirect resellers.
 * PARTNER: a customer's partners.
 * CUSTOMER#<customer>: a reseller's own customer. CUSTOMER#<customer>#<reseller>: an indirect
 * provider's customer through a combined invitation of that reseller, written in the same
 * transaction as the SHARED row. One prefix for both: an organization that is a reseller and a
 * provider lists all its customers in one Query and finds one customer in one Query (its own
 * row sorts first); a customer shared by two resellers of one provider is two rows.
 * SHAREDWITH#<provider>#<customer>: a reseller's customers shared with a provider.
 * SHARED#<reseller>#<customer>: a provider's customers shared by a reseller.
 */
export type RelationshipKind = 'PROVIDER' | 'RESELLER' | 'CUSTOMER' | 'PARTNER' | 'SHAREDWITH' | 'SHARED';
