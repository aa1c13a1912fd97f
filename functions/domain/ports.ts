/** Ports the domain talks through; adapters in `functions/adapters/` implement them. */

import type { RelationshipKind } from '../data/table.ts';
import type { EnrollmentRecord, EnrollmentStatus, HistoryEntry, MpnProfile } from './enrollment-model.ts';
import type { LinkRecord, OrganizationRecord, SignInFailures, UserRecord } from './identity-model.ts';
import type { InvitationRecord, InvitationStatus, OrgRef } from './relationship-model.ts';

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

/**
 * Values derived from the platform's link secret (a Secrets Manager secret on AWS), which
 * never leaves the function and is never stored in the table. The same label and parts
 * always give the same 32 bytes; nobody without the secret can compute them. Idempotent
 * creates use it so that a replay rebuilds the first link from its Idempotency-Key.
 */
export interface LinkTokens {
  /** HMAC-SHA256 under the secret of `label` and `parts` joined by newlines (none may contain one). */
  derive(label: string, parts: readonly string[]): Promise<Uint8Array>;
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
  signIn(username: string, password: string): Promise<AuthResult>;
  completeNewPassword(username: string, session: string, newPassword: string): Promise<AuthResult>;
  refresh(refreshToken: string): Promise<AuthResult>;
}

/** Persistence of the partner network directory and enrollments. */
export interface EnrollmentStore {
  getMpnProfile(mpnId: string): Promise<MpnProfile | undefined>;
  putMpnProfile(profile: MpnProfile): Promise<void>;
  /** Which organization an MPN ID is linked to, if any. */
  getMpnClaim(mpnId: string): Promise<{ orgId: string; enrollmentId: string } | undefined>;
  /** Writes the enrollment, the MPN claim and the open-enrollment marker at once. */
  createEnrollment(enrollment: EnrollmentRecord): Promise<void>;
  /** Undoes createEnrollment when the workflow could not start. */
  deleteEnrollment(enrollment: EnrollmentRecord): Promise<void>;
  getEnrollment(enrollmentId: string): Promise<EnrollmentRecord | undefined>;
  listEnrollments(
    status: EnrollmentStatus | undefined,
    limit: number,
    cursor?: string,
  ): Promise<Page<EnrollmentRecord>>;
  /** Stores the task token the workflow waits on; it never leaves the table. */
  saveTaskToken(enrollmentId: string, taskToken: string): Promise<void>;
  /** Like saveTaskToken, but refuses (returns false) when a decision was already recorded. */
  saveDecisionTaskToken(enrollmentId: string, taskToken: string): Promise<boolean>;
  getTaskToken(enrollmentId: string): Promise<string | undefined>;
  /** Stores a new verification link and kills the previous one. */
  replaceVerificationLink(
    enrollment: EnrollmentRecord,
    link: LinkRecord,
    previousHash: string | undefined,
  ): Promise<void>;
  getVerificationLinkHash(enrollmentId: string): Promise<string | undefined>;
  /** Counts a re-send for the day; false when the day's limit is reached. */
  countResend(enrollmentId: string, day: string, limit: number, expiresAt: number): Promise<boolean>;
  /**
   * Moves the enrollment from `from` to `to`, appending the history entry; `extra` runs in
   * the same transaction. Throws `onConflict()` when the enrollment is no longer in `from`.
   */
  transition(
    enrollment: EnrollmentRecord,
    from: EnrollmentStatus,
    entry: HistoryEntry,
    opts?: { consumeLink?: string; release?: boolean; approve?: boolean; onConflict?: () => Error },
  ): Promise<void>;
  recordDecision(enrollmentId: string, decision: NonNullable<EnrollmentRecord['decision']>): Promise<void>;
  setReminders(enrollmentId: string, reminders: number): Promise<void>;
  appendNote(enrollmentId: string, entry: HistoryEntry): Promise<void>;
}

/** The enrollment review state machine, seen from the API. */
export interface ReviewWorkflow {
  /** Starts the review; the enrollment id is the execution name, so a repeat starts nothing new. */
  start(enrollmentId: string): Promise<void>;
  /** Resumes a waiting task; false when the token is no longer waited on. */
  resume(taskToken: string, output: unknown): Promise<boolean>;
}

/** One row of a relationship list, in the partition of `orgId`. */
export interface RelationshipRow {
  orgId: string;
  kind: RelationshipKind;
  otherId: string;
  /** The second id of a row that pairs two (see RelationshipKind). */
  subId?: string;
  data: object;
}

/** Persistence of invitations and the relationships they create. */
export interface RelationshipStore {
  /**
   * Writes the invitation and its link at once, if neither exists yet. Returns false when an
   * invitation with that id or a link with that hash already exists (a derived id or token:
   * an idempotent create that lost a race), writing nothing.
   */
  createInvitation(invitation: InvitationRecord, link: LinkRecord): Promise<boolean>;
  /**
   * Claims the sending of an idempotent create's email: true when it has not gone out and no
   * claim made after `staleBefore` (epoch seconds) holds it. Of concurrent claims one wins.
   */
  claimInvitationMail(invitationId: string, nowSeconds: number, staleBefore: number): Promise<boolean>;
  /** Ends a claim: the email went out at `sentAt`, or (without it) it did not and a retry may claim it at once. */
  settleInvitationMail(invitationId: string, sentAt?: Date): Promise<void>;
  getInvitation(invitationId: string): Promise<InvitationRecord | undefined>;
  /** New token and expiry; the old link is deleted. Refused (INVITATION_NOT_PENDING) unless still pending. */
  replaceInvitationLink(invitation: InvitationRecord, link: LinkRecord): Promise<void>;
  /** PENDING → CANCELED or DECLINED in one conditional write; false when it was no longer pending. */
  closeInvitation(
    invitation: InvitationRecord,
    to: 'CANCELED' | 'DECLINED',
    at: Date,
    by?: OrgRef,
  ): Promise<boolean>;
  /**
   * PENDING → ACCEPTED and every relationship row, in one transaction. Returns false when the
   * invitation was no longer pending (of concurrent accepts exactly one gets true); throws
   * ALREADY_CONNECTED when a row exists, or when a row in `requires` does not.
   */
  acceptInvitation(
    invitation: InvitationRecord,
    by: OrgRef,
    at: Date,
    rows: RelationshipRow[],
    requires: RelationshipRow[],
  ): Promise<boolean>;
  /** Counts one invitation in the hour; false when the limit is reached. */
  countInvitation(orgId: string, hour: string, limit: number, expiresAt: number): Promise<boolean>;
  /** Takes back one count of the hour (an invitation counted, then not created: it existed already). */
  uncountInvitation(orgId: string, hour: string): Promise<void>;
  listInvitations(
    by: { sentBy: string } | { addressedTo: string },
    status: InvitationStatus | undefined,
    now: Date,
    limit: number,
    cursor?: string,
  ): Promise<Page<InvitationRecord>>;
  getRelationship(
    orgId: string,
    kind: RelationshipKind,
    otherId: string,
    subId?: string,
  ): Promise<Record<string, unknown> | undefined>;
  /**
   * Every row of `kind` with `otherId` in one Query: the row without a second id first, then
   * those pairing `otherId` with another id (e.g. a customer, then each reseller it comes through).
   */
  relationshipsWith(
    orgId: string,
    kind: RelationshipKind,
    otherId: string,
  ): Promise<Record<string, unknown>[]>;
  /** Rows of one list: `kind` with an optional `otherId` prefix (customers shared with one partner). */
  listRelationships(
    orgId: string,
    kind: RelationshipKind,
    otherId: string | undefined,
    limit: number,
    cursor?: string,
  ): Promise<Page<Record<string, unknown>>>;
}
