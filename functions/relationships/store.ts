import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { LinkRecord } from '../identity/domain/model.ts';
import { db, tableName } from '../platform/data/dynamo.ts';
import { decodeCursor, encodeCursor, keys } from '../platform/data/table.ts';
import { countUpTo, recordOf, transactWrite, updateIf } from '../platform/data/transact.ts';
import { DomainError } from '../platform/errors.ts';
import { type InvitationRecord, relationshipErrors } from './domain/model.ts';
import type { RelationshipRow, RelationshipStore } from './ports.ts';

const V = 1;
const NEW = 'attribute_not_exists(pk)';

const invitationItem = (inv: InvitationRecord) => ({
  ...keys.invitation(inv.id),
  ...keys.invitationsSent(inv.from.id, inv.createdAt, inv.id),
  ...keys.invitationsReceived(inv.domain, inv.createdAt, inv.id),
  type: 'invitation',
  v: V,
  ...inv,
});
const linkItem = (link: LinkRecord) => ({ ...keys.link(link.tokenHash), type: 'link', v: V, ...link });
const rowKey = (r: RelationshipRow) => keys.relationship(r.orgId, r.kind, r.otherId, r.subId);

/** The invitation's own condition (no longer pending, re-sent or expired) failed. */
class InvitationChangedError extends Error {}
/** An item a create puts was there already. */
class AlreadyExistsError extends Error {}

/** DynamoDB implementation of the RelationshipStore port. */
export const relationshipStore: RelationshipStore = {
  async createInvitation(inv, link) {
    try {
      await transactWrite(
        [
          { Put: { TableName: tableName(), Item: invitationItem(inv), ConditionExpression: NEW } },
          { Put: { TableName: tableName(), Item: linkItem(link), ConditionExpression: NEW } },
        ],
        [() => new AlreadyExistsError(), () => new AlreadyExistsError()],
      );
      return true;
    } catch (error) {
      if (error instanceof AlreadyExistsError) return false;
      throw error;
    }
  },

  async getInvitation(invitationId) {
    const { Item } = await db.send(
      new GetCommand({ TableName: tableName(), Key: keys.invitation(invitationId) }),
    );
    return recordOf<InvitationRecord>(Item);
  },

  async replaceInvitationLink(inv, link) {
    await transactWrite(
      [
        {
          Update: {
            TableName: tableName(),
            Key: keys.invitation(inv.id),
            UpdateExpression: 'SET tokenHash = :new, expiresAt = :exp',
            ConditionExpression: '#s = :pending AND tokenHash = :old',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: {
              ':new': link.tokenHash,
              ':exp': link.expiresAt,
              ':pending': 'PENDING',
              ':old': inv.tokenHash,
            },
          },
        },
        { Delete: { TableName: tableName(), Key: keys.link(inv.tokenHash) } },
        { Put: { TableName: tableName(), Item: linkItem(link), ConditionExpression: NEW } },
      ],
      [() => relationshipErrors.notPending('no longer pending')],
    );
  },

  closeInvitation: (inv, to, at, by) =>
    updateIf({
      TableName: tableName(),
      Key: keys.invitation(inv.id),
      UpdateExpression: `SET #s = :to, decidedAt = :at${by ? ', acceptedBy = :by' : ''}`,
      ConditionExpression: '#s = :pending AND expiresAt > :now',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: {
        ':to': to,
        ':at': at.toISOString(),
        ':pending': 'PENDING',
        ':now': Math.floor(at.getTime() / 1000),
        ...(by ? { ':by': by } : {}),
      },
    }),

  async acceptInvitation(inv, by, at, rows, requires) {
    try {
      await transactWrite(
        [
          {
            Update: {
              TableName: tableName(),
              Key: keys.invitation(inv.id),
              UpdateExpression: 'SET #s = :accepted, decidedAt = :at, acceptedBy = :by',
              // The one write that makes an invitation change once: of concurrent accepts one wins.
              ConditionExpression: '#s = :pending AND tokenHash = :hash AND expiresAt > :now',
              ExpressionAttributeNames: { '#s': 'status' },
              ExpressionAttributeValues: {
                ':accepted': 'ACCEPTED',
                ':pending': 'PENDING',
                ':at': at.toISOString(),
                ':by': by,
                ':hash': inv.tokenHash,
                ':now': Math.floor(at.getTime() / 1000),
              },
            },
          },
          ...rows.map((r) => ({
            Put: {
              TableName: tableName(),
              Item: { ...rowKey(r), type: `relationship:${r.kind}`, v: V, ...r.data },
              ConditionExpression: NEW,
            },
          })),
          ...requires.map((r) => ({
            ConditionCheck: {
              TableName: tableName(),
              Key: rowKey(r),
              ConditionExpression: 'attribute_exists(pk)',
            },
          })),
        ],
        [
          () => new InvitationChangedError(),
          ...rows.map(() => () => new DomainError('ALREADY_CONNECTED')),
          ...requires.map(() => () => new DomainError('ALREADY_CONNECTED')),
        ],
      );
      return true;
    } catch (error) {
      if (error instanceof InvitationChangedError) return false;
      throw error;
    }
  },

  countInvitation: (orgId, hour, limit, expiresAt) =>
    countUpTo(keys.invitationCounter(orgId, hour), 'invitationCounter', limit, expiresAt),

  async uncountInvitation(orgId, hour) {
    await updateIf({
      TableName: tableName(),
      Key: keys.invitationCounter(orgId, hour),
      UpdateExpression: 'ADD sent :minusOne',
      ConditionExpression: 'sent > :zero',
      ExpressionAttributeValues: { ':minusOne': -1, ':zero': 0 },
    });
  },

  claimInvitationMail: (invitationId, nowSeconds, staleBefore) =>
    updateIf({
      TableName: tableName(),
      Key: keys.invitation(invitationId),
      UpdateExpression: 'SET mailClaimedAt = :now',
      ConditionExpression:
        'attribute_exists(pk) AND attribute_not_exists(mailedAt) AND (attribute_not_exists(mailClaimedAt) OR mailClaimedAt <= :stale)',
      ExpressionAttributeValues: { ':now': nowSeconds, ':stale': staleBefore },
    }),

  async settleInvitationMail(invitationId, sentAt) {
    await updateIf({
      TableName: tableName(),
      Key: keys.invitation(invitationId),
      UpdateExpression: sentAt ? 'SET mailedAt = :at REMOVE mailClaimedAt' : 'REMOVE mailClaimedAt',
      ConditionExpression: 'attribute_exists(pk)',
      ...(sentAt ? { ExpressionAttributeValues: { ':at': sentAt.toISOString() } } : {}),
    });
  },

  async listInvitations(by, status, now, limit, cursor) {
    const index =
      'sentBy' in by
        ? ({ name: 'gsi1', attr: 'gsi1pk', key: keys.invitationsSent(by.sentBy).gsi1pk } as const)
        : ({ name: 'gsi2', attr: 'gsi2pk', key: keys.invitationsReceived(by.addressedTo).gsi2pk } as const);
    // EXPIRED is derived (PENDING past its expiry), so both read the stored PENDING with a time filter.
    const nowSeconds = Math.floor(now.getTime() / 1000);
    const filter =
      status === undefined
        ? undefined
        : status === 'EXPIRED'
          ? {
              FilterExpression: '#s = :pending AND expiresAt <= :now',
              values: { ':pending': 'PENDING', ':now': nowSeconds },
            }
          : status === 'PENDING'
            ? {
                FilterExpression: '#s = :pending AND expiresAt > :now',
                values: { ':pending': 'PENDING', ':now': nowSeconds },
              }
            : { FilterExpression: '#s = :status', values: { ':status': status } };
    const result = await db.send(
      new QueryCommand({
        TableName: tableName(),
        IndexName: index.name,
        KeyConditionExpression: '#pk = :pk',
        ScanIndexForward: false,
        ExpressionAttributeNames: { '#pk': index.attr, ...(filter ? { '#s': 'status' } : {}) },
        ExpressionAttributeValues: { ':pk': index.key, ...(filter?.values ?? {}) },
        ...(filter ? { FilterExpression: filter.FilterExpression } : {}),
        Limit: limit,
        ExclusiveStartKey: decodeCursor(cursor, { index: index.name, partition: index.key }),
      }),
    );
    const items = (result.Items ?? []).map((item) => recordOf<InvitationRecord>(item) as InvitationRecord);
    const nextCursor = encodeCursor(result.LastEvaluatedKey);
    return nextCursor ? { items, nextCursor } : { items };
  },

  async getRelationship(orgId, kind, otherId, subId) {
    const { Item } = await db.send(
      new GetCommand({ TableName: tableName(), Key: keys.relationship(orgId, kind, otherId, subId) }),
    );
    return recordOf<Record<string, unknown>>(Item);
  },

  async relationshipsWith(orgId, kind, otherId) {
    const { pk, sk } = keys.relationship(orgId, kind, otherId);
    // `<kind>#<otherId>` also prefixes rows of a longer id; only the row itself and `<sk>#…` are its own.
    const result = await db.send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
        ExpressionAttributeValues: { ':pk': pk, ':sk': sk },
      }),
    );
    return (result.Items ?? [])
      .filter((item) => item.sk === sk || String(item.sk).startsWith(`${sk}#`))
      .map((item) => recordOf<Record<string, unknown>>(item) ?? {});
  },

  async listRelationships(orgId, kind, otherId, limit, cursor) {
    const { pk, sk } = keys.relationship(orgId, kind, otherId ?? '');
    const prefix = otherId === undefined ? sk : `${sk}#`;
    const result = await db.send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
        Limit: limit,
        ExclusiveStartKey: decodeCursor(cursor, { partition: pk, sortKeyPrefix: prefix }),
      }),
    );
    const items = (result.Items ?? []).map((item) => recordOf<Record<string, unknown>>(item) ?? {});
    const nextCursor = encodeCursor(result.LastEvaluatedKey);
    return nextCursor ? { items, nextCursor } : { items };
  },
};
