import { loadPrincipal } from '../../identity/principal.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { listPartners } from '../domain/invitations.ts';
import { relationshipRoutes as routes } from '../routes.ts';
import { relationshipDeps } from '../wiring.ts';

export const handler = httpHandler(
  routes.listIndirectResellers,
  async ({ principal, query }) => ({
    status: 200,
    body: await listPartners(relationshipDeps(), principal, 'resellers', query.limit, query.cursor),
  }),
  { loadPrincipal },
);
