import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { changesOf, recordActivity } from '../platform/data/activity.ts';
import { db, tableName } from '../platform/data/dynamo.ts';
import { type Entity, entity } from '../platform/data/entity.ts';
import { getRecord, queryPage } from '../platform/data/query.ts';
import { keys } from '../platform/data/table.ts';
import { transactWrite } from '../platform/data/transact.ts';
import { DomainError } from '../platform/errors.ts';
import type { LinkRecord } from '../platform/links/links.ts';
import { linkWrites } from '../platform/links/store.ts';
import {
  countsAsGlobalAdmin,
  identityErrors,
  type OrganizationRecord,
  type SignInFailures,
  type UserRecord,
} from './domain/model.ts';
import type { IdentityStore } from './ports.ts';

const NEW = 'attribute_not_exists(pk)';

/** The identity context's items: what each holds and the keys it is stored under. */
const organizations = entity<OrganizationRecord>({
  type: 'organization',
  keys: (o) => keys.organization(o.id),
});
const users = entity<UserRecord>({
  type: 'user',
  keys: (u) => ({ ...keys.user(u.id), ...keys.usersOfOrganization(u.orgId, u.email) }),
});
/** Uniqueness claim: one organization per domain. */
const domainClaims = entity<{ domain: string; orgId: string }>({
  type: 'domainClaim',
  keys: (c) => keys.domainClaim(c.domain),
});
/** Uniqueness claim and sign-in lookup: one user per email. */
const emailClaims = entity<{ email: string; userId: string; orgId: string }>({
  type: 'emailClaim',
  keys: (c) => keys.emailClaim(c.email),
});
/** Failed sign-ins of one email in a window ending at `expiresAt`; written by conditional updates only. */
const signInFailureCounters = entity<{ failures: number; expiresAt: number }>({ type: 'signInFailures' });

const putNew = <R extends object>(of: Entity<R>, record: R) => ({
  Put: { TableName: tableName(), Item: of.item(record), ConditionExpression: NEW },
});
const emailClaimOf = (u: UserRecord) => ({ email: u.email, userId: u.id, orgId: u.orgId });

/** The fields of a user an activity record may show changing. */
const USER_FIELDS = ['firstName', 'lastName', 'email', 'agentRole', 'adminRole'] as const;
const userActivity = (operation: string, user: UserRecord, changes?: Record<string, [unknown, unknown]>) => ({
  organizationId: user.orgId,
  operation,
  resourceType: 'user',
  resourceId: user.id,
  changes,
});

/**
 * A new organization: a work account (its admin, not yet signed in, is who did it) or an
 * indirect provider made by an operator. Its id is the organization's, so an undo finds it.
 */
const creationActivity = (org: OrganizationRecord, admin: UserRecord, link: LinkRecord | undefined) => ({
  organizationId: org.id,
  operation: link ? 'ACCOUNT_CREATED' : 'INDIRECT_PROVIDER_CREATED',
  resourceType: 'organization',
  resourceId: org.id,
  changes: changesOf({}, { ...org, adminEmail: admin.email }, ['name', 'domain', 'country', 'adminEmail']),
  at: org.createdAt,
  activityId: org.id,
  ...(link ? { actor: { kind: 'USER' as const, userId: admin.id, email: admin.email } } : {}),
});

/** Changes the organization's global admin count; going down needs another global admin left (else LAST_GLOBAL_ADMIN). */
export function adminCountChange(orgId: string, delta: 1 | -1) {
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
        ':type': signInFailureCounters.type,
        ':v': signInFailureCounters.version,
      },
    },
  ];
}

/** DynamoDB implementation of the IdentityStore port. */
export const identityStore: IdentityStore = {
  async createOrganization(org, admin, link) {
    await transactWrite(
      [
        putNew(organizations, org),
        putNew(domainClaims, { domain: org.domain, orgId: org.id }),
        putNew(emailClaims, emailClaimOf(admin)),
        putNew(users, admin),
        ...(link ? [linkWrites.create(link)] : []),
        recordActivity(creationActivity(org, admin, link)),
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
      ...(link ? [linkWrites.delete(link.tokenHash)] : []),
      { Delete: { TableName: tableName(), Key: keys.activity(org.id, org.createdAt, org.id) } },
    ]);
  },

  getOrganization: (orgId) => getRecord(organizations, keys.organization(orgId)),

  async getOrganizationByDomain(domain) {
    const claim = await getRecord(domainClaims, keys.domainClaim(domain));
    return claim ? getRecord(organizations, keys.organization(claim.orgId)) : undefined;
  },
  getUser: (userId) => getRecord(users, keys.user(userId)),

  async getUserByEmail(email) {
    const claim = await getRecord(emailClaims, keys.emailClaim(email));
    return claim ? getRecord(users, keys.user(claim.userId)) : undefined;
  },

  async consumeAccountVerification(link, now) {
    const at = now.toISOString();
    await transactWrite(
      [
        linkWrites.consume(link.tokenHash, at),
        recordActivity({
          organizationId: link.orgId,
          operation: 'ACCOUNT_VERIFIED',
          resourceType: 'user',
          resourceId: link.userId ?? '',
          changes: { status: ['PENDING_EMAIL_VERIFICATION', 'ACTIVE'] },
          actor: { kind: 'USER', ...(link.userId ? { userId: link.userId } : {}) },
          at,
        }),
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

  async createUser(user, partnerId) {
    const created = userActivity('USER_CREATED', user, changesOf({}, user, USER_FIELDS));
    await transactWrite(
      [
        putNew(emailClaims, emailClaimOf(user)),
        putNew(users, user),
        recordActivity(
          partnerId ? { ...created, organizationId: partnerId, customerId: user.orgId } : created,
        ),
        ...(countsAsGlobalAdmin(user) ? [adminCountChange(user.orgId, 1)] : []),
      ],
      [() => identityErrors.emailTaken(user.email)],
    );
  },

  async updateUser(before, after) {
    const wasAdmin = countsAsGlobalAdmin(before);
    const isAdmin = countsAsGlobalAdmin(after);
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
        recordActivity(userActivity('USER_UPDATED', before, changesOf(before, after, USER_FIELDS))),
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
        ...(countsAsGlobalAdmin(user) ? [adminCountChange(user.orgId, -1)] : []),
        recordActivity(userActivity('USER_DELETED', user)),
      ],
      [undefined, undefined, () => new DomainError('LAST_GLOBAL_ADMIN')],
    );
  },

  async setTemporaryPasswordVerifier(user, verifier) {
    await transactWrite([
      {
        Update: {
          TableName: tableName(),
          Key: keys.user(user.id),
          ConditionExpression: 'attribute_exists(pk)',
          ...(verifier
            ? {
                UpdateExpression: 'SET temporaryPasswordVerifier = :v',
                ExpressionAttributeValues: { ':v': verifier },
              }
            : { UpdateExpression: 'REMOVE temporaryPasswordVerifier' }),
        },
      },
      // Which happened, never the password or its verifier.
      recordActivity(
        verifier
          ? userActivity('USER_PASSWORD_RESET', user)
          : // The user's own first password, on a public route: the user is who did it.
            {
              ...userActivity('USER_PASSWORD_CHANGED', user),
              actor: { kind: 'USER', userId: user.id, email: user.email },
            },
      ),
    ]);
  },

  async getSignInFailures(email) {
    const item = await getRecord(signInFailureCounters, keys.signInFailures(email));
    return item === undefined ? undefined : { failures: item.failures, windowEndsAt: item.expiresAt };
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

  listUsers: (orgId, limit, cursor) =>
    queryPage({
      index: 'gsi1',
      partition: keys.usersOfOrganization(orgId).gsi1pk,
      limit,
      cursor,
      read: users.record,
    }),
};
