import { loadPrincipal } from '../../identity/principal.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { changeUserLicenses } from '../domain/users.ts';
import { onBehalfRoutes as routes } from '../routes.ts';
import { customerUserDeps } from '../wiring.ts';

export const handler = httpHandler(
  routes.changeUserLicenses,
  async ({ principal, params, body }) => ({
    status: 200,
    body: await changeUserLicenses(customerUserDeps(), principal, params.customerId, params.userId, body),
  }),
  { loadPrincipal },
);
