import { recordActivity } from '../platform/data/activity.ts';
import { tableName } from '../platform/data/dynamo.ts';
import { entity } from '../platform/data/entity.ts';
import { getRecord, queryPage } from '../platform/data/query.ts';
import { keys } from '../platform/data/table.ts';
import { transactWrite, transactWriteIf } from '../platform/data/transact.ts';
import type { Listing, ListingRecord, PartnerProfileRecord, ProfileStore } from './profile-ports.ts';

const partnerProfiles = entity<PartnerProfileRecord>({
  type: 'partnerProfile',
  keys: (p) => keys.partnerProfile(p.orgId),
});
const listings = entity<ListingRecord>({
  type: 'providerListing',
  keys: (l) => keys.providerListing(l.providerId),
});
/** A listing as the directory holds it, with `searchText` (name and description in lower case) that `q` filters on. */
const directoryEntries = entity<Listing & { searchText: string }>({ type: 'directoryEntry' });

const readEntry = (item: Record<string, unknown>): Listing | undefined => {
  const entry = directoryEntries.record(item);
  if (!entry) return undefined;
  const { searchText: _s, ...listing } = entry;
  return listing;
};

/** The sort-key part that orders a directory partition by name (case-insensitive). */
const nameKey = (name: string) => name.trim().toLowerCase().slice(0, 200);

/** The keys of a listing's directory entries: one per country, and one per country and service. */
function entryKeys(l: Pick<ListingRecord, 'providerId' | 'name' | 'countries' | 'services'>) {
  const name = nameKey(l.name);
  return l.countries.flatMap((country) => [
    keys.directoryEntry(country, undefined, name, l.providerId),
    ...l.services.map((service) => keys.directoryEntry(country, service, name, l.providerId)),
  ]);
}
const keyId = (k: { pk: string; sk: string }) => `${k.pk}\n${k.sk}`;

/**
 * The directory entries (countries × (services + 1)) of a listing as items, ready to write: the
 * store's transaction and the benchmark's seeding use the same.
 */
export function directoryItems(l: ListingRecord) {
  const { version: _v, updatedAt: _u, ...listing } = l;
  const searchText = `${l.name} ${l.description}`.toLowerCase();
  return entryKeys(l).map((at) => directoryEntries.item({ ...listing, searchText }, at));
}

/** The listing's own item (what the benchmark's seeding writes beside its entries). */
export const listingItem = (l: ListingRecord) => listings.item(l);

/** The condition that the stored item is still the version read (or, for none, that there is none yet). */
const sameVersion = (before: { version: number } | undefined) =>
  before
    ? { ConditionExpression: 'version = :version', ExpressionAttributeValues: { ':version': before.version } }
    : { ConditionExpression: 'attribute_not_exists(pk)' };

/** DynamoDB implementation of the profile area's store. */
export const profileStore: ProfileStore = {
  getProfile: (orgId) => getRecord(partnerProfiles, keys.partnerProfile(orgId)),

  saveProfile: (before, after, change) =>
    transactWriteIf(
      [
        { Put: { TableName: tableName(), Item: partnerProfiles.item(after), ...sameVersion(before) } },
        recordActivity({
          organizationId: after.orgId,
          operation: 'PARTNER_PROFILE_UPDATED',
          resourceType: 'partnerProfile',
          resourceId: after.orgId,
          changes: change.changes,
          at: change.at,
        }),
      ],
      [0],
    ),

  getListing: (providerId) => getRecord(listings, keys.providerListing(providerId)),

  publishListing(before, after, change) {
    const kept = new Set(entryKeys(after).map(keyId));
    const gone = before ? entryKeys(before).filter((k) => !kept.has(keyId(k))) : [];
    return transactWriteIf(
      [
        { Put: { TableName: tableName(), Item: listings.item(after), ...sameVersion(before) } },
        ...gone.map((Key) => ({ Delete: { TableName: tableName(), Key } })),
        ...directoryItems(after).map((Item) => ({ Put: { TableName: tableName(), Item } })),
        recordActivity({
          organizationId: after.providerId,
          operation: 'PROVIDER_LISTING_PUBLISHED',
          resourceType: 'providerListing',
          resourceId: after.providerId,
          changes: change.changes,
          at: change.at,
        }),
      ],
      [0],
    );
  },

  searchDirectory: (q) =>
    queryPage({
      partition: keys.directoryEntry(q.country, q.service).pk,
      sortKeyPrefix: keys.directoryEntry(q.country, q.service).sk,
      ...(q.q ? { filter: { expression: 'contains(searchText, :q)', values: { ':q': q.q } } } : {}),
      limit: q.limit,
      cursor: q.cursor,
      read: readEntry,
    }),

  countContactRequest: (r, limit, expiresAt) =>
    transactWriteIf(
      [
        {
          // countUpTo's counter (platform/data/transact.ts), here inside the request's transaction.
          Update: {
            TableName: tableName(),
            Key: keys.contactRequestCounter(r.orgId, r.day),
            UpdateExpression: 'ADD sent :one SET expiresAt = :exp, #t = :type, v = :v',
            ConditionExpression: 'attribute_not_exists(sent) OR sent < :limit',
            ExpressionAttributeNames: { '#t': 'type' },
            ExpressionAttributeValues: {
              ':one': 1,
              ':limit': limit,
              ':exp': expiresAt,
              ':type': 'contactRequestCounter',
              ':v': 1,
            },
          },
        },
        recordActivity({
          organizationId: r.orgId,
          operation: 'PROVIDER_CONTACT_REQUESTED',
          resourceType: 'providerContact',
          resourceId: r.providerId,
          at: r.at,
          activityId: r.activityId,
        }),
      ],
      [0],
    ),

  async uncountContactRequest(r) {
    await transactWrite([
      {
        Update: {
          TableName: tableName(),
          Key: keys.contactRequestCounter(r.orgId, r.day),
          UpdateExpression: 'ADD sent :minusOne',
          ConditionExpression: 'sent > :zero',
          ExpressionAttributeValues: { ':minusOne': -1, ':zero': 0 },
        },
      },
      { Delete: { TableName: tableName(), Key: keys.activity(r.orgId, r.at, r.activityId) } },
    ]);
  },
};
