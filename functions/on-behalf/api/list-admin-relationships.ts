import { loadPrincipal } from '../../identity/principal.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { listAdminRelationships } from '../domain/relationships.ts';
import { onBehalfRoutes as routes } from '../routes.ts';
import { onBehalfDeps } from '../wiring.ts';

export const handler = httpHandler(
  routes.listAdminRelationships,
  async ({ principal, query }) => ({
    status: 200,
    body: await listAdminRelationships(onBehalfDeps(), principal, query),
  }),
  { loadPrincipal },
);
