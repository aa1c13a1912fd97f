import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from '../platform/data/dynamo.ts';
import { decodeCursor, encodeCursor, keys } from '../platform/data/table.ts';
import { countUpTo, recordOf, transactWrite, updateIf } from '../platform/data/transact.ts';
import { DomainError } from '../platform/errors.ts';
import { type EnrollmentRecord, enrollmentErrors, type MpnProfile } from './domain/model.ts';
import type { EnrollmentStore } from './ports.ts';

const V = 1;
const NEW = 'attribute_not_exists(pk)';

const enrollmentItem = (e: EnrollmentRecord) => ({
  ...keys.enrollment(e.id),
  ...keys.enrollmentsByStatus(e.status, e.createdAt, e.id),
  ...keys.allEnrollments(e.createdAt, e.id),
  type: 'enrollment',
  v: V,
  ...e,
});

/** The record without what must never leave the table (task token, link hash). */
function toEnrollment(item: Record<string, unknown> | undefined): EnrollmentRecord | undefined {
  const record = recordOf<EnrollmentRecord & { taskToken?: string; verificationLinkHash?: string }>(item);
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
  async getMpnProfile(mpnId) {
    const { Item } = await db.send(new GetCommand({ TableName: tableName(), Key: keys.mpnProfile(mpnId) }));
    return recordOf<MpnProfile>(Item);
  },

  async putMpnProfile(profile) {
    await db.send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...keys.mpnProfile(profile.mpnId), type: 'mpnProfile', v: V, ...profile },
      }),
    );
  },

  async getMpnClaim(mpnId) {
    const { Item } = await db.send(new GetCommand({ TableName: tableName(), Key: keys.mpnClaim(mpnId) }));
    return recordOf<{ orgId: string; enrollmentId: string }>(Item);
  },

  async createEnrollment(e) {
    await transactWrite(
      [
        { Put: { TableName: tableName(), Item: enrollmentItem(e), ConditionExpression: NEW } },
        {
          Put: {
            TableName: tableName(),
            Item: { ...keys.openEnrollment(e.orgId), type: 'openEnrollment', v: V, enrollmentId: e.id },
            ConditionExpression: NEW,
          },
        },
        {
          Put: {
            TableName: tableName(),
            Item: { ...keys.mpnClaim(e.mpnId), type: 'mpnClaim', v: V, orgId: e.orgId, enrollmentId: e.id },
            ConditionExpression: NEW,
          },
        },
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
    ]);
  },

  async getEnrollment(enrollmentId) {
    const { Item } = await db.send(
      new GetCommand({ TableName: tableName(), Key: keys.enrollment(enrollmentId) }),
    );
    return toEnrollment(Item);
  },

  async listEnrollments(status, limit, cursor) {
    const index = status
      ? ({ name: 'gsi1', key: keys.enrollmentsByStatus(status).gsi1pk, attr: 'gsi1pk' } as const)
      : ({ name: 'gsi2', key: keys.allEnrollments().gsi2pk, attr: 'gsi2pk' } as const);
    const result = await db.send(
      new QueryCommand({
        TableName: tableName(),
        IndexName: index.name,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': index.attr },
        ExpressionAttributeValues: { ':pk': index.key },
        Limit: limit,
        ExclusiveStartKey: decodeCursor(cursor, { index: index.name, partition: index.key }),
      }),
    );
    const items = (result.Items ?? []).map((item) => toEnrollment(item) as EnrollmentRecord);
    const nextCursor = encodeCursor(result.LastEvaluatedKey);
    return nextCursor ? { items, nextCursor } : { items };
  },

  async saveTaskToken(enrollmentId, taskToken) {
    await db.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.enrollment(enrollmentId),
        UpdateExpression: 'SET taskToken = :t',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':t': taskToken },
      }),
    );
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
      {
        Put: {
          TableName: tableName(),
          Item: { ...keys.link(link.tokenHash), type: 'link', v: V, ...link },
          ConditionExpression: NEW,
        },
      },
      {
        Update: {
          TableName: tableName(),
          Key: keys.enrollment(enrollment.id),
          UpdateExpression: 'SET verificationLinkHash = :h',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':h': link.tokenHash },
        },
      },
      ...(previousHash
        ? [
            {
              Update: {
                TableName: tableName(),
                Key: keys.link(previousHash),
                UpdateExpression: 'SET supersededAt = :at',
                ConditionExpression: 'attribute_exists(pk)',
                ExpressionAttributeValues: { ':at': link.createdAt },
              },
            },
          ]
        : []),
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
          UpdateExpression: 'SET partnerTypes = list_append(partnerTypes, :reseller)',
          ConditionExpression: 'attribute_exists(pk) AND NOT contains(partnerTypes, :r)',
          ExpressionAttributeValues: { ':reseller': ['RESELLER'], ':r': 'RESELLER' },
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
        ...(opts.consumeLink
          ? [
              {
                Update: {
                  TableName: tableName(),
                  Key: keys.link(opts.consumeLink),
                  UpdateExpression: 'SET usedAt = :at',
                  ConditionExpression:
                    'attribute_exists(pk) AND attribute_not_exists(usedAt) AND attribute_not_exists(supersededAt)',
                  ExpressionAttributeValues: { ':at': entry.at },
                },
              },
            ]
          : []),
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
      ],
      [opts.onConflict ?? (() => enrollmentErrors.notInReview(from)), opts.onConflict],
    );
  },

  async recordDecision(enrollmentId, decision) {
    const ok = await updateIf({
      TableName: tableName(),
      Key: keys.enrollment(enrollmentId),
      UpdateExpression: 'SET decision = :d',
      ConditionExpression: '#s = :review AND attribute_not_exists(decision)',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':d': decision, ':review': 'IN_REVIEW' },
    });
    if (!ok) throw enrollmentErrors.notInReview('no longer awaiting a decision');
  },

  async setReminders(enrollmentId, reminders) {
    await db.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.enrollment(enrollmentId),
        UpdateExpression: 'SET reminders = :n',
        ExpressionAttributeValues: { ':n': reminders },
      }),
    );
  },

  async appendNote(enrollmentId, entry) {
    await db.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.enrollment(enrollmentId),
        UpdateExpression: 'SET history = list_append(history, :entry)',
        ExpressionAttributeValues: { ':entry': [entry] },
      }),
    );
  },
};
