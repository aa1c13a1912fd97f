import { cognitoDirectory } from '../../identity/directory.ts';
import { loadPrincipal } from '../../identity/principal.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { deleteCustomerUser } from '../domain/users.ts';
import { onBehalfRoutes as routes } from '../routes.ts';
import { customerUserDeps } from '../wiring.ts';

export const handler = httpHandler(
  routes.deleteCustomerUser,
  async ({ principal, params }) => {
    await deleteCustomerUser(
      customerUserDeps({ directory: cognitoDirectory }),
      principal,
      params.customerId,
      params.userId,
    );
    return { status: 204 };
  },
  { loadPrincipal },
);
