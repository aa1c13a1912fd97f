import { changesOf, PLATFORM_LOG, recordActivity } from '../platform/data/activity.ts';
import { tableName } from '../platform/data/dynamo.ts';
import { entity } from '../platform/data/entity.ts';
import { getRecord, type PageQuery, queryPage } from '../platform/data/query.ts';
import { keys } from '../platform/data/table.ts';
import { transactWrite, transactWriteIf, updateIf } from '../platform/data/transact.ts';
import { DomainError } from '../platform/errors.ts';
import { customerNotFound } from '../relationships/domain/access.ts';
import type {
  CommerceStore,
  OfferRecord,
  OfferStore,
  OrderRecord,
  SubscriptionRecord,
  SubscriptionStatus,
  Viewer,
} from './ports.ts';

/** Stored with `searchText` (name and description in lower case), which `q` filters on. */
const offers = entity<OfferRecord & { searchText: string }>({
  type: 'offer',
  keys: (o) => keys.offer(o.offerId),
});
/** The offer an item holds, without its search text. */
const withoutSearch = (
  stored: (OfferRecord & { searchText: string }) | undefined,
): OfferRecord | undefined => {
  if (!stored) return undefined;
  const { searchText: _s, ...offer } = stored;
  return offer;
};
const readOffer = (item: Record<string, unknown>) => withoutSearch(offers.record(item));

const FIELDS = [
  'name',
  'description',
  'minQuantity',
  'maxQuantity',
  'termDurations',
  'billingCycles',
  'countries',
  'adminAgentOnly',
  'available',
] as const;

/** The fields that differ (arrays by their contents), as an activity record's `changes`. */
const offerChanges = (before: OfferRecord | undefined, after: OfferRecord) =>
  Object.fromEntries(
    FIELDS.filter((f) => JSON.stringify(before?.[f]) !== JSON.stringify(after[f])).map((f) => [
      f,
      [before?.[f] ?? null, after[f] ?? null] as [unknown, unknown],
    ]),
  );

/** DynamoDB implementation of the OfferStore port. */
export const offerStore: OfferStore = {
  get: async (offerId) => withoutSearch(await getRecord(offers, keys.offer(offerId))),

  async put(offer) {
    const before = await offerStore.get(offer.offerId);
    await transactWrite(
      [
        {
          Put: {
            TableName: tableName(),
            Item: offers.item({
              ...offer,
              searchText: `${offer.name} ${offer.description ?? ''}`.toLowerCase(),
            }),
            // Nobody changed it since it was read: the record's `changes` are exact.
            ConditionExpression: before ? 'updatedAt = :before' : 'attribute_not_exists(pk)',
            ...(before ? { ExpressionAttributeValues: { ':before': before.updatedAt } } : {}),
          },
        },
        recordActivity({
          organizationId: PLATFORM_LOG,
          operation: before ? 'OFFER_UPDATED' : 'OFFER_CREATED',
          resourceType: 'offer',
          resourceId: offer.offerId,
          changes: offerChanges(before, offer),
          at: offer.updatedAt,
        }),
      ],
      [
        () =>
          new DomainError(
            'CONFLICT',
            'The offer was changed meanwhile; read it again and send your PUT again.',
          ),
      ],
    );
    return before;
  },

  list: (q) => {
    const filters = [
      ...(q.country ? [['contains(countries, :country)', ':country', q.country] as const] : []),
      ...(q.q ? [['contains(searchText, :q)', ':q', q.q.toLowerCase()] as const] : []),
    ];
    return queryPage({
      partition: keys.offer().pk,
      sortKeyPrefix: keys.offer().sk,
      ...(filters.length > 0
        ? {
            filter: {
              expression: filters.map(([e]) => e).join(' AND '),
              values: Object.fromEntries(filters.map(([, name, value]) => [name, value])),
            },
          }
        : {}),
      limit: q.limit,
      cursor: q.cursor,
      read: readOffer,
    });
  },
};

const orders = entity<OrderRecord>({
  type: 'order',
  keys: (o) => ({
    ...keys.order(o.customerId, o.orderId),
    ...keys.providerOrders(o.providerId, o.customerId, o.orderId),
    ...keys.resellerOrders(o.resellerOfRecord.organizationId, o.customerId, o.orderId),
  }),
});

const subscriptions = entity<SubscriptionRecord>({
  type: 'subscription',
  keys: (s) => ({
    ...keys.subscription(s.customerId, s.subscriptionId),
    ...keys.providerSubscriptions(s.providerId, s.customerId, s.subscriptionId),
    ...keys.resellerSubscriptions(s.resellerOfRecord.organizationId, s.customerId, s.subscriptionId),
  }),
});

/** The fields a change of a subscription names in its activity record. */
const SUBSCRIPTION_FIELDS = [
  'quantity',
  'autoRenew',
  'friendlyName',
  'status',
  'termStartDate',
  'termEndDate',
  'cancellationAllowedUntil',
] as const;

/** The index and partition of one viewer's list of a customer's orders or subscriptions. */
function viewerScope(
  customerId: string,
  viewer: Viewer | undefined,
  of: 'orders' | 'subscriptions',
): Pick<PageQuery<unknown>, 'index' | 'partition' | 'sortKeyPrefix'> {
  if (!viewer) {
    const key = of === 'orders' ? keys.order(customerId) : keys.subscription(customerId);
    return { partition: key.pk, sortKeyPrefix: key.sk };
  }
  if ('providerId' in viewer) {
    const key =
      of === 'orders'
        ? keys.providerOrders(viewer.providerId, customerId)
        : keys.providerSubscriptions(viewer.providerId, customerId);
    return { index: 'gsi1', partition: key.gsi1pk };
  }
  const key =
    of === 'orders'
      ? keys.resellerOrders(viewer.resellerId, customerId)
      : keys.resellerSubscriptions(viewer.resellerId, customerId);
  return { index: 'gsi2', partition: key.gsi2pk };
}

/** DynamoDB implementation of the CommerceStore port. */
export const commerceStore: CommerceStore = {
  async placeOrder(order, subs) {
    await transactWrite(
      [
        {
          Put: {
            TableName: tableName(),
            Item: orders.item(order),
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        // One record for the order (one event for a partner's webhook), naming what it made.
        recordActivity({
          organizationId: order.providerId,
          customerId: order.customerId,
          operation: 'ORDER_PLACED',
          resourceType: 'order',
          resourceId: order.orderId,
          changes: {
            resellerOfRecord: [null, order.resellerOfRecord.organizationId],
            subscriptionIds: [null, subs.map((sub) => sub.subscriptionId)],
          },
          at: order.createdAt,
        }),
        ...subs.map((sub) => ({
          Put: {
            TableName: tableName(),
            Item: subscriptions.item(sub),
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        })),
        {
          // The provider still has the customer through the reseller of record: an ending of that
          // relationship (functions/on-behalf/endings-store.ts) is either before the order or after it.
          ConditionCheck: {
            TableName: tableName(),
            Key: keys.relationship(
              order.providerId,
              'CUSTOMER',
              order.customerId,
              order.resellerOfRecord.organizationId,
            ),
            ConditionExpression: 'attribute_exists(pk)',
          },
        },
      ],
      [...[undefined, undefined], ...subs.map(() => undefined), customerNotFound],
    );
  },

  getOrder: (customerId, orderId) => getRecord(orders, keys.order(customerId, orderId)),

  listOrders: (customerId, viewer, limit, cursor) =>
    queryPage({
      ...viewerScope(customerId, viewer, 'orders'),
      newestFirst: true,
      limit,
      cursor,
      read: (item) => orders.record(item),
    }),

  getSubscription: (customerId, subscriptionId) =>
    getRecord(subscriptions, keys.subscription(customerId, subscriptionId)),

  listSubscriptions: (customerId, viewer, status?: SubscriptionStatus, limit = 25, cursor?: string) =>
    queryPage({
      ...viewerScope(customerId, viewer, 'subscriptions'),
      ...(status
        ? {
            filter: {
              expression: '#status = :status',
              names: { '#status': 'status' },
              values: { ':status': status },
            },
          }
        : {}),
      newestFirst: true,
      limit,
      cursor,
      read: (item) => subscriptions.record(item),
    }),

  updateSubscription: (before, after, operation, log) =>
    transactWriteIf(
      [
        {
          Put: {
            TableName: tableName(),
            Item: subscriptions.item(after),
            ConditionExpression: 'version = :version',
            ExpressionAttributeValues: { ':version': before.version },
          },
        },
        recordActivity({
          organizationId: log,
          customerId: before.customerId,
          operation,
          resourceType: 'subscription',
          resourceId: before.subscriptionId,
          changes: changesOf(before, after, SUBSCRIPTION_FIELDS),
          at: after.updatedAt,
        }),
      ],
      [0],
    ),

  claimNotice: (sub) =>
    updateIf({
      TableName: tableName(),
      Key: keys.subscription(sub.customerId, sub.subscriptionId),
      UpdateExpression: 'SET noticeSentFor = :end',
      ConditionExpression:
        'termEndDate = :end AND (attribute_not_exists(noticeSentFor) OR noticeSentFor <> :end)',
      ExpressionAttributeValues: { ':end': sub.termEndDate },
    }),
};
