import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { changesOf, PLATFORM_LOG, recordActivity } from '../platform/data/activity.ts';
import { db, tableName } from '../platform/data/dynamo.ts';
import { entity } from '../platform/data/entity.ts';
import { getRecord, queryPage } from '../platform/data/query.ts';
import { keys } from '../platform/data/table.ts';
import { countUpTo, transactWrite, updateIf, updateItem } from '../platform/data/transact.ts';
import { DomainError } from '../platform/errors.ts';
import { linkWrites } from '../platform/links/store.ts';
import { type EnrollmentRecord, enrollmentErrors, type MpnProfile } from './domain/model.ts';
import type { EnrollmentStore } from './ports.ts';

const NEW = 'attribute_not_exists(pk)';

/** The enrollment context's items: what each holds and the keys it is stored under. */
const enrollments = entity<EnrollmentRecord & { taskToken?: string; verificationLinkHash?: string }>({
  type: 'enrollment',
  keys: (e) => ({
    ...keys.enrollment(e.id),
    ...keys.enrollmentsByStatus(e.status, e.createdAt, e.id),
    ...keys.allEnrollments(e.createdAt, e.id),
  }),
});
const mpnProfiles = entity<MpnProfile>({ type: 'mpnProfile', keys: (p) => keys.mpnProfile(p.mpnId) });
/** Uniqueness claim: an MPN ID is linked to one organization. */
const mpnClaims = entity<{ mpnId: string; orgId: string; enrollmentId: string }>({
  type: 'mpnClaim',
  keys: (c) => keys.mpnClaim(c.mpnId),
});
/** At most one open enrollment per organization. */
const openEnrollments = entity<{ orgId: string; enrollmentId: string }>({
  type: 'openEnrollment',
  keys: (o) => keys.openEnrollment(o.orgId),
});

/** The operation each status an enrollment moves to is recorded as. */
const TRANSITIONS: Partial<Record<EnrollmentRecord['status'], string>> = {
  IN_REVIEW: 'ENROLLMENT_VERIFIED',
  APPROVED: 'ENROLLMENT_APPROVED',
  REJECTED: 'ENROLLMENT_REJECTED',
  EXPIRED: 'ENROLLMENT_EXPIRED',
};

const enrollmentActivity = (e: EnrollmentRecord, operation: string) => ({
  organizationId: e.orgId,
  operation,
  resourceType: 'enrollment',
  resourceId: e.id,
});

/** The record without what must never leave the table (task token, link hash). */
function toEnrollment(item: Record<string, unknown> | undefined): EnrollmentRecord | undefined {
  const record = enrollments.record(item);
  if (!record) return undefined;
  const { taskToken: _t, verificationLinkHash: _h, ...enrollment } = record;
  return enrollment;
}

async function attribute(enrollmentId: string, name: string): Promise<string | undefined> {
  const { Item } = await db.send(
    new GetCommand({
      TableName: tableName(),
      Key: keys.enrollment(enrollmentId),
      ProjectionExpression: '#a',
      ExpressionAttributeNames: { '#a': name },
    }),
  );
  return Item?.[name] as string | undefined;
}

/** DynamoDB implementation of the EnrollmentStore port. Task tokens and link hashes stay in the item, never in records. */
export const enrollmentStore: EnrollmentStore = {
  getMpnProfile: (mpnId) => getRecord(mpnProfiles, keys.mpnProfile(mpnId)),

  async putMpnProfile(profile) {
    await transactWrite([
      { Put: { TableName: tableName(), Item: mpnProfiles.item(profile) } },
      // Operators maintain the partner network directory: their log is the platform's.
      recordActivity({
        organizationId: PLATFORM_LOG,
        operation: 'MPN_PROFILE_UPDATED',
        resourceType: 'mpnProfile',
        resourceId: profile.mpnId,
        changes: changesOf({}, profile, ['legalName', 'country', 'status', 'existingCustomers']),
        at: profile.updatedAt,
      }),
    ]);
  },

  async getMpnClaim(mpnId) {
    const claim = await getRecord(mpnClaims, keys.mpnClaim(mpnId));
    return claim && { orgId: claim.orgId, enrollmentId: claim.enrollmentId };
  },

  async openEnrollmentId(orgId) {
    return (await getRecord(openEnrollments, keys.openEnrollment(orgId)))?.enrollmentId;
  },

  async createEnrollment(e) {
    await transactWrite(
      [
        { Put: { TableName: tableName(), Item: enrollments.item(e), ConditionExpression: NEW } },
        {
          Put: {
            TableName: tableName(),
            Item: openEnrollments.item({ orgId: e.orgId, enrollmentId: e.id }),
            ConditionExpression: NEW,
          },
        },
        {
          Put: {
            TableName: tableName(),
            Item: mpnClaims.item({ mpnId: e.mpnId, orgId: e.orgId, enrollmentId: e.id }),
            ConditionExpression: NEW,
          },
        },
        recordActivity({
          ...enrollmentActivity(e, 'ENROLLMENT_SUBMITTED'),
          changes: { status: [null, e.status], mpnId: [null, e.mpnId] },
          at: e.createdAt,
          activityId: e.id,
        }),
      ],
      [
        undefined,
        () => new DomainError('ALREADY_ENROLLED'),
        () => enrollmentErrors.mpnAlreadyLinked(e.mpnId),
      ],
    );
  },

  async deleteEnrollment(e) {
    await transactWrite([
      { Delete: { TableName: tableName(), Key: keys.enrollment(e.id) } },
      { Delete: { TableName: tableName(), Key: keys.openEnrollment(e.orgId) } },
      { Delete: { TableName: tableName(), Key: keys.mpnClaim(e.mpnId) } },
      { Delete: { TableName: tableName(), Key: keys.activity(e.orgId, e.createdAt, e.id) } },
    ]);
  },

  async getEnrollment(enrollmentId) {
    const { Item } = await db.send(
      new GetCommand({ TableName: tableName(), Key: keys.enrollment(enrollmentId) }),
    );
    return toEnrollment(Item);
  },

  listEnrollments: (status, limit, cursor) =>
    queryPage({
      ...(status
        ? { index: 'gsi1', partition: keys.enrollmentsByStatus(status).gsi1pk }
        : { index: 'gsi2', partition: keys.allEnrollments().gsi2pk }),
      limit,
      cursor,
      read: toEnrollment,
    }),

  async saveTaskToken(enrollmentId, taskToken) {
    await updateItem({
      Key: keys.enrollment(enrollmentId),
      UpdateExpression: 'SET taskToken = :t',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':t': taskToken },
    });
  },

  saveDecisionTaskToken: (enrollmentId, taskToken) =>
    updateIf({
      TableName: tableName(),
      Key: keys.enrollment(enrollmentId),
      UpdateExpression: 'SET taskToken = :t',
      ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(decision)',
      ExpressionAttributeValues: { ':t': taskToken },
    }),

  getTaskToken: (enrollmentId) => attribute(enrollmentId, 'taskToken'),
  getVerificationLinkHash: (enrollmentId) => attribute(enrollmentId, 'verificationLinkHash'),

  async replaceVerificationLink(enrollment, link, previousHash) {
    await transactWrite([
      linkWrites.create(link),
      {
        Update: {
          TableName: tableName(),
          Key: keys.enrollment(enrollment.id),
          UpdateExpression: 'SET verificationLinkHash = :h',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':h': link.tokenHash },
        },
      },
      ...(previousHash ? [linkWrites.supersede(previousHash, link.createdAt)] : []),
      recordActivity({
        ...enrollmentActivity(enrollment, 'ENROLLMENT_VERIFICATION_SENT'),
        at: link.createdAt,
      }),
    ]);
  },

  countResend: (enrollmentId, day, limit, expiresAt) =>
    countUpTo(keys.resendCounter(enrollmentId, day), 'resendCounter', limit, expiresAt),

  async transition(e, from, entry, opts = {}) {
    const approveItems = [];
    if (opts.approve) {
      approveItems.push({
        Update: {
          TableName: tableName(),
          Key: keys.organization(e.orgId),
          // The MPN ID goes with the reseller type: orders record it as the reseller of record's.
          UpdateExpression: 'SET partnerTypes = list_append(partnerTypes, :reseller), mpnId = :mpn',
          ConditionExpression: 'attribute_exists(pk) AND NOT contains(partnerTypes, :r)',
          ExpressionAttributeValues: { ':reseller': ['RESELLER'], ':r': 'RESELLER', ':mpn': e.mpnId },
        },
      });
      const { Item: user } = await db.send(
        new GetCommand({ TableName: tableName(), Key: keys.user(e.userId), ProjectionExpression: 'pk' }),
      );
      // The enrolling user may have been deleted during the review; the organization is approved anyway.
      if (user) {
        approveItems.push({
          Update: {
            TableName: tableName(),
            Key: keys.user(e.userId),
            UpdateExpression: 'SET agentRole = :agent',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':agent': 'ADMIN_AGENT' },
          },
        });
      }
    }
    await transactWrite(
      [
        {
          Update: {
            TableName: tableName(),
            Key: keys.enrollment(e.id),
            UpdateExpression: 'SET #s = :to, gsi1pk = :g, history = list_append(history, :entry)',
            ConditionExpression: '#s = :from',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: {
              ':to': entry.status,
              ':from': from,
              ':g': keys.enrollmentsByStatus(entry.status).gsi1pk,
              ':entry': [entry],
            },
          },
        },
        ...(opts.consumeLink ? [linkWrites.consume(opts.consumeLink, entry.at)] : []),
        ...(opts.release || opts.approve
          ? [{ Delete: { TableName: tableName(), Key: keys.openEnrollment(e.orgId) } }]
          : []),
        ...(opts.release
          ? [
              {
                Delete: {
                  TableName: tableName(),
                  Key: keys.mpnClaim(e.mpnId),
                  ConditionExpression: 'attribute_not_exists(pk) OR orgId = :org',
                  ExpressionAttributeValues: { ':org': e.orgId },
                },
              },
            ]
          : []),
        ...approveItems,
        recordActivity({
          ...enrollmentActivity(e, TRANSITIONS[entry.status] ?? `ENROLLMENT_${entry.status}`),
          changes: { status: [from, entry.status] },
          at: entry.at,
        }),
      ],
      [opts.onConflict ?? (() => enrollmentErrors.notInReview(from)), opts.onConflict],
    );
  },

  async recordDecision(e, decision) {
    await transactWrite(
      [
        {
          Update: {
            TableName: tableName(),
            Key: keys.enrollment(e.id),
            UpdateExpression: 'SET decision = :d',
            ConditionExpression: '#s = :review AND attribute_not_exists(decision)',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':d': decision, ':review': 'IN_REVIEW' },
          },
        },
        recordActivity({
          ...enrollmentActivity(e, 'ENROLLMENT_DECIDED'),
          changes: { decision: [null, decision.decision] },
          at: decision.at,
        }),
      ],
      [() => enrollmentErrors.notInReview('no longer awaiting a decision')],
    );
  },

  async setReminders(e, reminders) {
    await transactWrite([
      {
        Update: {
          TableName: tableName(),
          Key: keys.enrollment(e.id),
          UpdateExpression: 'SET reminders = :n',
          ExpressionAttributeValues: { ':n': reminders },
        },
      },
      recordActivity({
        ...enrollmentActivity(e, 'ENROLLMENT_REMINDER_SENT'),
        changes: { reminders: [e.reminders ?? 0, reminders] },
      }),
    ]);
  },

  async appendNote(e, entry) {
    await transactWrite([
      {
        Update: {
          TableName: tableName(),
          Key: keys.enrollment(e.id),
          UpdateExpression: 'SET history = list_append(history, :entry)',
          ExpressionAttributeValues: { ':entry': [entry] },
        },
      },
      recordActivity({ ...enrollmentActivity(e, 'ENROLLMENT_NOTE_ADDED'), at: entry.at }),
    ]);
  },
};
