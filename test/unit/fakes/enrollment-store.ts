import {
  type EnrollmentRecord,
  type EnrollmentStatus,
  enrollmentErrors,
  type HistoryEntry,
  type MpnProfile,
} from '../../../functions/enrollment/domain/model.ts';
import type { EnrollmentStore } from '../../../functions/enrollment/ports.ts';
import { keys } from '../../../functions/platform/data/table.ts';
import { DomainError } from '../../../functions/platform/errors.ts';
import type { LinkRecord } from '../../../functions/platform/links/links.ts';
import type { FakeIdentityStore } from './identity-store.ts';
import { conditionalCheckFailed, copy, query, type Step, transact, update } from './table.ts';

/** The enrollment item: the record, and what never leaves the table. */
interface Stored {
  record: EnrollmentRecord;
  taskToken?: string;
  verificationLinkHash?: string;
}

/**
 * Partner network profiles, MPN claims, enrollments and their markers, with the conditions of
 * functions/enrollment/store.ts. Shares the table (links, organizations, users) with `table`.
 */
export class FakeEnrollmentStore implements EnrollmentStore {
  readonly profiles = new Map<string, MpnProfile>();
  /** MPN ID → the organization and enrollment it is linked to. */
  readonly mpnClaims = new Map<string, { orgId: string; enrollmentId: string }>();
  readonly enrollments = new Map<string, Stored>();
  /** Organization id → its open enrollment's id (at most one). */
  readonly openEnrollments = new Map<string, string>();
  /** `<enrollmentId>#<UTC day>` → re-sends counted. */
  readonly resends = new Map<string, number>();

  constructor(private readonly table: FakeIdentityStore) {}

  dump() {
    return JSON.stringify(
      [this.profiles, this.mpnClaims, this.enrollments, this.openEnrollments, this.resends].map((m) => [
        ...m,
      ]),
    );
  }

  async getMpnProfile(mpnId: string) {
    return copy(this.profiles.get(mpnId));
  }

  async putMpnProfile(profile: MpnProfile) {
    this.profiles.set(profile.mpnId, copy(profile));
  }

  async openEnrollmentId(orgId: string) {
    return this.openEnrollments.get(orgId);
  }

  async getMpnClaim(mpnId: string) {
    return copy(this.mpnClaims.get(mpnId));
  }

  async createEnrollment(e: EnrollmentRecord) {
    transact([
      {
        holds: () => !this.enrollments.has(e.id),
        write: () => this.enrollments.set(e.id, { record: copy(e) }),
      },
      {
        holds: () => !this.openEnrollments.has(e.orgId),
        onFail: () => new DomainError('ALREADY_ENROLLED'),
        write: () => this.openEnrollments.set(e.orgId, e.id),
      },
      {
        holds: () => !this.mpnClaims.has(e.mpnId),
        onFail: () => enrollmentErrors.mpnAlreadyLinked(e.mpnId),
        write: () => this.mpnClaims.set(e.mpnId, { orgId: e.orgId, enrollmentId: e.id }),
      },
    ]);
  }

  async deleteEnrollment(e: EnrollmentRecord) {
    this.enrollments.delete(e.id);
    this.openEnrollments.delete(e.orgId);
    this.mpnClaims.delete(e.mpnId);
  }

  async getEnrollment(enrollmentId: string) {
    return copy(this.enrollments.get(enrollmentId)?.record);
  }

  /** Oldest first, by status (gsi1) or all (gsi2). */
  async listEnrollments(status: EnrollmentStatus | undefined, limit: number, cursor?: string) {
    const records = [...this.enrollments.values()].map((stored) => stored.record);
    const base = (e: EnrollmentRecord) => keys.enrollment(e.id);
    const page = status
      ? query(
          records.filter((e) => e.status === status),
          {
            keyOf: (e) => ({ ...base(e), ...keys.enrollmentsByStatus(e.status, e.createdAt, e.id) }),
            sortKey: 'gsi1sk',
            scope: { index: 'gsi1', partition: keys.enrollmentsByStatus(status).gsi1pk },
            limit,
            cursor,
          },
        )
      : query(records, {
          keyOf: (e) => ({ ...base(e), ...keys.allEnrollments(e.createdAt, e.id) }),
          sortKey: 'gsi2sk',
          scope: { index: 'gsi2', partition: keys.allEnrollments().gsi2pk },
          limit,
          cursor,
        });
    return page;
  }

  async saveTaskToken(enrollmentId: string, taskToken: string) {
    const stored = this.enrollments.get(enrollmentId);
    if (!stored) throw conditionalCheckFailed();
    stored.taskToken = taskToken;
  }

  async saveDecisionTaskToken(enrollmentId: string, taskToken: string) {
    const stored = this.enrollments.get(enrollmentId);
    if (!stored || stored.record.decision) return false;
    stored.taskToken = taskToken;
    return true;
  }

  async getTaskToken(enrollmentId: string) {
    return this.enrollments.get(enrollmentId)?.taskToken;
  }

  async getVerificationLinkHash(enrollmentId: string) {
    return this.enrollments.get(enrollmentId)?.verificationLinkHash;
  }

  /** The new link, the enrollment pointing at it, and the previous link marked superseded. */
  async replaceVerificationLink(
    enrollment: EnrollmentRecord,
    link: LinkRecord,
    previousHash: string | undefined,
  ) {
    const stored = () => this.enrollments.get(enrollment.id);
    const previous = () => this.table.links.get(previousHash ?? '');
    transact([
      {
        holds: () => !this.table.links.has(link.tokenHash),
        write: () => this.table.links.set(link.tokenHash, copy(link)),
      },
      {
        holds: () => stored() !== undefined,
        write: () => update(stored(), { verificationLinkHash: link.tokenHash }),
      },
      ...(previousHash
        ? [
            {
              holds: () => previous() !== undefined,
              write: () => update(previous(), { supersededAt: link.createdAt }),
            },
          ]
        : []),
    ]);
  }

  async countResend(enrollmentId: string, day: string, limit: number, _expiresAt: number) {
    const key = `${enrollmentId}#${day}`;
    const sent = this.resends.get(key) ?? 0;
    if (sent >= limit) return false;
    this.resends.set(key, sent + 1);
    return true;
  }

  async transition(
    e: EnrollmentRecord,
    from: EnrollmentStatus,
    entry: HistoryEntry,
    opts: { consumeLink?: string; release?: boolean; approve?: boolean; onConflict?: () => Error } = {},
  ) {
    const stored = () => this.enrollments.get(e.id)?.record;
    const link = () => this.table.links.get(opts.consumeLink ?? '');
    const org = () => this.table.organizations.get(e.orgId);
    const user = () => this.table.users.get(e.userId);
    // Positions as in the adapter: the enrollment, then the link; later items have no error of their own.
    const steps: Step[] = [
      {
        holds: () => stored()?.status === from,
        onFail: opts.onConflict ?? (() => enrollmentErrors.notInReview(from)),
        write: () => {
          const record = stored();
          if (!record) return;
          record.status = entry.status;
          record.history.push(copy(entry));
        },
      },
    ];
    if (opts.consumeLink) {
      steps.push({
        holds: () => link() !== undefined && !link()?.usedAt && !link()?.supersededAt,
        onFail: opts.onConflict,
        write: () => update(link(), { usedAt: entry.at }),
      });
    }
    if (opts.release || opts.approve) steps.push({ write: () => this.openEnrollments.delete(e.orgId) });
    if (opts.release) {
      steps.push({
        holds: () => {
          const claim = this.mpnClaims.get(e.mpnId);
          return claim === undefined || claim.orgId === e.orgId;
        },
        write: () => this.mpnClaims.delete(e.mpnId),
      });
    }
    if (opts.approve) {
      steps.push({
        holds: () => org() !== undefined && !org()?.partnerTypes.includes('RESELLER'),
        write: () => {
          org()?.partnerTypes.push('RESELLER');
          update(org(), { mpnId: e.mpnId });
        },
      });
      // The enrolling user may have been deleted during the review; the organization is approved anyway.
      if (user())
        steps.push({
          holds: () => user() !== undefined,
          write: () => update(user(), { agentRole: 'ADMIN_AGENT' }),
        });
    }
    transact(steps);
  }

  async recordDecision(
    { id: enrollmentId }: EnrollmentRecord,
    decision: NonNullable<EnrollmentRecord['decision']>,
  ) {
    const record = this.enrollments.get(enrollmentId)?.record;
    if (record?.status !== 'IN_REVIEW' || record.decision)
      throw enrollmentErrors.notInReview('no longer awaiting a decision');
    record.decision = copy(decision);
  }

  async setReminders({ id: enrollmentId }: EnrollmentRecord, reminders: number) {
    const record = this.enrollments.get(enrollmentId)?.record;
    if (record) record.reminders = reminders;
  }

  async appendNote({ id: enrollmentId }: EnrollmentRecord, entry: HistoryEntry) {
    this.enrollments.get(enrollmentId)?.record.history.push(copy(entry));
  }
}
