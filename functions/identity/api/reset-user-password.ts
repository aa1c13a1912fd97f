import { httpHandler } from '../../platform/http/handler.ts';
import { cognitoDirectory } from '../directory.ts';
import { resetPassword } from '../domain/users.ts';
import { loadPrincipal } from '../principal.ts';
import { identityRoutes as routes } from '../routes.ts';
import { identityDeps } from '../wiring.ts';

export const handler = httpHandler(
  routes.resetUserPassword,
  async ({ principal, params }) => ({
    status: 200,
    body: await resetPassword(identityDeps({ directory: cognitoDirectory }), principal, params.id),
    headers: { 'Cache-Control': 'no-store' },
  }),
  { loadPrincipal },
);
