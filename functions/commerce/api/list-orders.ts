import { loadPrincipal } from '../../identity/principal.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { listOrders } from '../domain/orders.ts';
import { commerceRoutes as routes } from '../routes.ts';
import { commerceDeps } from '../wiring.ts';

export const handler = httpHandler(
  routes.listOrders,
  async ({ principal, params, query }) => ({
    status: 200,
    body: await listOrders(commerceDeps(), principal, params.customerId, query),
  }),
  { loadPrincipal },
);
