import { cognitoDirectory } from '../../identity/directory.ts';
import { loadPrincipal } from '../../identity/principal.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { createCustomerUser } from '../domain/users.ts';
import { onBehalfRoutes as routes } from '../routes.ts';
import { customerUserDeps } from '../wiring.ts';

export const handler = httpHandler(
  routes.createCustomerUser,
  async ({ principal, params, body }) => ({
    status: 201,
    body: await createCustomerUser(
      customerUserDeps({ directory: cognitoDirectory }),
      principal,
      params.customerId,
      body,
    ),
    // The temporary password is shown once: no cache keeps it.
    headers: { 'Cache-Control': 'no-store' },
  }),
  { loadPrincipal },
);
