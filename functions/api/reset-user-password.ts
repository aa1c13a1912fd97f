import { cognitoDirectory } from '../adapters/directory.ts';
import { identityDeps } from '../adapters/identity.ts';
import { resetPassword } from '../domain/users.ts';
import { httpHandler } from '../http/handler.ts';
import { loadPrincipal } from '../http/principal.ts';
import { identityRoutes as routes } from '../identity/routes.ts';

export const handler = httpHandler(
  routes.resetUserPassword,
  async ({ principal, params }) => ({
    status: 200,
    body: await resetPassword(identityDeps({ directory: cognitoDirectory }), principal, params.id),
    headers: { 'Cache-Control': 'no-store' },
  }),
  { loadPrincipal },
);
