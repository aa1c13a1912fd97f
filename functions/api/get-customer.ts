import { relationshipDeps } from '../adapters/relationships.ts';
import { customerOf } from '../domain/invitations.ts';
import { httpHandler } from '../http/handler.ts';
import { loadPrincipal } from '../http/principal.ts';
import { relationshipRoutes as routes } from '../relationships/routes.ts';

export const handler = httpHandler(
  routes.getCustomer,
  async ({ principal, params }) => ({
    status: 200,
    body: await customerOf(relationshipDeps(), principal, params.id),
  }),
  { loadPrincipal },
);
