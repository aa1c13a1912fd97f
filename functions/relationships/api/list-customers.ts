import { loadPrincipal } from '../../identity/principal.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { listCustomers } from '../domain/invitations.ts';
import { relationshipRoutes as routes } from '../routes.ts';
import { relationshipDeps } from '../wiring.ts';

export const handler = httpHandler(
  routes.listCustomers,
  async ({ principal, query }) => ({
    status: 200,
    body: await listCustomers(relationshipDeps(), principal, query.limit, query.cursor),
  }),
  { loadPrincipal },
);
