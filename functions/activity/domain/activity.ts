import type { ActivityRecord } from '../../platform/audit.ts';
import { DomainError } from '../../platform/errors.ts';
import type { Clock, Page } from '../../platform/ports.ts';
import type { Roles } from '../../platform/roles.ts';
import type { ActivityStore } from '../ports.ts';

export interface ActivityDeps {
  activities: ActivityStore;
  clock: Clock;
}

/** How far back the log reads (records are kept longer, 400 days, for support). */
export const ACTIVITY_WINDOW_DAYS = 90;
const DAY_MS = 86_400_000;

export interface ActivityFilter {
  direction?: 'outbound' | 'inbound' | undefined;
  from?: string | undefined;
  to?: string | undefined;
  resourceType?: string | undefined;
  customerId?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

/**
 * GET /activity: the caller's organization's log, newest first, at most 90 days back; or, for a
 * global admin (`direction=inbound`), what partners did in the caller's organization.
 */
export async function listActivity(
  deps: ActivityDeps,
  caller: { user: Roles & { orgId: string } },
  filter: ActivityFilter,
): Promise<Page<ActivityRecord>> {
  const now = deps.clock.now();
  const oldest = new Date(now.getTime() - ACTIVITY_WINDOW_DAYS * DAY_MS);
  const from = filter.from ? new Date(filter.from) : oldest;
  const to = filter.to ? new Date(filter.to) : now;
  if (from < oldest)
    throw new DomainError(
      'VALIDATION_FAILED',
      `The activity log reads ${ACTIVITY_WINDOW_DAYS} days back at most; send a "from" after ${oldest.toISOString()}.`,
      { errors: [{ path: 'query.from', message: `must be within the last ${ACTIVITY_WINDOW_DAYS} days` }] },
    );
  if (to < from)
    throw new DomainError('VALIDATION_FAILED', 'The window ends before it starts; send "to" after "from".', {
      errors: [{ path: 'query.to', message: 'must not be before from' }],
    });
  const direction = filter.direction ?? 'outbound';
  if (direction === 'inbound' && caller.user.adminRole !== 'GLOBAL_ADMIN')
    throw new DomainError(
      'FORBIDDEN',
      'Only a global admin of your organization can read what partners did in it.',
    );
  return deps.activities.list({
    direction,
    organizationId: caller.user.orgId,
    from: from.toISOString(),
    to: to.toISOString(),
    resourceType: filter.resourceType,
    customerId: filter.customerId,
    limit: filter.limit,
    cursor: filter.cursor,
  });
}
