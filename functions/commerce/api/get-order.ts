import { loadPrincipal } from '../../identity/principal.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { getOrder } from '../domain/orders.ts';
import { commerceRoutes as routes } from '../routes.ts';
import { commerceDeps } from '../wiring.ts';

export const handler = httpHandler(
  routes.getOrder,
  async ({ principal, params }) => ({
    status: 200,
    body: await getOrder(commerceDeps(), principal, params.customerId, params.orderId),
  }),
  { loadPrincipal },
);
