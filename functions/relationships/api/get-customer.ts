import { loadPrincipal } from '../../identity/principal.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { customerOf } from '../domain/invitations.ts';
import { relationshipRoutes as routes } from '../routes.ts';
import { relationshipDeps } from '../wiring.ts';

export const handler = httpHandler(
  routes.getCustomer,
  async ({ principal, params }) => ({
    status: 200,
    body: await customerOf(relationshipDeps(), principal, params.customerId),
  }),
  { loadPrincipal },
);
