import { changesOf, recordActivity } from '../platform/data/activity.ts';
import { adminGrants, grantsOf } from '../platform/data/admin-grants.ts';
import { tableName } from '../platform/data/dynamo.ts';
import { entity } from '../platform/data/entity.ts';
import { getRecord, queryPage } from '../platform/data/query.ts';
import { keys } from '../platform/data/table.ts';
import { transactWrite, transactWriteIf } from '../platform/data/transact.ts';
import { DomainError } from '../platform/errors.ts';
import { linkWrites } from '../platform/links/store.ts';
import type { AdminRelationshipRecord, DelegatedRole } from './domain/model.ts';
import type { AdminRelationshipStore } from './ports.ts';

const relationships = entity<AdminRelationshipRecord>({
  type: 'adminRelationship',
  keys: (r) => ({
    ...keys.adminRelationship(r.relationshipId),
    ...keys.outboundAdminRelationships(r.partner.organizationId, r.createdAt, r.relationshipId),
    ...keys.inboundAdminRelationships(r.customer.organizationId, r.createdAt, r.relationshipId),
  }),
});

const names = entity<{ relationshipId: string }>({ type: 'adminName' });

const FIELDS = ['status', 'roles', 'activatedAt', 'endsAt', 'endedAt'] as const;

const ids = (r: AdminRelationshipRecord) => [r.partner.organizationId, r.customer.organizationId] as const;

const nameClaim = (r: AdminRelationshipRecord) => ({
  Put: {
    TableName: tableName(),
    Item: names.item({ relationshipId: r.relationshipId }, keys.adminName(...ids(r), r.displayName)),
    ConditionExpression: 'attribute_not_exists(pk)',
  },
});
const nameRelease = (r: AdminRelationshipRecord) => ({
  Delete: { TableName: tableName(), Key: keys.adminName(...ids(r), r.displayName) },
});
const grantPut = (r: AdminRelationshipRecord) => ({
  Put: {
    TableName: tableName(),
    Item: adminGrants.item(
      { relationshipId: r.relationshipId, roles: r.roles, endsAt: r.endsAt ?? '' },
      keys.adminGrant(...ids(r), r.relationshipId),
    ),
  },
});
const grantDelete = (r: AdminRelationshipRecord) => ({
  Delete: { TableName: tableName(), Key: keys.adminGrant(...ids(r), r.relationshipId) },
});
/** The relationship as it now is, if its stored status is still the one read. */
const putIfStatus = (before: AdminRelationshipRecord, after: AdminRelationshipRecord) => ({
  Put: {
    TableName: tableName(),
    Item: relationships.item(after),
    ConditionExpression: '#status = :status',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: { ':status': before.status },
  },
});

const nameTaken = (r: AdminRelationshipRecord) => () =>
  new DomainError(
    'DISPLAY_NAME_TAKEN',
    `A relationship named "${r.displayName}" with this customer is already pending or active; choose another name.`,
  );

/** DynamoDB implementation of the AdminRelationshipStore port. */
export const adminRelationshipStore: AdminRelationshipStore = {
  async request(r, link) {
    await transactWrite(
      [
        {
          Put: {
            TableName: tableName(),
            Item: relationships.item(r),
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        nameClaim(r),
        linkWrites.create(link),
        recordActivity({
          organizationId: r.partner.organizationId,
          customerId: r.customer.organizationId,
          operation: 'ADMIN_RELATIONSHIP_REQUESTED',
          resourceType: 'adminRelationship',
          resourceId: r.relationshipId,
          changes: { roles: [null, r.roles], duration: [null, r.duration] },
          at: r.createdAt,
        }),
      ],
      [undefined, nameTaken(r)],
    );
  },

  get: (relationshipId) => getRecord(relationships, keys.adminRelationship(relationshipId)),

  async createActive(r, through) {
    type Outcome = 'exists' | 'nameTaken' | 'gone';
    const outcome = (what: Outcome) => () => Object.assign(new Error(what), { outcome: what });
    try {
      await transactWrite(
        [
          {
            Put: {
              TableName: tableName(),
              Item: relationships.item(r),
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          nameClaim(r),
          {
            // Still the customer's partner (an ending may have come first): no access without it.
            // The row notes that its Default is made (relationships' CustomerLink.defaultAdminAt).
            Update: {
              TableName: tableName(),
              Key: keys.relationship(
                r.partner.organizationId,
                'CUSTOMER',
                r.customer.organizationId,
                through,
              ),
              UpdateExpression: 'SET defaultAdminAt = :at',
              ExpressionAttributeValues: { ':at': r.createdAt },
              ConditionExpression: 'attribute_exists(pk)',
            },
          },
          grantPut(r),
          recordActivity({
            organizationId: r.partner.organizationId,
            customerId: r.customer.organizationId,
            operation: 'ADMIN_RELATIONSHIP_CREATED',
            resourceType: 'adminRelationship',
            resourceId: r.relationshipId,
            changes: { status: [null, 'ACTIVE'], roles: [null, r.roles], endsAt: [null, r.endsAt] },
          }),
        ],
        [outcome('exists'), outcome('nameTaken'), outcome('gone')],
      );
      return 'created';
    } catch (error) {
      const what = (error as { outcome?: Outcome }).outcome;
      if (what) return what;
      throw error;
    }
  },

  answer: (before, after) =>
    transactWriteIf(
      [
        putIfStatus(before, after),
        linkWrites.consume(before.tokenHash ?? '', after.activatedAt ?? after.endedAt ?? ''),
        after.status === 'ACTIVE' ? grantPut(after) : nameRelease(after),
        recordActivity({
          // The customer's decision, in its own log (and on the partner's inbound view of it).
          organizationId: after.customer.organizationId,
          operation:
            after.status === 'ACTIVE' ? 'ADMIN_RELATIONSHIP_APPROVED' : 'ADMIN_RELATIONSHIP_REJECTED',
          resourceType: 'adminRelationship',
          resourceId: after.relationshipId,
          changes: changesOf(before, after, FIELDS),
        }),
      ],
      [0, 1],
    ),

  end: (before, after, log) =>
    transactWriteIf(
      [
        putIfStatus(before, after),
        grantDelete(before),
        nameRelease(before),
        recordActivity({
          organizationId: log,
          ...(log === before.partner.organizationId ? { customerId: before.customer.organizationId } : {}),
          operation:
            after.status === 'TERMINATED' ? 'ADMIN_RELATIONSHIP_TERMINATED' : 'ADMIN_RELATIONSHIP_EXPIRED',
          resourceType: 'adminRelationship',
          resourceId: before.relationshipId,
          changes: changesOf(before, after, FIELDS),
        }),
      ],
      [0],
    ),

  extend: (before, after) =>
    transactWriteIf(
      [
        {
          Put: {
            TableName: tableName(),
            Item: relationships.item(after),
            ConditionExpression: '#status = :active AND endsAt = :endsAt',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':active': 'ACTIVE', ':endsAt': before.endsAt },
          },
        },
        grantPut(after),
        recordActivity({
          organizationId: before.partner.organizationId,
          customerId: before.customer.organizationId,
          operation: 'ADMIN_RELATIONSHIP_EXTENDED',
          resourceType: 'adminRelationship',
          resourceId: before.relationshipId,
          changes: changesOf(before, after, FIELDS),
        }),
      ],
      [0],
    ),

  list: (by, limit, cursor) => {
    const scope =
      'partnerId' in by
        ? { index: 'gsi1' as const, partition: keys.outboundAdminRelationships(by.partnerId).gsi1pk }
        : { index: 'gsi2' as const, partition: keys.inboundAdminRelationships(by.customerId).gsi2pk };
    return queryPage({
      ...scope,
      newestFirst: true,
      limit,
      cursor,
      read: (item) => relationships.record(item),
    });
  },

  async grants(partnerId, customerId) {
    // Strongly consistent: terminated a moment ago means no access now, never a stale replica.
    const items = await grantsOf(partnerId, customerId, true);
    return items.map((g) => ({ ...g, roles: g.roles as DelegatedRole[] }));
  },
};

/**
 * For a transaction that ends relationships along with another change (endings-store.ts): the
 * name claims, which find a partner's pending and active relationships with one customer, and
 * the items `end` writes to end one (its new state if its status is still the one read, its
 * grant and its name claim deleted), without its record.
 */
export { names as adminNameClaims };
export const endingItems = (before: AdminRelationshipRecord, after: AdminRelationshipRecord) => [
  putIfStatus(before, after),
  grantDelete(before),
  nameRelease(before),
];
