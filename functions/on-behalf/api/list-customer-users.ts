import { loadPrincipal } from '../../identity/principal.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { listCustomerUsers } from '../domain/users.ts';
import { onBehalfRoutes as routes } from '../routes.ts';
import { customerUserDeps } from '../wiring.ts';

export const handler = httpHandler(
  routes.listCustomerUsers,
  async ({ principal, params, query }) => ({
    status: 200,
    body: await listCustomerUsers(customerUserDeps(), principal, params.customerId, query),
  }),
  { loadPrincipal },
);
