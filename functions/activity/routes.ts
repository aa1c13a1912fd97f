import { route } from '../platform/route-spec.ts';
import { listOf } from '../platform/schemas.ts';
import { Activity, ActivityQuery } from './schemas.ts';

/** Activity log: this context's entries of the route table (functions/routes.ts). */
export const activityRoutes = {
  listActivity: route({
    method: 'GET',
    path: '/activity',
    handler: 'activity/api/list-activity',
    auth: 'signed-in',
    permission: 'activity:read',
    summary:
      "The organization's activity log, newest first, 90 days back at most; direction=inbound: what partners did in it",
    request: { query: ActivityQuery },
    response: { status: 200, schema: listOf(Activity) },
    uses: ['table'],
  }),
} as const;
