import { randomUUID } from 'node:crypto';
import { type ActivityRecord, type Actor, auditContext } from '../audit.ts';
import { epochSeconds } from '../time.ts';
import { tableName } from './dynamo.ts';
import { entity } from './entity.ts';
import { keys } from './table.ts';

/** The log of operators' platform-wide changes (the partner network directory, the offer catalog). */
export const PLATFORM_LOG = 'PLATFORM';

/** Records are kept 400 days (DynamoDB TTL), and read back 90 days at most. */
export const ACTIVITY_RETENTION_SECONDS = 400 * 86_400;

export const activities = entity<ActivityRecord & { expiresAt: number }>({
  type: 'activity',
  keys: (a) => ({
    ...keys.activity(a.organizationId, a.at, a.activityId),
    ...(a.customerId ? keys.inboundActivity(a.customerId, a.at, a.activityId) : {}),
  }),
});

/** Field names that never go into a record, whatever the change (checked for every record written). */
const SECRET = /password|token|hash|secret|verifier|credential/i;

export type ActivityInput = Pick<
  ActivityRecord,
  'organizationId' | 'operation' | 'resourceType' | 'resourceId'
> & {
  customerId?: string | undefined;
  changes?: Record<string, [unknown, unknown]> | undefined;
  /** When the change happened (the change's own time); now by default. */
  at?: string;
  /** Who did it, when not the request's caller (e.g. the user a public link acts for). */
  actor?: Actor;
  /** A known id, for a record that an undo must find again; random by default. */
  activityId?: string;
};

/** The record of a change, with the actor and request id of the request (or SYSTEM) that makes it. */
export function activityRecord(input: ActivityInput): ActivityRecord & { expiresAt: number } {
  const context = auditContext();
  const at = input.at ?? new Date().toISOString();
  for (const field of Object.keys(input.changes ?? {}))
    if (SECRET.test(field)) throw new Error(`An activity record never holds ${field}`);
  const changes = input.changes && Object.keys(input.changes).length > 0 ? input.changes : undefined;
  return {
    activityId: input.activityId ?? randomUUID(),
    at,
    organizationId: input.organizationId,
    ...(input.customerId ? { customerId: input.customerId } : {}),
    actor: input.actor ?? context.actor,
    operation: input.operation,
    resourceType: input.resourceType,
    resourceId: input.resourceId,
    ...(changes ? { changes } : {}),
    requestId: context.requestId,
    expiresAt: epochSeconds(at) + ACTIVITY_RETENTION_SECONDS,
  };
}

/**
 * The activity record of a change, as one more item of the transaction that makes it: a store
 * adds `recordActivity({ … })` to its TransactItems and the record is written with the change
 * or not at all.
 */
export const recordActivity = (input: ActivityInput) => ({
  Put: { TableName: tableName(), Item: activities.item(activityRecord(input)) },
});

/** The fields among `fields` whose value differs between `before` and `after`, as `{ field: [before, after] }`. */
export function changesOf<T extends object>(
  before: NoInfer<Partial<T>>,
  after: T,
  fields: ReadonlyArray<keyof T & string>,
) {
  const changes: Record<string, [unknown, unknown]> = {};
  for (const field of fields)
    if (before[field] !== after[field]) changes[field] = [before[field] ?? null, after[field] ?? null];
  return changes;
}
