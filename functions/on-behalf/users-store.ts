import type { HeldLicense, UserRecord } from '../identity/domain/model.ts';
import { adminCountChange } from '../identity/wiring.ts';
import { recordActivity } from '../platform/data/activity.ts';
import { tableName } from '../platform/data/dynamo.ts';
import { keys } from '../platform/data/table.ts';
import { transactWrite } from '../platform/data/transact.ts';
import { DomainError } from '../platform/errors.ts';
import type { CustomerUserStore, Moved } from './ports.ts';

/**
 * The condition that the user's set of licenses is still `held` (the keys are subscription ids;
 * an entry never changes in place, so the same keys are the same licenses).
 */
function sameLicenses(held: Record<string, HeldLicense> | undefined) {
  const ids = Object.keys(held ?? {});
  if (ids.length === 0)
    return {
      expression: '(attribute_not_exists(licenses) OR size(licenses) = :heldCount)',
      names: {},
      values: { ':heldCount': 0 },
    };
  const names = Object.fromEntries(ids.map((id, i) => [`#held${i}`, id]));
  return {
    expression: [
      'size(licenses) = :heldCount',
      ...ids.map((_, i) => `attribute_exists(licenses.#held${i})`),
    ].join(' AND '),
    names,
    values: { ':heldCount': ids.length },
  };
}

/** One seat more of a subscription (still ACTIVE, a seat still free) or one less (still holding licenses). */
function seatCount(customerId: string, subscriptionId: string, delta: 1 | -1, at: string) {
  return {
    Update: {
      TableName: tableName(),
      Key: keys.subscription(customerId, subscriptionId),
      // The version moves too: a subscription's ETag covers its assignedLicenses, and a PATCH
      // that read the old count cannot lower the quantity below the new one.
      UpdateExpression: 'ADD assignedLicenses :delta, version :one SET updatedAt = :at',
      ConditionExpression:
        delta > 0
          ? '#status = :active AND assignedLicenses < quantity'
          : '#status IN (:active, :suspended) AND assignedLicenses > :zero',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':delta': delta,
        ':one': 1,
        ':at': at,
        ':active': 'ACTIVE',
        ...(delta > 0 ? {} : { ':suspended': 'SUSPENDED', ':zero': 0 }),
      },
    },
  };
}

const MOVED = Symbol('moved');
const moved = (what: Moved) => () => Object.assign(new Error('changed meanwhile'), { [MOVED]: what });

/** transactWrite answering what moved (writing nothing) when one of the read items changed meanwhile. */
async function unlessMoved(
  items: Parameters<typeof transactWrite>[0],
  onConditionFailed: Parameters<typeof transactWrite>[1],
): Promise<Moved | undefined> {
  try {
    await transactWrite(items, onConditionFailed);
    return undefined;
  } catch (error) {
    if (error instanceof Error && MOVED in error) return error[MOVED] as Moved;
    throw error;
  }
}

const userActivity = (
  user: UserRecord,
  partnerId: string,
  operation: string,
  changes: Record<string, [unknown, unknown]>,
  at: string,
) =>
  recordActivity({
    organizationId: partnerId,
    customerId: user.orgId,
    operation,
    resourceType: 'user',
    resourceId: user.id,
    changes,
    at,
  });

const licenseIds = (held: Record<string, HeldLicense> | undefined) => Object.keys(held ?? {}).sort();

/** DynamoDB implementation of the CustomerUserStore port. */
export const customerUserStore: CustomerUserStore = {
  changeLicenses(before, after, counts, at, partnerId) {
    const same = sameLicenses(before.licenses);
    return unlessMoved(
      [
        {
          Update: {
            TableName: tableName(),
            Key: keys.user(before.id),
            UpdateExpression: 'SET licenses = :after',
            ConditionExpression: `#status = :active AND ${same.expression}`,
            ExpressionAttributeNames: { '#status': 'status', ...same.names },
            ExpressionAttributeValues: { ':after': after, ':active': 'ACTIVE', ...same.values },
          },
        },
        ...counts.assign.map((id) => seatCount(before.orgId, id, 1, at)),
        ...counts.release.map((id) => seatCount(before.orgId, id, -1, at)),
        userActivity(
          before,
          partnerId,
          'USER_LICENSES_CHANGED',
          { licenses: [licenseIds(before.licenses), licenseIds(after)] },
          at,
        ),
      ],
      [
        moved({ moved: 'user' }),
        ...[...counts.assign, ...counts.release].map((subscriptionId) =>
          moved({ moved: 'subscription', subscriptionId }),
        ),
      ],
    );
  },

  deactivate(user, release, at, partnerId) {
    const same = sameLicenses(user.licenses);
    const admin = user.adminRole === 'GLOBAL_ADMIN';
    return unlessMoved(
      [
        {
          Update: {
            TableName: tableName(),
            Key: keys.user(user.id),
            UpdateExpression: 'SET #status = :inactive, deletedAt = :at REMOVE licenses',
            // The role as read too: it decided the admin count's step and the role the caller needed.
            ConditionExpression: `#status = :active AND adminRole = :role AND ${same.expression}`,
            ExpressionAttributeNames: { '#status': 'status', ...same.names },
            ExpressionAttributeValues: {
              ':inactive': 'INACTIVE',
              ':active': 'ACTIVE',
              ':at': at,
              ':role': user.adminRole,
              ...same.values,
            },
          },
        },
        ...(admin ? [adminCountChange(user.orgId, -1)] : []),
        ...release.map((id) => seatCount(user.orgId, id, -1, at)),
        userActivity(
          user,
          partnerId,
          'USER_DELETED',
          { status: ['ACTIVE', 'INACTIVE'], licenses: [licenseIds(user.licenses), null] },
          at,
        ),
      ],
      [
        moved({ moved: 'user' }),
        ...(admin ? [() => new DomainError('LAST_GLOBAL_ADMIN')] : []),
        ...release.map((subscriptionId) => moved({ moved: 'subscription', subscriptionId })),
      ],
    );
  },

  async restore(user, at, partnerId) {
    const result = await unlessMoved(
      [
        {
          Update: {
            TableName: tableName(),
            Key: keys.user(user.id),
            UpdateExpression: 'SET #status = :active REMOVE deletedAt',
            ConditionExpression: '#status = :inactive AND deletedAt = :deletedAt AND adminRole = :role',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':active': 'ACTIVE',
              ':inactive': 'INACTIVE',
              ':deletedAt': user.deletedAt ?? '',
              ':role': user.adminRole,
            },
          },
        },
        ...(user.adminRole === 'GLOBAL_ADMIN' ? [adminCountChange(user.orgId, 1)] : []),
        userActivity(user, partnerId, 'USER_RESTORED', { status: ['INACTIVE', 'ACTIVE'] }, at),
      ],
      [moved({ moved: 'user' })],
    );
    return result === undefined;
  },
};
