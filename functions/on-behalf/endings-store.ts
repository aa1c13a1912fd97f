import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { recordActivity } from '../platform/data/activity.ts';
import { db, tableName } from '../platform/data/dynamo.ts';
import { keys } from '../platform/data/table.ts';
import { transactWriteIf } from '../platform/data/transact.ts';
import type { EndingStore, RowRef } from './domain/endings.ts';
import { adminNameClaims, adminRelationshipStore, endingItems } from './store.ts';

const rowKey = (r: RowRef) => keys.relationship(r.orgId, r.kind, r.otherId, r.subId);

/** DynamoDB implementation of the EndingStore port: one TransactWriteItems per ending. */
export const endingStore: EndingStore = {
  maxWrites: 100,

  async end(e) {
    const ended = await transactWriteIf(
      [
        ...e.rows.map((r) => ({
          Delete: { TableName: tableName(), Key: rowKey(r), ConditionExpression: 'attribute_exists(pk)' },
        })),
        ...e.alsoRows.map((r) => ({ Delete: { TableName: tableName(), Key: rowKey(r) } })),
        ...e.unshares.map((u) => ({
          Update: {
            TableName: tableName(),
            Key: keys.relationship(u.resellerId, 'CUSTOMER', u.customerId),
            UpdateExpression: 'REMOVE indirectProviderId',
            ConditionExpression: 'indirectProviderId = :provider',
            ExpressionAttributeValues: { ':provider': u.providerId },
          },
        })),
        ...e.adminRelationships.flatMap(({ before, after }) => endingItems(before, after)),
        ...e.records.map((r) => recordActivity(r)),
      ],
      // The relationship itself gone: it ended meanwhile. Anything else changed: CONFLICT, retry.
      [0],
    );
    return ended ? 'ENDED' : 'GONE';
  },

  async liveAdminRelationships(partnerId, customerId) {
    const claim = keys.adminName(partnerId, customerId, '');
    // Pending and active relationships hold their name claim; read strongly, as access is.
    const { Items } = await db.send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :name)',
        ExpressionAttributeValues: { ':pk': claim.pk, ':name': claim.sk },
        ConsistentRead: true,
      }),
    );
    const ids = (Items ?? []).flatMap((item) => {
      const named = adminNameClaims.record(item);
      return named ? [named.relationshipId] : [];
    });
    const found = await Promise.all(ids.map((id) => adminRelationshipStore.get(id)));
    return found.flatMap((r) => (r ? [r] : []));
  },
};
