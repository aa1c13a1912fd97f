import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from '../platform/data/dynamo.ts';
import { decodeCursor, encodeCursor, keys } from '../platform/data/table.ts';
import { recordOf, transactWrite } from '../platform/data/transact.ts';
import { DomainError } from '../platform/errors.ts';
import {
  identityErrors,
  type LinkRecord,
  type OrganizationRecord,
  type SignInFailures,
  type UserRecord,
} from './domain/model.ts';
import type { IdentityStore } from './ports.ts';

const NEW = 'attribute_not_exists(pk)';
const V = 1;

const userItem = (u: UserRecord) => ({
  ...keys.user(u.id),
  ...keys.usersOfOrganization(u.orgId, u.email),
  type: 'user',
  v: V,
  ...u,
});
const emailClaimItem = (u: UserRecord) => ({
  ...keys.emailClaim(u.email),
  type: 'emailClaim',
  v: V,
  userId: u.id,
  orgId: u.orgId,
});

/** Changes the organization's global admin count; going down needs another global admin left. */
function adminCountChange(orgId: string, delta: 1 | -1) {
  return {
    Update: {
      TableName: tableName(),
      Key: keys.organization(orgId),
      UpdateExpression: 'ADD globalAdminCount :d',
      ConditionExpression:
        delta < 0 ? 'attribute_exists(pk) AND globalAdminCount > :one' : 'attribute_exists(pk)',
      ExpressionAttributeValues: delta < 0 ? { ':d': delta, ':one': 1 } : { ':d': delta },
    },
  };
}

async function get<T>(key: { pk: string; sk: string }): Promise<T | undefined> {
  const { Item } = await db.send(new GetCommand({ TableName: tableName(), Key: key }));
  return recordOf<T>(Item);
}

/**
 * The two atomic writes of a sign-in failure: one more in the open window, or the first of a
 * new one (no item yet, or its window ended and TTL has not deleted it). At any moment exactly
 * one of their conditions holds.
 */
function signInFailureUpdates(nowSeconds: number, newWindowEndsAt: number) {
  return [
    {
      UpdateExpression: 'ADD failures :one',
      ConditionExpression: 'expiresAt > :now',
      ExpressionAttributeValues: { ':one': 1, ':now': nowSeconds },
    },
    {
      UpdateExpression: 'SET failures = :one, expiresAt = :end, #t = :type, v = :v',
      ConditionExpression: 'attribute_not_exists(pk) OR expiresAt <= :now',
      ExpressionAttributeNames: { '#t': 'type' },
      ExpressionAttributeValues: {
        ':one': 1,
        ':now': nowSeconds,
        ':end': newWindowEndsAt,
        ':type': 'signInFailures',
        ':v': V,
      },
    },
  ];
}

/** DynamoDB implementation of the IdentityStore port. */
export const identityStore: IdentityStore = {
  async createOrganization(org, admin, link) {
    await transactWrite(
      [
        {
          Put: {
            TableName: tableName(),
            Item: { ...keys.organization(org.id), type: 'organization', v: V, ...org },
            ConditionExpression: NEW,
          },
        },
        {
          Put: {
            TableName: tableName(),
            Item: { ...keys.domainClaim(org.domain), type: 'domainClaim', v: V, orgId: org.id },
            ConditionExpression: NEW,
          },
        },
        { Put: { TableName: tableName(), Item: emailClaimItem(admin), ConditionExpression: NEW } },
        { Put: { TableName: tableName(), Item: userItem(admin), ConditionExpression: NEW } },
        ...(link
          ? [
              {
                Put: {
                  TableName: tableName(),
                  Item: { ...keys.link(link.tokenHash), type: 'link', v: V, ...link },
                  ConditionExpression: NEW,
                },
              },
            ]
          : []),
      ],
      [undefined, () => identityErrors.domainTaken(org.domain), () => identityErrors.emailTaken(admin.email)],
    );
  },

  async deleteOrganization(org, admin, link) {
    await transactWrite([
      { Delete: { TableName: tableName(), Key: keys.organization(org.id) } },
      { Delete: { TableName: tableName(), Key: keys.domainClaim(org.domain) } },
      { Delete: { TableName: tableName(), Key: keys.emailClaim(admin.email) } },
      { Delete: { TableName: tableName(), Key: keys.user(admin.id) } },
      ...(link ? [{ Delete: { TableName: tableName(), Key: keys.link(link.tokenHash) } }] : []),
    ]);
  },

  getOrganization: (orgId) => get<OrganizationRecord>(keys.organization(orgId)),
  getUser: (userId) => get<UserRecord>(keys.user(userId)),
  getLink: (tokenHash) => get<LinkRecord>(keys.link(tokenHash)),

  async getUserByEmail(email) {
    const claim = await get<{ userId: string }>(keys.emailClaim(email));
    return claim ? get<UserRecord>(keys.user(claim.userId)) : undefined;
  },

  async consumeAccountVerification(link, now) {
    const at = now.toISOString();
    await transactWrite(
      [
        {
          Update: {
            TableName: tableName(),
            Key: keys.link(link.tokenHash),
            UpdateExpression: 'SET usedAt = :at',
            ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(usedAt)',
            ExpressionAttributeValues: { ':at': at },
          },
        },
        {
          Update: {
            TableName: tableName(),
            Key: keys.user(link.userId ?? ''),
            UpdateExpression: 'SET #s = :active, verifiedAt = :at',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':active': 'ACTIVE', ':at': at },
          },
        },
        {
          Update: {
            TableName: tableName(),
            Key: keys.organization(link.orgId),
            UpdateExpression: 'SET #s = :active',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':active': 'ACTIVE' },
          },
        },
      ],
      [() => new DomainError('LINK_USED')],
    );
  },

  async createUser(user) {
    await transactWrite(
      [
        { Put: { TableName: tableName(), Item: emailClaimItem(user), ConditionExpression: NEW } },
        { Put: { TableName: tableName(), Item: userItem(user), ConditionExpression: NEW } },
        ...(user.adminRole === 'GLOBAL_ADMIN' ? [adminCountChange(user.orgId, 1)] : []),
      ],
      [() => identityErrors.emailTaken(user.email)],
    );
  },

  async updateUser(before, after) {
    const wasAdmin = before.adminRole === 'GLOBAL_ADMIN';
    const isAdmin = after.adminRole === 'GLOBAL_ADMIN';
    await transactWrite(
      [
        {
          Update: {
            TableName: tableName(),
            Key: keys.user(before.id),
            UpdateExpression: 'SET firstName = :f, lastName = :l, agentRole = :ag, adminRole = :ad',
            // Optimistic lock: roles must not have changed since we read them.
            ConditionExpression:
              'attribute_exists(pk) AND adminRole = :beforeAdmin AND agentRole = :beforeAgent',
            ExpressionAttributeValues: {
              ':f': after.firstName,
              ':l': after.lastName,
              ':ag': after.agentRole,
              ':ad': after.adminRole,
              ':beforeAdmin': before.adminRole,
              ':beforeAgent': before.agentRole,
            },
          },
        },
        ...(wasAdmin && !isAdmin ? [adminCountChange(before.orgId, -1)] : []),
        ...(!wasAdmin && isAdmin ? [adminCountChange(before.orgId, 1)] : []),
      ],
      [undefined, () => new DomainError('LAST_GLOBAL_ADMIN')],
    );
  },

  async deleteUser(user) {
    await transactWrite(
      [
        {
          Delete: {
            TableName: tableName(),
            Key: keys.user(user.id),
            ConditionExpression: 'attribute_exists(pk)',
          },
        },
        { Delete: { TableName: tableName(), Key: keys.emailClaim(user.email) } },
        ...(user.adminRole === 'GLOBAL_ADMIN' ? [adminCountChange(user.orgId, -1)] : []),
      ],
      [undefined, undefined, () => new DomainError('LAST_GLOBAL_ADMIN')],
    );
  },

  async setTemporaryPasswordVerifier(userId, verifier) {
    await db.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.user(userId),
        ConditionExpression: 'attribute_exists(pk)',
        ...(verifier
          ? {
              UpdateExpression: 'SET temporaryPasswordVerifier = :v',
              ExpressionAttributeValues: { ':v': verifier },
            }
          : { UpdateExpression: 'REMOVE temporaryPasswordVerifier' }),
      }),
    );
  },

  async getSignInFailures(email) {
    const item = await get<{ failures?: number; expiresAt?: number }>(keys.signInFailures(email));
    return item?.expiresAt === undefined
      ? undefined
      : { failures: item.failures ?? 0, windowEndsAt: item.expiresAt };
  },

  async recordSignInFailure(email, nowSeconds, newWindowEndsAt) {
    // A concurrent failure may open the window between our two tries; a second round then
    // adds to it. Bounded: at most four single-item writes.
    for (let round = 0; round < 2; round++) {
      for (const update of signInFailureUpdates(nowSeconds, newWindowEndsAt)) {
        try {
          const { Attributes } = await db.send(
            new UpdateCommand({
              TableName: tableName(),
              Key: keys.signInFailures(email),
              ReturnValues: 'ALL_NEW',
              ...update,
            }),
          );
          return {
            failures: Number(Attributes?.failures),
            windowEndsAt: Number(Attributes?.expiresAt),
          } satisfies SignInFailures;
        } catch (error) {
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
        }
      }
    }
    throw new Error('The sign-in failure counter kept changing; giving up.');
  },

  async clearSignInFailures(email) {
    await db.send(new DeleteCommand({ TableName: tableName(), Key: keys.signInFailures(email) }));
  },

  async listUsers(orgId, limit, cursor) {
    const { gsi1pk } = keys.usersOfOrganization(orgId);
    const result = await db.send(
      new QueryCommand({
        TableName: tableName(),
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': gsi1pk },
        Limit: limit,
        ExclusiveStartKey: decodeCursor(cursor, { index: 'gsi1', partition: gsi1pk }),
      }),
    );
    const items = (result.Items ?? []).map((item) => recordOf<UserRecord>(item) as UserRecord);
    const nextCursor = encodeCursor(result.LastEvaluatedKey);
    return nextCursor ? { items, nextCursor } : { items };
  },
};
