import { cognitoDirectory } from '../adapters/directory.ts';
import { identityDeps } from '../adapters/identity.ts';
import { deleteUser } from '../domain/users.ts';
import { httpHandler } from '../http/handler.ts';
import { loadPrincipal } from '../http/principal.ts';
import { identityRoutes as routes } from '../identity/routes.ts';

export const handler = httpHandler(
  routes.deleteUser,
  async ({ principal, params }) => {
    await deleteUser(identityDeps({ directory: cognitoDirectory }), principal, params.id);
    return { status: 204 };
  },
  { loadPrincipal },
);
