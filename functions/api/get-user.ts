import { identityDeps } from '../adapters/identity.ts';
import { publicUser } from '../domain/identity-model.ts';
import { userOfOrganization } from '../domain/users.ts';
import { httpHandler } from '../http/handler.ts';
import { loadPrincipal } from '../http/principal.ts';
import { identityRoutes as routes } from '../identity/routes.ts';

export const handler = httpHandler(
  routes.getUser,
  async ({ principal, params }) => ({
    status: 200,
    body: publicUser(await userOfOrganization(identityDeps(), principal, params.id)),
  }),
  { loadPrincipal },
);
