import { relationshipDeps } from '../adapters/relationships.ts';
import { cancelInvitation } from '../domain/invitations.ts';
import { httpHandler } from '../http/handler.ts';
import { loadPrincipal } from '../http/principal.ts';
import { relationshipRoutes as routes } from '../relationships/routes.ts';

export const handler = httpHandler(
  routes.cancelInvitation,
  async ({ principal, params }) => ({
    status: 200,
    body: await cancelInvitation(relationshipDeps(), principal, params.id),
  }),
  { loadPrincipal },
);
