import { identityDeps } from '../adapters/identity.ts';
import { publicUser } from '../domain/identity-model.ts';
import { listUsers } from '../domain/users.ts';
import { httpHandler } from '../http/handler.ts';
import { loadPrincipal } from '../http/principal.ts';
import { identityRoutes as routes } from '../identity/routes.ts';

export const handler = httpHandler(
  routes.listUsers,
  async ({ principal, query }) => {
    const page = await listUsers(identityDeps(), principal, query.limit, query.cursor);
    return { status: 200, body: { ...page, items: page.items.map(publicUser) } };
  },
  { loadPrincipal },
);
