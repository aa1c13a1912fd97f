import { loadPrincipal } from '../../identity/principal.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { getCustomerUser } from '../domain/users.ts';
import { onBehalfRoutes as routes } from '../routes.ts';
import { customerUserDeps } from '../wiring.ts';

export const handler = httpHandler(
  routes.getCustomerUser,
  async ({ principal, params }) => ({
    status: 200,
    body: await getCustomerUser(customerUserDeps(), principal, params.customerId, params.userId),
  }),
  { loadPrincipal },
);
