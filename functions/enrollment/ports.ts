import type { LinkRecord } from '../platform/links/links.ts';
import type { Page } from '../platform/ports.ts';
import type { EnrollmentRecord, EnrollmentStatus, HistoryEntry, MpnProfile } from './domain/model.ts';

/** Persistence of the partner network directory and enrollments. */
export interface EnrollmentStore {
  getMpnProfile(mpnId: string): Promise<MpnProfile | undefined>;
  putMpnProfile(profile: MpnProfile): Promise<void>;
  /** Which organization an MPN ID is linked to, if any. */
  getMpnClaim(mpnId: string): Promise<{ orgId: string; enrollmentId: string } | undefined>;
  /** The id of the organization's enrollment still open (not yet approved, rejected or expired), if any. */
  openEnrollmentId(orgId: string): Promise<string | undefined>;
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
  recordDecision(
    enrollment: EnrollmentRecord,
    decision: NonNullable<EnrollmentRecord['decision']>,
  ): Promise<void>;
  setReminders(enrollment: EnrollmentRecord, reminders: number): Promise<void>;
  appendNote(enrollment: EnrollmentRecord, entry: HistoryEntry): Promise<void>;
}

/** The enrollment review state machine, seen from the API. */
export interface ReviewWorkflow {
  /** Starts the review; the enrollment id is the execution name, so a repeat starts nothing new. */
  start(enrollmentId: string): Promise<void>;
  /** Resumes a waiting task; false when the token is no longer waited on. */
  resume(taskToken: string, output: unknown): Promise<boolean>;
}
