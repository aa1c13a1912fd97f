import { relationshipDeps } from '../adapters/relationships.ts';
import { listPartners } from '../domain/invitations.ts';
import { httpHandler } from '../http/handler.ts';
import { loadPrincipal } from '../http/principal.ts';
import { relationshipRoutes as routes } from '../relationships/routes.ts';

export const handler = httpHandler(
  routes.listIndirectResellers,
  async ({ principal, query }) => ({
    status: 200,
    body: await listPartners(relationshipDeps(), principal, 'resellers', query.limit, query.cursor),
  }),
  { loadPrincipal },
);
