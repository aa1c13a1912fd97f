import { loadPrincipal } from '../../identity/principal.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { cancelInvitation } from '../domain/invitations.ts';
import { relationshipRoutes as routes } from '../routes.ts';
import { relationshipDeps } from '../wiring.ts';

export const handler = httpHandler(
  routes.cancelInvitation,
  async ({ principal, params }) => ({
    status: 200,
    body: await cancelInvitation(relationshipDeps(), principal, params.id),
  }),
  { loadPrincipal },
);
