import { loadPrincipal } from '../../identity/principal.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { listDeliveries } from '../domain/webhooks.ts';
import { activityRoutes as routes } from '../routes.ts';
import { webhookDeps } from '../wiring.ts';

export const handler = httpHandler(
  routes.listDeliveries,
  async ({ principal, params, query }) => ({
    status: 200,
    body: await listDeliveries(webhookDeps(), principal, params.id, query.limit, query.cursor),
  }),
  { loadPrincipal },
);
