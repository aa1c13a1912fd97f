import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { changesOf, recordActivity } from '../platform/data/activity.ts';
import { db, tableName } from '../platform/data/dynamo.ts';
import { entity } from '../platform/data/entity.ts';
import { getRecord, queryPage } from '../platform/data/query.ts';
import { keys } from '../platform/data/table.ts';
import { transactWrite, transactWriteIf, updateIf } from '../platform/data/transact.ts';
import type { LeadFilter, LeadRecord, LeadRef, LeadStore } from './lead-ports.ts';

const NEW_ITEM = 'attribute_not_exists(pk)';

/** A lead, in its organization's lead partition. */
const leads = entity<LeadRecord>({ type: 'lead', keys: (l) => keys.lead(l.orgId, l.leadId) });
/** Which lead an invitation was made from. */
const leadInvitations = entity<LeadRef & { invitationId: string }>({
  type: 'lead-invitation',
  keys: (r) => keys.leadOfInvitation(r.invitationId),
});

/** A lead's records go to its own organization's log. */
const leadActivity = (
  lead: LeadRecord,
  operation: string,
  changes: Record<string, [unknown, unknown]>,
  at: string,
) =>
  recordActivity({
    organizationId: lead.orgId,
    operation,
    resourceType: 'lead',
    resourceId: lead.leadId,
    changes,
    at,
  });

/**
 * The condition "the lead still has the status read": for a NEW lead also "not expired" (created
 * after `expiredBefore`), since EXPIRED is read from the time, not written.
 */
function statusAsRead(lead: LeadRecord, expiredBefore: string) {
  return lead.status === 'NEW'
    ? {
        expression: '#status = :read AND createdAt > :expiredBefore',
        values: { ':read': lead.status, ':expiredBefore': expiredBefore },
      }
    : { expression: '#status = :read', values: { ':read': lead.status } };
}

/** The filter that keeps the leads showing `status` (see LeadFilter). */
function statusFilter(filter: LeadFilter) {
  const names = { '#status': 'status' };
  switch (filter.status) {
    case undefined:
      return undefined;
    case 'NEW':
      return {
        expression: '#status = :new AND createdAt > :expiredBefore',
        names,
        values: { ':new': 'NEW', ':expiredBefore': filter.expiredBefore },
      };
    case 'EXPIRED':
      return {
        expression: '#status = :new AND createdAt <= :expiredBefore',
        names,
        values: { ':new': 'NEW', ':expiredBefore': filter.expiredBefore },
      };
    default:
      return { expression: '#status = :status', names, values: { ':status': filter.status } };
  }
}

/** DynamoDB implementation of the LeadStore port. */
export const leadStore: LeadStore = {
  async create(lead) {
    await transactWrite([
      { Put: { TableName: tableName(), Item: leads.item(lead), ConditionExpression: NEW_ITEM } },
      leadActivity(
        lead,
        'LEAD_CREATED',
        { status: [null, lead.status], companyName: [null, lead.companyName] },
        lead.createdAt,
      ),
    ]);
  },

  async get(orgId, leadId) {
    const { Item } = await db.send(
      new GetCommand({ TableName: tableName(), Key: keys.lead(orgId, leadId), ConsistentRead: true }),
    );
    return leads.record(Item);
  },

  list(orgId, filter, limit, cursor) {
    const { pk, sk } = keys.lead(orgId);
    const where = statusFilter(filter);
    return queryPage({
      partition: pk,
      sortKeyPrefix: sk,
      newestFirst: true,
      limit,
      cursor,
      ...(where ? { filter: where } : {}),
      read: (item) => leads.record(item),
    });
  },

  transition(before, after, operation, expiredBefore) {
    const read = statusAsRead(before, expiredBefore);
    return transactWriteIf(
      [
        {
          Update: {
            TableName: tableName(),
            Key: keys.lead(before.orgId, before.leadId),
            UpdateExpression: `SET #status = :to, updatedAt = :at${after.reason ? ', reason = :reason' : ' REMOVE reason'}`,
            ConditionExpression: read.expression,
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':to': after.status,
              ':at': after.updatedAt,
              ...(after.reason ? { ':reason': after.reason } : {}),
              ...read.values,
            },
          },
        },
        leadActivity(after, operation, changesOf(before, after, ['status', 'reason']), after.updatedAt),
      ],
      [0],
    );
  },

  share(lead, after, referral, expiredBefore) {
    // Entries are only ever added, so the same number of them is the map as read.
    const shares = Object.keys(lead.sharedWith ?? {}).length;
    return transactWriteIf(
      [
        {
          Update: {
            TableName: tableName(),
            Key: keys.lead(lead.orgId, lead.leadId),
            // The whole map as read plus one: a concurrent share with another reseller makes this
            // one read again rather than drop it.
            UpdateExpression: 'SET sharedWith = :sharedWith, updatedAt = :at',
            ConditionExpression: `${shares === 0 ? 'attribute_not_exists(sharedWith)' : 'size(sharedWith) = :shares'} AND (#status = :active OR (#status = :new AND createdAt > :expiredBefore))`,
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':sharedWith': after.sharedWith ?? {},
              ':at': after.updatedAt,
              ...(shares === 0 ? {} : { ':shares': shares }),
              ':active': 'ACTIVE',
              ':new': 'NEW',
              ':expiredBefore': expiredBefore,
            },
          },
        },
        { Put: { TableName: tableName(), Item: leads.item(referral), ConditionExpression: NEW_ITEM } },
        leadActivity(lead, 'LEAD_SHARED', { sharedWith: [null, referral.orgId] }, after.updatedAt),
        leadActivity(
          referral,
          'LEAD_CREATED',
          {
            status: [null, referral.status],
            companyName: [null, referral.companyName],
            sharedBy: [null, lead.orgId],
          },
          referral.createdAt,
        ),
      ],
      [0],
    );
  },

  claimInvite(lead, nowSeconds, staleBefore, expiredBefore) {
    const read = statusAsRead(lead, expiredBefore);
    return updateIf({
      TableName: tableName(),
      Key: keys.lead(lead.orgId, lead.leadId),
      UpdateExpression: 'SET inviteClaimedAt = :now',
      ConditionExpression: `${read.expression} AND attribute_not_exists(invitationId) AND (attribute_not_exists(inviteClaimedAt) OR inviteClaimedAt < :stale)`,
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':now': nowSeconds, ':stale': staleBefore, ...read.values },
    });
  },

  async releaseInvite(lead, claimedAt) {
    await updateIf({
      TableName: tableName(),
      Key: keys.lead(lead.orgId, lead.leadId),
      UpdateExpression: 'REMOVE inviteClaimedAt',
      ConditionExpression: 'inviteClaimedAt = :claim',
      ExpressionAttributeValues: { ':claim': claimedAt },
    });
  },

  invited(before, after, claimedAt) {
    const invitationId = after.invitationId ?? '';
    return transactWriteIf(
      [
        {
          Update: {
            TableName: tableName(),
            Key: keys.lead(before.orgId, before.leadId),
            UpdateExpression:
              'SET #status = :to, invitationId = :invitation, updatedAt = :at REMOVE inviteClaimedAt',
            ConditionExpression:
              '#status = :read AND inviteClaimedAt = :claim AND attribute_not_exists(invitationId)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':to': after.status,
              ':invitation': invitationId,
              ':at': after.updatedAt,
              ':read': before.status,
              ':claim': claimedAt,
            },
          },
        },
        {
          Put: {
            TableName: tableName(),
            Item: leadInvitations.item({ orgId: before.orgId, leadId: before.leadId, invitationId }),
            ConditionExpression: NEW_ITEM,
          },
        },
        leadActivity(
          after,
          'LEAD_INVITED',
          changesOf(before, after, ['status', 'invitationId']),
          after.updatedAt,
        ),
      ],
      [0],
    );
  },

  async leadOfInvitation(invitationId) {
    const ref = await getRecord(leadInvitations, keys.leadOfInvitation(invitationId));
    return ref ? { orgId: ref.orgId, leadId: ref.leadId } : undefined;
  },
};
