import { loadPrincipal } from '../../identity/principal.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { getAdminRelationship } from '../domain/relationships.ts';
import { onBehalfRoutes as routes } from '../routes.ts';
import { onBehalfDeps } from '../wiring.ts';

export const handler = httpHandler(
  routes.getAdminRelationship,
  async ({ principal, params }) => ({
    status: 200,
    body: await getAdminRelationship(onBehalfDeps(), principal, params.id),
  }),
  { loadPrincipal },
);
