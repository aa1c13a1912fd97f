import { randomUUID } from 'node:crypto';
import { DomainError, isDomainError } from '../../platform/errors.ts';
import {
  assertLinkUsable,
  hashLinkToken,
  type LinkRecord,
  linkRecord,
  newLinkToken,
  VERIFICATION_LINK_TTL_SECONDS,
} from '../../platform/links/links.ts';
import type { Clock, LinkStore, Mailer } from '../../platform/ports.ts';
import { epochSeconds } from '../../platform/time.ts';
import { emailOnDomain, isWebmailAddress, isWebmailDomain } from '../../platform/webmail.ts';
import { accountVerificationEmail } from '../emails/account-verification.ts';
import type { AuthResult, Directory, IdentityStore } from '../ports.ts';
import { identityErrors, type OrganizationRecord, type PartnerType, type UserRecord } from './model.ts';
import { generateTemporaryPassword, matchesVerifier, temporaryPasswordVerifier } from './passwords.ts';

export interface IdentityDeps {
  store: IdentityStore;
  /** Emailed links of every kind. */
  links: LinkStore;
  directory: Directory;
  mailer: Mailer;
  clock: Clock;
  /** Where emailed links point, e.g. https://api.example.com */
  publicBaseUrl: string;
}

interface OrganizationInput {
  name: string;
  domain: string;
  country: string;
}
interface PersonInput {
  firstName: string;
  lastName: string;
  email: string;
}

/** The rules every organization's first user must meet: no webmail, email on the domain. */
export function assertOrganizationEmail(organization: OrganizationInput, email: string): void {
  if (isWebmailDomain(organization.domain))
    throw identityErrors.webmailNotAllowed(`The domain ${organization.domain}`);
  if (isWebmailAddress(email)) throw identityErrors.webmailNotAllowed(`The address ${email}`);
  if (!emailOnDomain(email, organization.domain))
    throw identityErrors.emailDomainMismatch(email, organization.domain);
}

function newOrganization(
  input: OrganizationInput,
  partnerTypes: PartnerType[],
  status: OrganizationRecord['status'],
  now: Date,
) {
  return {
    id: randomUUID(),
    name: input.name,
    domain: input.domain,
    country: input.country,
    partnerTypes,
    status,
    globalAdminCount: 1,
    createdAt: now.toISOString(),
  } satisfies OrganizationRecord;
}

function newGlobalAdmin(
  orgId: string,
  person: PersonInput,
  status: UserRecord['status'],
  now: Date,
): UserRecord {
  return {
    id: randomUUID(),
    orgId,
    email: person.email,
    firstName: person.firstName,
    lastName: person.lastName,
    agentRole: 'NONE',
    adminRole: 'GLOBAL_ADMIN',
    status,
    createdAt: now.toISOString(),
  };
}

/**
 * Runs `steps` after the organization was written, undoing everything when one fails,
 * so a failed create leaves neither table items nor an identity behind.
 */
async function withCompensation(
  deps: IdentityDeps,
  org: OrganizationRecord,
  admin: UserRecord,
  link: LinkRecord | undefined,
  steps: () => Promise<void>,
) {
  try {
    await steps();
  } catch (error) {
    // Deleting an identity that was never created fails harmlessly; both undo steps are best effort.
    await deps.directory.deleteUser(admin.id).catch(() => undefined);
    await deps.store.deleteOrganization(org, admin, link).catch(() => undefined);
    throw error;
  }
}

/** POST /accounts: a tenant and its global admin, unverified until the emailed link is confirmed. */
export async function createWorkAccount(
  deps: IdentityDeps,
  input: { organization: OrganizationInput; admin: PersonInput & { password: string } },
) {
  assertOrganizationEmail(input.organization, input.admin.email);
  const now = deps.clock.now();
  const org = newOrganization(input.organization, [], 'PENDING_EMAIL_VERIFICATION', now);
  const admin = newGlobalAdmin(org.id, input.admin, 'PENDING_EMAIL_VERIFICATION', now);
  const token = newLinkToken();
  const link = linkRecord(
    token,
    { kind: 'ACCOUNT_VERIFICATION', orgId: org.id, userId: admin.id },
    now,
    Math.floor(now.getTime() / 1000) + VERIFICATION_LINK_TTL_SECONDS,
  );
  await deps.store.createOrganization(org, admin, link);
  await withCompensation(deps, org, admin, link, async () => {
    await deps.directory.createUser(admin.id, admin.email, input.admin.password, false);
    const url = `${deps.publicBaseUrl}/accounts/verify?token=${encodeURIComponent(token)}`;
    await deps.mailer.send({
      to: admin.email,
      ...accountVerificationEmail({ firstName: admin.firstName, organizationName: org.name, link: url }),
    });
  });
  return { organizationId: org.id, userId: admin.id, status: 'PENDING_EMAIL_VERIFICATION' as const };
}

/** POST /operator/indirect-providers: a provider tenant, active at once, whose admin gets a temporary password. */
export async function createIndirectProvider(
  deps: IdentityDeps,
  input: { organization: OrganizationInput; admin: PersonInput },
  password?: { value: string; permanent: boolean },
) {
  assertOrganizationEmail(input.organization, input.admin.email);
  const now = deps.clock.now();
  const org = newOrganization(input.organization, ['INDIRECT_PROVIDER'], 'ACTIVE', now);
  const temporaryPassword = password?.value ?? generateTemporaryPassword();
  const admin: UserRecord = {
    ...newGlobalAdmin(org.id, input.admin, 'ACTIVE', now),
    agentRole: 'ADMIN_AGENT',
    ...(password?.permanent
      ? {}
      : { temporaryPasswordVerifier: temporaryPasswordVerifier(temporaryPassword) }),
  };
  await deps.store.createOrganization(org, admin);
  await withCompensation(deps, org, admin, undefined, () =>
    deps.directory.createUser(admin.id, admin.email, temporaryPassword, !password?.permanent),
  );
  return { organizationId: org.id, userId: admin.id, temporaryPassword };
}

/** The link page's view of a verification token, without changing anything. */
export async function peekAccountVerification(deps: IdentityDeps, token: string) {
  const link = await deps.links.getLink(hashLinkToken(token));
  assertLinkUsable(link, deps.clock.now());
  if (link.kind !== 'ACCOUNT_VERIFICATION') throw new DomainError('LINK_INVALID');
  const org = await deps.store.getOrganization(link.orgId);
  return { organizationName: org?.name ?? '' };
}

/** POST /accounts/verify: single use, expiry checked here (TTL deletion is only eventual). */
export async function verifyAccount(deps: IdentityDeps, token: string) {
  const link = await deps.links.getLink(hashLinkToken(token));
  const now = deps.clock.now();
  assertLinkUsable(link, now);
  if (link.kind !== 'ACCOUNT_VERIFICATION') throw new DomainError('LINK_INVALID');
  await deps.store.consumeAccountVerification(link, now);
  return { status: 'VERIFIED' as const };
}

const tokensOf = (result: AuthResult) => {
  if (result.kind !== 'tokens') throw new DomainError('INVALID_CREDENTIALS');
  return {
    accessToken: result.accessToken,
    idToken: result.idToken,
    refreshToken: result.refreshToken,
    expiresIn: result.expiresIn,
    tokenType: 'Bearer' as const,
  };
};

/** Failed sign-ins one email may have in a window before sign-in is refused until the window ends. */
export const SIGN_IN_FAILURE_LIMIT = 5;
/** The window starts at the first failure and lasts this long (wall-clock time). */
export const SIGN_IN_FAILURE_WINDOW_SECONDS = 15 * 60;

/**
 * POST /auth/sign-in, and the email-and-password forms of the link pages. After
 * SIGN_IN_FAILURE_LIMIT failures for one email (known or not, so the answer reveals nothing)
 * within a window, every attempt, the right password too, is refused with RATE_LIMITED until
 * the window ends, without asking the identity provider: a refused guess costs one read and
 * teaches nothing. A success before the limit forgets the failures.
 */
export async function signIn(deps: IdentityDeps, email: string, password: string) {
  const who = email.trim().toLowerCase();
  const now = epochSeconds(deps.clock.now());
  const counted = await deps.store.getSignInFailures(who);
  // DynamoDB's TTL deletes late (DynamoDB Local never): an ended window counts as none.
  const open = counted && counted.windowEndsAt > now ? counted : undefined;
  if (open && open.failures >= SIGN_IN_FAILURE_LIMIT) {
    throw identityErrors.signInRateLimited(open.windowEndsAt - now);
  }
  let result: Awaited<ReturnType<typeof checkCredentials>>;
  try {
    result = await checkCredentials(deps, email, password);
  } catch (error) {
    if (isDomainError(error, 'INVALID_CREDENTIALS')) {
      const at = epochSeconds(deps.clock.now());
      await deps.store.recordSignInFailure(who, at, at + SIGN_IN_FAILURE_WINDOW_SECONDS);
    }
    throw error;
  }
  if (open) await deps.store.clearSignInFailures(who);
  return result;
}

/**
 * One answer for every failure. Partner users' usernames are their ids, so an email username
 * can only be an operator's. A temporary password is checked against our verifier first:
 * cognito-local answers the challenge even to a wrong one.
 */
async function checkCredentials(deps: IdentityDeps, email: string, password: string) {
  const user = await deps.store.getUserByEmail(email);
  // Operators are not partner users: their identity-provider username is their email, and
  // only operators created on AWS (where Cognito checks temporary passwords) get a challenge.
  if (!user) {
    const result = await deps.directory.signIn(email, password);
    return result.kind === 'challenge'
      ? { challenge: 'NEW_PASSWORD_REQUIRED' as const, session: result.session }
      : tokensOf(result);
  }
  if (user.status !== 'ACTIVE') throw new DomainError('INVALID_CREDENTIALS');
  if (user.temporaryPasswordVerifier && !matchesVerifier(password, user.temporaryPasswordVerifier)) {
    throw new DomainError('INVALID_CREDENTIALS');
  }
  const result = await deps.directory.signIn(user.id, password);
  if (result.kind === 'challenge') {
    if (!user.temporaryPasswordVerifier) throw new DomainError('INVALID_CREDENTIALS');
    return { challenge: 'NEW_PASSWORD_REQUIRED' as const, session: result.session };
  }
  return tokensOf(result);
}

/** POST /auth/new-password: answers the NEW_PASSWORD_REQUIRED challenge, then forgets the verifier. */
export async function completeNewPassword(
  deps: IdentityDeps,
  email: string,
  session: string,
  newPassword: string,
) {
  const user = await deps.store.getUserByEmail(email);
  if (user?.status !== 'ACTIVE' || !user.temporaryPasswordVerifier)
    throw new DomainError('INVALID_CREDENTIALS');
  const tokens = tokensOf(await deps.directory.completeNewPassword(user.id, session, newPassword));
  await deps.store.setTemporaryPasswordVerifier(user, undefined);
  return tokens;
}

export async function refreshTokens(deps: Pick<IdentityDeps, 'directory'>, refreshToken: string) {
  const result = await deps.directory.refresh(refreshToken);
  return tokensOf(
    result.kind === 'tokens' ? { ...result, refreshToken: result.refreshToken || refreshToken } : result,
  );
}
