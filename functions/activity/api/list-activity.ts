import { loadPrincipal } from '../../identity/principal.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { listActivity } from '../domain/activity.ts';
import { activityRoutes as routes } from '../routes.ts';
import { activityDeps } from '../wiring.ts';

export const handler = httpHandler(
  routes.listActivity,
  async ({ principal, query }) => ({
    status: 200,
    body: await listActivity(activityDeps(), principal, query),
  }),
  { loadPrincipal },
);
