import { httpHandler } from '../../platform/http/handler.ts';
import { publicUser } from '../domain/model.ts';
import { updateUser } from '../domain/users.ts';
import { loadPrincipal } from '../principal.ts';
import { identityRoutes as routes } from '../routes.ts';
import { identityDeps } from '../wiring.ts';

export const handler = httpHandler(
  routes.updateUser,
  async ({ principal, params, body }) => ({
    status: 200,
    body: publicUser(await updateUser(identityDeps(), principal, params.id, body)),
  }),
  { loadPrincipal },
);
