import type { LinkRecord } from '../platform/links/links.ts';
import type { Page } from '../platform/ports.ts';
import type { OrganizationRecord, SignInFailures, UserRecord } from './domain/model.ts';

/** Persistence of organizations, users and links. Uniqueness and multi-item changes are atomic. */
export interface IdentityStore {
  /** Writes the organization, its first user, the domain and email claims and an optional link at once. */
  createOrganization(org: OrganizationRecord, admin: UserRecord, link?: LinkRecord): Promise<void>;
  /** Undoes createOrganization (compensation when a later step fails). */
  deleteOrganization(org: OrganizationRecord, admin: UserRecord, link?: LinkRecord): Promise<void>;
  getOrganization(orgId: string): Promise<OrganizationRecord | undefined>;
  /** The organization that claimed this domain (any case), if any. */
  getOrganizationByDomain(domain: string): Promise<OrganizationRecord | undefined>;
  getUser(userId: string): Promise<UserRecord | undefined>;
  getUserByEmail(email: string): Promise<UserRecord | undefined>;
  /** Marks the link used and the user and organization verified; of concurrent calls one wins, the rest get LINK_USED. */
  consumeAccountVerification(link: LinkRecord, now: Date): Promise<void>;
  /**
   * The user, its email claim and its activity record at once (EMAIL_TAKEN when the email is
   * claimed). `partnerId`: a partner made it on behalf of the customer (user.orgId), so the record
   * goes in the partner's log naming the customer.
   */
  createUser(user: UserRecord, partnerId?: string): Promise<void>;
  /** Applies role and name changes, keeping the organization's global admin count; refuses to drop it to zero. */
  updateUser(before: UserRecord, after: UserRecord): Promise<void>;
  deleteUser(user: UserRecord): Promise<void>;
  /** Sets (a reset) or clears (the first own password) the temporary password verifier. */
  setTemporaryPasswordVerifier(user: UserRecord, verifier: string | undefined): Promise<void>;
  listUsers(orgId: string, limit: number, cursor?: string): Promise<Page<UserRecord>>;
  /**
   * The failed sign-ins counted for one email (any case), whether or not it has an account.
   * The item may outlive its window (TTL deletes late): callers compare `windowEndsAt` with now.
   */
  getSignInFailures(email: string): Promise<SignInFailures | undefined>;
  /**
   * Counts one failed sign-in atomically: one more in the window still open at `nowSeconds`,
   * or the first of a new window ending at `newWindowEndsAt` (epoch seconds). Returns the count.
   */
  recordSignInFailure(email: string, nowSeconds: number, newWindowEndsAt: number): Promise<SignInFailures>;
  /** Forgets the failed sign-ins of one email (after a successful one). */
  clearSignInFailures(email: string): Promise<void>;
}

export type AuthResult =
  | { kind: 'tokens'; accessToken: string; idToken: string; refreshToken: string; expiresIn: number }
  | { kind: 'challenge'; session: string }
  | { kind: 'invalid' };

/** The identity provider (Cognito): credentials and tokens only; roles live in our table. */
export interface Directory {
  createUser(username: string, email: string, password: string, temporary: boolean): Promise<void>;
  setPassword(username: string, password: string, temporary: boolean): Promise<void>;
  deleteUser(username: string): Promise<void>;
  /** The user can no longer sign in or refresh tokens (a soft delete), until enabled again. */
  disableUser(username: string): Promise<void>;
  enableUser(username: string): Promise<void>;
  signIn(username: string, password: string): Promise<AuthResult>;
  completeNewPassword(username: string, session: string, newPassword: string): Promise<AuthResult>;
  refresh(refreshToken: string): Promise<AuthResult>;
}
