import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { recordActivity } from '../platform/data/activity.ts';
import { grantsOf } from '../platform/data/admin-grants.ts';
import { db, tableName } from '../platform/data/dynamo.ts';
import { type Entity, entity } from '../platform/data/entity.ts';
import { getRecord, queryPage, scanPage } from '../platform/data/query.ts';
import { keys } from '../platform/data/table.ts';
import { countUpTo, transactWrite, transactWriteIf, updateIf } from '../platform/data/transact.ts';
import { DomainError } from '../platform/errors.ts';
import { linkWrites } from '../platform/links/store.ts';
import { type InvitationRecord, type RelationshipKind, relationshipErrors } from './domain/model.ts';
import type { RelationshipData, RelationshipRow, RelationshipStore } from './ports.ts';

const NEW = 'attribute_not_exists(pk)';

/** The relationships context's items: what each holds and the keys it is stored under. */
const invitations = entity<InvitationRecord>({
  type: 'invitation',
  keys: (inv) => ({
    ...keys.invitation(inv.id),
    ...keys.invitationsSent(inv.from.id, inv.createdAt, inv.id),
    ...keys.invitationsReceived(inv.domain, inv.createdAt, inv.id),
  }),
});
/** Relationship rows, one entity per kind, each in the partition of the list it shows on (RelationshipKind). */
const rowEntities = new Map<RelationshipKind, Entity<Record<string, unknown>>>();
const rowsOf = (kind: RelationshipKind) => {
  let of = rowEntities.get(kind);
  if (!of) {
    of = entity({ type: `relationship:${kind}` });
    rowEntities.set(kind, of);
  }
  return of;
};
/**
 * A row's record as what its kind holds (RelationshipData): the store reads back what
 * `effectsOf` wrote, as `entity().record` does for every other record.
 */
const readRow = <K extends RelationshipKind>(kind: K, item: Record<string, unknown>) =>
  rowsOf(kind).record(item) as unknown as RelationshipData[K];
/** Invitations whose invitee is a customer. */
const CUSTOMER_KINDS = new Set<InvitationRecord['kind']>(['RESELLER_CUSTOMER', 'RESELLER_PROVIDER_CUSTOMER']);

/** An invitation's records go to the log of the organization that sent it. */
const invitationActivity = (inv: InvitationRecord, operation: string) => ({
  organizationId: inv.from.id,
  operation,
  resourceType: 'invitation',
  resourceId: inv.id,
});
const rowKey = (r: RelationshipRow) => keys.relationship(r.orgId, r.kind, r.otherId, r.subId);

/** A shared row: each attribute set only where the row does not hold it yet (an upsert that changes nothing present). */
function keepOrCreate(r: RelationshipRow) {
  const key = rowKey(r);
  const item = rowsOf(r.kind).item(r.data as Record<string, unknown>, key);
  const attributes = Object.entries(item).filter(([name]) => !(name in key));
  return {
    Update: {
      TableName: tableName(),
      Key: key,
      UpdateExpression: `SET ${attributes.map((_, i) => `#a${i} = if_not_exists(#a${i}, :v${i})`).join(', ')}`,
      ExpressionAttributeNames: Object.fromEntries(attributes.map(([name], i) => [`#a${i}`, name])),
      ExpressionAttributeValues: Object.fromEntries(attributes.map(([, value], i) => [`:v${i}`, value])),
    },
  };
}

/** DynamoDB implementation of the RelationshipStore port. */
export const relationshipStore: RelationshipStore = {
  async createInvitation(inv, link) {
    return transactWriteIf(
      [
        { Put: { TableName: tableName(), Item: invitations.item(inv), ConditionExpression: NEW } },
        linkWrites.create(link),
        recordActivity({
          ...invitationActivity(inv, 'INVITATION_CREATED'),
          changes: { kind: [null, inv.kind], email: [null, inv.email] },
          at: inv.createdAt,
        }),
      ],
      // Either item there already: a derived id or token, an idempotent create that lost a race.
      [0, 1],
    );
  },

  getInvitation: (invitationId) => getRecord(invitations, keys.invitation(invitationId)),

  async replaceInvitationLink(inv, link) {
    await transactWrite(
      [
        {
          Update: {
            TableName: tableName(),
            Key: keys.invitation(inv.id),
            UpdateExpression: 'SET tokenHash = :new, expiresAt = :exp',
            ConditionExpression: '#s = :pending AND tokenHash = :old',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: {
              ':new': link.tokenHash,
              ':exp': link.expiresAt,
              ':pending': 'PENDING',
              ':old': inv.tokenHash,
            },
          },
        },
        linkWrites.delete(inv.tokenHash),
        linkWrites.create(link),
        recordActivity({ ...invitationActivity(inv, 'INVITATION_RESENT'), at: link.createdAt }),
      ],
      [() => relationshipErrors.notPending('no longer pending')],
    );
  },

  async closeInvitation(inv, to, at, by) {
    return transactWriteIf(
      [
        {
          Update: {
            TableName: tableName(),
            Key: keys.invitation(inv.id),
            UpdateExpression: `SET #s = :to, decidedAt = :at${by ? ', acceptedBy = :by' : ''}`,
            ConditionExpression: '#s = :pending AND expiresAt > :now',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: {
              ':to': to,
              ':at': at.toISOString(),
              ':pending': 'PENDING',
              ':now': Math.floor(at.getTime() / 1000),
              ...(by ? { ':by': by } : {}),
            },
          },
        },
        recordActivity({
          ...invitationActivity(inv, `INVITATION_${to}`),
          changes: { status: ['PENDING', to] },
          at: at.toISOString(),
        }),
      ],
      [0],
    );
  },

  async acceptInvitation(inv, by, at, rows, requires, replaces = []) {
    return transactWriteIf(
      [
        {
          Update: {
            TableName: tableName(),
            Key: keys.invitation(inv.id),
            UpdateExpression: 'SET #s = :accepted, decidedAt = :at, acceptedBy = :by',
            // The one write that makes an invitation change once: of concurrent accepts one wins.
            ConditionExpression: '#s = :pending AND tokenHash = :hash AND expiresAt > :now',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: {
              ':accepted': 'ACCEPTED',
              ':pending': 'PENDING',
              ':at': at.toISOString(),
              ':by': by,
              ':hash': inv.tokenHash,
              ':now': Math.floor(at.getTime() / 1000),
            },
          },
        },
        ...rows.map((r) =>
          r.keepIfPresent
            ? keepOrCreate(r)
            : {
                Put: {
                  TableName: tableName(),
                  Item: rowsOf(r.kind).item(r.data as Record<string, unknown>, rowKey(r)),
                  ConditionExpression: NEW,
                },
              },
        ),
        ...requires.map((r) => ({
          ConditionCheck: {
            TableName: tableName(),
            Key: rowKey(r),
            ConditionExpression: 'attribute_exists(pk)',
          },
        })),
        ...replaces.map((r) => ({ Delete: { TableName: tableName(), Key: rowKey(r) } })),
        recordActivity({
          ...invitationActivity(inv, 'INVITATION_ACCEPTED'),
          // A customer's acceptance gives partners a place in its organization: it shows inbound.
          customerId: CUSTOMER_KINDS.has(inv.kind) ? by.id : undefined,
          changes: { status: ['PENDING', 'ACCEPTED'], acceptedBy: [null, by.id] },
          at: at.toISOString(),
        }),
      ],
      [0],
      [
        undefined,
        ...rows.map(() => () => new DomainError('ALREADY_CONNECTED')),
        ...requires.map(() => () => new DomainError('ALREADY_CONNECTED')),
      ],
    );
  },

  addExistingCustomer: (resellerId, customer, rows, at) =>
    transactWriteIf(
      [
        ...rows.map((r) => ({
          Put: {
            TableName: tableName(),
            Item: rowsOf(r.kind).item(r.data as Record<string, unknown>, rowKey(r)),
            ConditionExpression: NEW,
          },
        })),
        recordActivity({
          organizationId: resellerId,
          operation: 'EXISTING_CUSTOMER_ADDED',
          resourceType: 'customer',
          resourceId: customer.customerId,
          // A real organization sees the partner it now has in its inbound log.
          customerId: customer.status === undefined ? customer.customerId : undefined,
          changes: { status: [null, customer.status ?? 'ACTIVE'] },
          at,
        }),
      ],
      rows.map((_, i) => i),
    ),

  countInvitation: (orgId, hour, limit, expiresAt) =>
    countUpTo(keys.invitationCounter(orgId, hour), 'invitationCounter', limit, expiresAt),

  async uncountInvitation(orgId, hour) {
    await updateIf({
      TableName: tableName(),
      Key: keys.invitationCounter(orgId, hour),
      UpdateExpression: 'ADD sent :minusOne',
      ConditionExpression: 'sent > :zero',
      ExpressionAttributeValues: { ':minusOne': -1, ':zero': 0 },
    });
  },

  claimInvitationMail: (invitationId, nowSeconds, staleBefore) =>
    updateIf({
      TableName: tableName(),
      Key: keys.invitation(invitationId),
      UpdateExpression: 'SET mailClaimedAt = :now',
      ConditionExpression:
        'attribute_exists(pk) AND attribute_not_exists(mailedAt) AND (attribute_not_exists(mailClaimedAt) OR mailClaimedAt <= :stale)',
      ExpressionAttributeValues: { ':now': nowSeconds, ':stale': staleBefore },
    }),

  async settleInvitationMail(invitationId, sentAt) {
    await updateIf({
      TableName: tableName(),
      Key: keys.invitation(invitationId),
      UpdateExpression: sentAt ? 'SET mailedAt = :at REMOVE mailClaimedAt' : 'REMOVE mailClaimedAt',
      ConditionExpression: 'attribute_exists(pk)',
      ...(sentAt ? { ExpressionAttributeValues: { ':at': sentAt.toISOString() } } : {}),
    });
  },

  listInvitations(by, status, now, limit, cursor) {
    // EXPIRED is derived (PENDING past its expiry), so both read the stored PENDING with a time filter.
    const nowSeconds = Math.floor(now.getTime() / 1000);
    const pending = (expression: string) => ({
      expression: `#s = :pending AND ${expression}`,
      names: { '#s': 'status' },
      values: { ':pending': 'PENDING', ':now': nowSeconds },
    });
    const filter =
      status === undefined
        ? undefined
        : status === 'EXPIRED'
          ? pending('expiresAt <= :now')
          : status === 'PENDING'
            ? pending('expiresAt > :now')
            : { expression: '#s = :status', names: { '#s': 'status' }, values: { ':status': status } };
    return queryPage({
      ...('sentBy' in by
        ? { index: 'gsi1', partition: keys.invitationsSent(by.sentBy).gsi1pk }
        : { index: 'gsi2', partition: keys.invitationsReceived(by.addressedTo).gsi2pk }),
      newestFirst: true,
      ...(filter ? { filter } : {}),
      limit,
      cursor,
      read: invitations.record,
    });
  },

  getRelationship: (orgId, kind, otherId, subId) =>
    getRecord(rowsOf(kind), keys.relationship(orgId, kind, otherId, subId)),

  async relationshipsWith(orgId, kind, otherId) {
    const { pk, sk } = keys.relationship(orgId, kind, otherId);
    // `<kind>#<otherId>` also prefixes rows of a longer id; only the row itself and `<sk>#…` are its own.
    const result = await db.send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
        ExpressionAttributeValues: { ':pk': pk, ':sk': sk },
      }),
    );
    return (result.Items ?? [])
      .filter((item) => item.sk === sk || String(item.sk).startsWith(`${sk}#`))
      .map((item) => readRow(kind, item));
  },

  listRelationships(orgId, kind, otherId, limit, cursor) {
    const { pk, sk } = keys.relationship(orgId, kind, otherId ?? '');
    return queryPage({
      partition: pk,
      sortKeyPrefix: otherId === undefined ? sk : `${sk}#`,
      limit,
      cursor,
      read: (item) => readRow(kind, item),
    });
  },

  async adminGrantEnds(partnerId, customerIds) {
    const ids = [...new Set(customerIds)];
    const grants = await Promise.all(ids.map((id) => grantsOf(partnerId, id, false)));
    return new Map(ids.map((id, i) => [id, (grants[i] ?? []).map((g) => g.endsAt)]));
  },

  acceptedWithDelegatedAdmin: (decidedBefore, limit, cursor) =>
    scanPage({
      limit,
      cursor,
      filter: {
        expression: '#t = :type AND #s = :accepted AND delegatedAdmin = :yes AND decidedAt < :before',
        names: { '#t': 'type', '#s': 'status' },
        values: {
          ':type': invitations.type,
          ':accepted': 'ACCEPTED',
          ':yes': true,
          ':before': decidedBefore,
        },
      },
      read: (item) => invitations.record(item)?.id,
    }),
};
