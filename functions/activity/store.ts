import { activities, recordActivity } from '../platform/data/activity.ts';
import { tableName } from '../platform/data/dynamo.ts';
import { entity } from '../platform/data/entity.ts';
import { queryPage } from '../platform/data/query.ts';
import { keys } from '../platform/data/table.ts';
import { transactWrite, transactWriteIf } from '../platform/data/transact.ts';
import type { ActivityStore, WebhookRecord, WebhookStore } from './ports.ts';

/** The sort keys `<at>#<activityId>` of a time window, both ends included. */
const window = (from: string, to: string) => [from, `${to}#\uffff`] as const;

/** DynamoDB implementation of the ActivityStore port: one Query of one log, newest first. */
export const activityStore: ActivityStore = {
  async list(q) {
    const filters = [
      ...(q.resourceType ? [['resourceType', q.resourceType] as const] : []),
      ...(q.customerId && q.direction === 'outbound' ? [['customerId', q.customerId] as const] : []),
    ];
    const page = await queryPage({
      ...(q.direction === 'inbound'
        ? { index: 'gsi1', partition: keys.inboundActivity(q.organizationId).gsi1pk }
        : { partition: keys.activity(q.organizationId).pk }),
      sortKeyRange: window(q.from, q.to),
      newestFirst: true,
      ...(filters.length > 0
        ? {
            filter: {
              expression: filters.map(([name]) => `#${name} = :${name}`).join(' AND '),
              names: Object.fromEntries(filters.map(([name]) => [`#${name}`, name])),
              values: Object.fromEntries(filters.map(([name, value]) => [`:${name}`, value])),
            },
          }
        : {}),
      limit: q.limit,
      cursor: q.cursor,
      read: activities.record,
    });
    return { ...page, items: page.items.map(({ expiresAt: _e, ...record }) => record) };
  },
};

const webhooks = entity<WebhookRecord>({ type: 'webhook', keys: (w) => keys.webhook(w.orgId, w.id) });

const webhookActivity = (w: Pick<WebhookRecord, 'orgId' | 'id'>, operation: string) => ({
  organizationId: w.orgId,
  operation,
  resourceType: 'webhook',
  resourceId: w.id,
});

/** DynamoDB implementation of the WebhookStore port. */
export const webhookStore: WebhookStore = {
  async create(w) {
    await transactWrite([
      {
        Put: {
          TableName: tableName(),
          Item: webhooks.item(w),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      recordActivity({
        ...webhookActivity(w, 'WEBHOOK_CREATED'),
        changes: { url: [null, w.url], events: [null, w.events] },
        at: w.createdAt,
      }),
    ]);
  },

  list: (orgId, limit, cursor) =>
    queryPage({
      partition: keys.webhook(orgId).pk,
      sortKeyPrefix: keys.webhook(orgId).sk,
      limit,
      cursor,
      read: webhooks.record,
    }),

  async delete(orgId, webhookId) {
    return transactWriteIf(
      [
        {
          Delete: {
            TableName: tableName(),
            Key: keys.webhook(orgId, webhookId),
            ConditionExpression: 'attribute_exists(pk)',
          },
        },
        recordActivity(webhookActivity({ orgId, id: webhookId }, 'WEBHOOK_DELETED')),
      ],
      [0],
    );
  },
};
