import { loadPrincipal } from '../../identity/principal.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { listSubscriptions } from '../domain/subscriptions.ts';
import { commerceRoutes as routes } from '../routes.ts';
import { commerceDeps } from '../wiring.ts';

export const handler = httpHandler(
  routes.listSubscriptions,
  async ({ principal, params, query }) => ({
    status: 200,
    body: await listSubscriptions(commerceDeps(), principal, params.customerId, query),
  }),
  { loadPrincipal },
);
