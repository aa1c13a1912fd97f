import { PLATFORM_LOG, recordActivity } from '../platform/data/activity.ts';
import { tableName } from '../platform/data/dynamo.ts';
import { entity } from '../platform/data/entity.ts';
import { getRecord, queryPage } from '../platform/data/query.ts';
import { keys } from '../platform/data/table.ts';
import { transactWrite } from '../platform/data/transact.ts';
import { DomainError } from '../platform/errors.ts';
import type { OfferRecord, OfferStore } from './ports.ts';

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
