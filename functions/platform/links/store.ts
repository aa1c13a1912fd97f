import { tableName } from '../data/dynamo.ts';
import { entity } from '../data/entity.ts';
import { getRecord } from '../data/query.ts';
import { keys } from '../data/table.ts';
import type { LinkStore } from '../ports.ts';
import type { LinkRecord } from './links.ts';

/** Emailed links of every kind: one item per link, keyed by the hash of its token. */
export const links = entity<LinkRecord>({ type: 'link', keys: (l) => keys.link(l.tokenHash) });

/** The one reader of links, for every context. */
export const linkStore: LinkStore = {
  getLink: (tokenHash) => getRecord(links, keys.link(tokenHash)),
};

/**
 * A link's writes, as items of the transaction that makes the change the link belongs to
 * (an account with its verification link, an invitation with its own).
 */
export const linkWrites = {
  create: (link: LinkRecord) => ({
    Put: { TableName: tableName(), Item: links.item(link), ConditionExpression: 'attribute_not_exists(pk)' },
  }),
  delete: (tokenHash: string) => ({ Delete: { TableName: tableName(), Key: keys.link(tokenHash) } }),
  /** Marks the link used; fails (to LINK_USED) when it was used, or replaced by a newer one, meanwhile. */
  consume: (tokenHash: string, at: string) => ({
    Update: {
      TableName: tableName(),
      Key: keys.link(tokenHash),
      UpdateExpression: 'SET usedAt = :at',
      ConditionExpression:
        'attribute_exists(pk) AND attribute_not_exists(usedAt) AND attribute_not_exists(supersededAt)',
      ExpressionAttributeValues: { ':at': at },
    },
  }),
  /** A newer link replaced this one: it answers LINK_INVALID from now on. */
  supersede: (tokenHash: string, at: string) => ({
    Update: {
      TableName: tableName(),
      Key: keys.link(tokenHash),
      UpdateExpression: 'SET supersededAt = :at',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':at': at },
    },
  }),
};
