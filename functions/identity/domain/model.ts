import { DomainError } from '../../platform/errors.ts';
import type { AdminRole, AgentRole } from '../../platform/roles.ts';

export type PartnerType = 'RESELLER' | 'INDIRECT_PROVIDER';

export interface OrganizationRecord {
  id: string;
  name: string;
  domain: string;
  country: string;
  partnerTypes: PartnerType[];
  /** A reseller's partner network (MPN) ID, set when its enrollment is approved. */
  mpnId?: string;
  status: 'PENDING_EMAIL_VERIFICATION' | 'ACTIVE';
  /** Kept exact by the transactions that change roles, so the last global admin is protected. */
  globalAdminCount: number;
  createdAt: string;
}

export interface UserRecord {
  /** Also the Cognito username. */
  id: string;
  orgId: string;
  email: string;
  firstName: string;
  lastName: string;
  agentRole: AgentRole;
  adminRole: AdminRole;
  /** INACTIVE: deleted by a partner on behalf of its customer; restorable until 30 days after `deletedAt`. */
  status: 'PENDING_EMAIL_VERIFICATION' | 'ACTIVE' | 'INACTIVE';
  /** Present while the user still has a temporary password (see passwords.ts). */
  temporaryPasswordVerifier?: string;
  createdAt: string;
  /** A customer's user: the country where its services are used (ISO 3166-1 alpha-2). */
  usageLocation?: string;
  deletedAt?: string;
  /**
   * A customer's user: the licenses it holds, by subscription id. Written only with the
   * subscription's `assignedLicenses` in one transaction (functions/on-behalf/users-store.ts); an
   * entry of a subscription that ended (CANCELED, EXPIRED) holds nothing (its count went to 0).
   */
  licenses?: Record<string, HeldLicense>;
}

/** One license a user holds: a seat of a subscription. */
export interface HeldLicense {
  offerName: string;
  assignedAt: string;
}

/** Global admins counted in `OrganizationRecord.globalAdminCount`: a deleted (INACTIVE) one is not. */
export const countsAsGlobalAdmin = (u: Pick<UserRecord, 'adminRole' | 'status'>) =>
  u.adminRole === 'GLOBAL_ADMIN' && u.status !== 'INACTIVE';

/** Failed sign-ins for one email within a window that ends at `windowEndsAt` (epoch seconds). */
export interface SignInFailures {
  failures: number;
  windowEndsAt: number;
}

/** A signed-in partner user as resolved from the verified token and the stored user. */
export interface Principal {
  user: UserRecord;
}

export const publicUser = (u: UserRecord) => ({
  id: u.id,
  email: u.email,
  firstName: u.firstName,
  lastName: u.lastName,
  agentRole: u.agentRole,
  adminRole: u.adminRole,
  status: u.status === 'ACTIVE' && u.temporaryPasswordVerifier ? ('MUST_CHANGE_PASSWORD' as const) : u.status,
});

export const publicOrganization = (o: OrganizationRecord) => ({
  id: o.id,
  name: o.name,
  domain: o.domain,
  country: o.country,
  partnerTypes: o.partnerTypes,
});

/** The identity rules' errors whose detail names what was sent. */
export const identityErrors = {
  webmailNotAllowed: (what: string) =>
    new DomainError(
      'WEBMAIL_NOT_ALLOWED',
      `${what} belongs to a web-based mail service (such as Gmail, Yahoo! Mail, iCloud Mail, AOL Mail or Outlook.com). Use your organization's own domain.`,
    ),
  emailDomainMismatch: (email: string, domain: string) =>
    new DomainError(
      'EMAIL_DOMAIN_MISMATCH',
      `${email} is not on your organization's domain ${domain}. Use an address at ${domain}.`,
    ),
  domainTaken: (domain: string) =>
    new DomainError(
      'DOMAIN_TAKEN',
      `An organization with the domain ${domain} already exists. Ask its global admin to add you as a user.`,
    ),
  emailTaken: (email: string) =>
    new DomainError('EMAIL_TAKEN', `${email} already has an account. Sign in, or use another address.`),
  /** Sign-in refused for an email until its failure window ends, whatever the password. */
  signInRateLimited: (retryAfterSeconds: number) => {
    const minutes = Math.ceil(retryAfterSeconds / 60);
    return new DomainError(
      'RATE_LIMITED',
      `Too many failed sign-ins for this email. Try again in ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}; if you forgot your password, ask a global admin of your organization to reset it.`,
      { retryAfterSeconds },
    );
  },
};
