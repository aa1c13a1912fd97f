import { activities, recordActivity } from '../platform/data/activity.ts';
import { tableName } from '../platform/data/dynamo.ts';
import { entity } from '../platform/data/entity.ts';
import { getRecord, queryPage } from '../platform/data/query.ts';
import { keys } from '../platform/data/table.ts';
import { transactWrite, transactWriteIf, updateIf } from '../platform/data/transact.ts';
import type { PlatformEvent } from '../platform/events/event.ts';
import { epochSeconds } from '../platform/time.ts';
import type {
  ActivityStore,
  DeliveryAttempt,
  DeliveryStore,
  QueuedDelivery,
  WebhookRecord,
  WebhookRef,
  WebhookStore,
} from './ports.ts';

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

  get: (orgId, webhookId) => getRecord(webhooks, keys.webhook(orgId, webhookId)),

  async all(orgId) {
    const all: WebhookRecord[] = [];
    let cursor: string | undefined;
    do {
      const page = await webhookStore.list(orgId, 100, cursor);
      all.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return all;
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

/** Queued deliveries outlive their 24 hours of retries by a day at most; attempts are kept 30 days. */
const QUEUED_TTL_SECONDS = 2 * 86_400;
const ATTEMPT_TTL_SECONDS = 30 * 86_400;

const queuedDeliveries = entity<QueuedDelivery & { leaseUntil?: string; expiresAt: number }>({
  type: 'webhookQueued',
});
/** Stored with `eventType`: `type` is the item's entity type. */
type StoredAttempt = Omit<DeliveryAttempt, 'type'> & { eventType: string; expiresAt: number };
const deliveryAttempts = entity<StoredAttempt>({ type: 'webhookDelivery' });

const queueKey = (w: WebhookRef, e: PlatformEvent) =>
  keys.webhookQueue(w.orgId, w.id, e.resource, e.occurredAt, e.id);
/** The event leaves the webhook's queue (delivered or given up). */
const dequeue = (w: WebhookRef, e: PlatformEvent) => ({
  Delete: { TableName: tableName(), Key: queueKey(w, e) },
});

const putAttempt = (
  w: WebhookRef,
  e: PlatformEvent,
  attempt: Omit<StoredAttempt, 'eventId' | 'eventType' | 'expiresAt'>,
  condition?: string,
) => ({
  Put: {
    TableName: tableName(),
    Item: deliveryAttempts.item(
      {
        eventId: e.id,
        eventType: e.type,
        ...attempt,
        expiresAt: epochSeconds(attempt.at) + ATTEMPT_TTL_SECONDS,
      },
      keys.webhookDelivery(w.orgId, w.id, e.occurredAt, e.id, attempt.attempt),
    ),
    ...(condition ? { ConditionExpression: condition } : {}),
  },
});

/** A transaction holds 100 items: two per webhook. */
const WEBHOOKS_PER_TRANSACTION = 50;

/** DynamoDB implementation of the DeliveryStore port: one partition per webhook (its queue and its attempts). */
export const deliveryStore: DeliveryStore = {
  async enqueue(event, hooks) {
    for (let i = 0; i < hooks.length; i += WEBHOOKS_PER_TRANSACTION) {
      const chunk = hooks.slice(i, i + WEBHOOKS_PER_TRANSACTION);
      // Once per event and webhook: a repeated publish finds the first attempt written and stops.
      await transactWriteIf(
        chunk.flatMap((w) => [
          putAttempt(
            w,
            event,
            { attempt: 1, status: 'PENDING', at: event.occurredAt },
            'attribute_not_exists(pk)',
          ),
          {
            Put: {
              TableName: tableName(),
              Item: queuedDeliveries.item(
                {
                  event,
                  attempts: 0,
                  expiresAt: epochSeconds(event.occurredAt) + QUEUED_TTL_SECONDS,
                },
                queueKey(w, event),
              ),
            },
          },
        ]),
        chunk.map((_, j) => 2 * j),
      );
    }
  },

  async oldestOwed(w, resource) {
    const { pk, sk } = keys.webhookQueue(w.orgId, w.id, resource);
    const page = await queryPage({
      partition: pk,
      sortKeyPrefix: sk,
      limit: 1,
      read: queuedDeliveries.record,
    });
    return page.items[0];
  },

  lease: (w, e, attempt, now, until) =>
    updateIf({
      TableName: tableName(),
      Key: queueKey(w, e),
      UpdateExpression: 'SET attempts = :attempt, leaseUntil = :until',
      ConditionExpression: 'attempts = :made AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now)',
      ExpressionAttributeValues: { ':attempt': attempt, ':made': attempt - 1, ':until': until, ':now': now },
    }),

  async succeeded(w, e, attempt, responseStatus, at) {
    await transactWrite([
      dequeue(w, e),
      putAttempt(w, e, { attempt, status: 'SUCCEEDED', responseStatus, at }),
    ]);
  },

  async failed(w, e, attempt, responseStatus, at, nextAttemptAt) {
    const failure = putAttempt(w, e, {
      attempt,
      status: 'FAILED',
      ...(responseStatus === undefined ? {} : { responseStatus }),
      at,
    });
    await transactWrite(
      nextAttemptAt === undefined
        ? [dequeue(w, e), failure]
        : [
            {
              Update: {
                TableName: tableName(),
                Key: queueKey(w, e),
                UpdateExpression: 'SET nextAttemptAt = :next REMOVE leaseUntil',
                ExpressionAttributeValues: { ':next': nextAttemptAt },
              },
            },
            failure,
            putAttempt(w, e, { attempt: attempt + 1, status: 'PENDING', at: nextAttemptAt }),
          ],
    );
  },

  async list(w, limit, cursor) {
    const page = await queryPage({
      partition: keys.webhookDelivery(w.orgId, w.id).pk,
      sortKeyPrefix: keys.webhookDelivery(w.orgId, w.id).sk,
      newestFirst: true,
      limit,
      cursor,
      read: deliveryAttempts.record,
    });
    return {
      ...page,
      items: page.items.map(({ expiresAt: _e, eventType, ...attempt }) => ({ ...attempt, type: eventType })),
    };
  },
};
