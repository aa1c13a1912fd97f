import { httpHandler } from '../../platform/http/handler.ts';
import { publicUser } from '../domain/model.ts';
import { listUsers } from '../domain/users.ts';
import { loadPrincipal } from '../principal.ts';
import { identityRoutes as routes } from '../routes.ts';
import { identityDeps } from '../wiring.ts';

export const handler = httpHandler(
  routes.listUsers,
  async ({ principal, query }) => {
    const page = await listUsers(identityDeps(), principal, query.limit, query.cursor);
    return { status: 200, body: { ...page, items: page.items.map(publicUser) } };
  },
  { loadPrincipal },
);
