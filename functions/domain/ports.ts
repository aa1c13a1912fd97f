/** Ports the domain talks through; adapters in `functions/adapters/` implement them. */
import type { LinkRecord, OrganizationRecord, UserRecord } from './identity-model.ts';

export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** Sends one email; resolves with the provider's message id. */
export interface Mailer {
  send(email: OutgoingEmail): Promise<string>;
}

/** The current time; injected so expiry rules can be tested with a moved clock. */
export interface Clock {
  now(): Date;
}

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/** Persistence of organizations, users and links. Uniqueness and multi-item changes are atomic. */
export interface IdentityStore {
  /** Writes the organization, its first user, the domain and email claims and an optional link at once. */
  createOrganization(org: OrganizationRecord, admin: UserRecord, link?: LinkRecord): Promise<void>;
  /** Undoes createOrganization (compensation when a later step fails). */
  deleteOrganization(org: OrganizationRecord, admin: UserRecord, link?: LinkRecord): Promise<void>;
  getOrganization(orgId: string): Promise<OrganizationRecord | undefined>;
  getUser(userId: string): Promise<UserRecord | undefined>;
  getUserByEmail(email: string): Promise<UserRecord | undefined>;
  getLink(tokenHash: string): Promise<LinkRecord | undefined>;
  /** Marks the link used and the user and organization verified; of concurrent calls one wins, the rest get LINK_USED. */
  consumeAccountVerification(link: LinkRecord, now: Date): Promise<void>;
  createUser(user: UserRecord): Promise<void>;
  /** Applies role and name changes, keeping the organization's global admin count; refuses to drop it to zero. */
  updateUser(before: UserRecord, after: UserRecord): Promise<void>;
  deleteUser(user: UserRecord): Promise<void>;
  setTemporaryPasswordVerifier(userId: string, verifier: string | undefined): Promise<void>;
  listUsers(orgId: string, limit: number, cursor?: string): Promise<Page<UserRecord>>;
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
  signIn(username: string, password: string): Promise<AuthResult>;
  completeNewPassword(username: string, session: string, newPassword: string): Promise<AuthResult>;
  refresh(refreshToken: string): Promise<AuthResult>;
}
