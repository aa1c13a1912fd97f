import { identityDeps } from '../adapters/identity.ts';
import { publicUser } from '../domain/identity-model.ts';
import { updateUser } from '../domain/users.ts';
import { httpHandler } from '../http/handler.ts';
import { loadPrincipal } from '../http/principal.ts';
import { identityRoutes as routes } from '../identity/routes.ts';

export const handler = httpHandler(
  routes.updateUser,
  async ({ principal, params, body }) => ({
    status: 200,
    body: publicUser(await updateUser(identityDeps(), principal, params.id, body)),
  }),
  { loadPrincipal },
);
