import { activities } from '../platform/data/activity.ts';
import { queryPage } from '../platform/data/query.ts';
import { keys } from '../platform/data/table.ts';
import type { ActivityStore } from './ports.ts';

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
