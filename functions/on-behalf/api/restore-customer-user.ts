import { cognitoDirectory } from '../../identity/directory.ts';
import { loadPrincipal } from '../../identity/principal.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { restoreCustomerUser } from '../domain/users.ts';
import { onBehalfRoutes as routes } from '../routes.ts';
import { customerUserDeps } from '../wiring.ts';

export const handler = httpHandler(
  routes.restoreCustomerUser,
  async ({ principal, params }) => ({
    status: 200,
    body: await restoreCustomerUser(
      customerUserDeps({ directory: cognitoDirectory }),
      principal,
      params.customerId,
      params.userId,
    ),
  }),
  { loadPrincipal },
);
