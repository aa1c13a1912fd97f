import { relationshipDeps } from '../adapters/relationships.ts';
import { listCustomers } from '../domain/invitations.ts';
import { httpHandler } from '../http/handler.ts';
import { loadPrincipal } from '../http/principal.ts';
import { relationshipRoutes as routes } from '../relationships/routes.ts';

export const handler = httpHandler(
  routes.listCustomers,
  async ({ principal, query }) => ({
    status: 200,
    body: await listCustomers(relationshipDeps(), principal, query.limit, query.cursor),
  }),
  { loadPrincipal },
);
