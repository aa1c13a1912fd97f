import { httpHandler } from '../../platform/http/handler.ts';
import { cognitoDirectory } from '../directory.ts';
import { deleteUser } from '../domain/users.ts';
import { loadPrincipal } from '../principal.ts';
import { identityRoutes as routes } from '../routes.ts';
import { identityDeps } from '../wiring.ts';

export const handler = httpHandler(
  routes.deleteUser,
  async ({ principal, params }) => {
    await deleteUser(identityDeps({ directory: cognitoDirectory }), principal, params.id);
    return { status: 204 };
  },
  { loadPrincipal },
);
