import { httpHandler } from '../../platform/http/handler.ts';
import { publicUser } from '../domain/model.ts';
import { userOfOrganization } from '../domain/users.ts';
import { loadPrincipal } from '../principal.ts';
import { identityRoutes as routes } from '../routes.ts';
import { identityDeps } from '../wiring.ts';

export const handler = httpHandler(
  routes.getUser,
  async ({ principal, params }) => ({
    status: 200,
    body: publicUser(await userOfOrganization(identityDeps(), principal, params.id)),
  }),
  { loadPrincipal },
);
