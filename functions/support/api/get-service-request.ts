import { loadPrincipal } from '../../identity/principal.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { getServiceRequest } from '../domain/tickets.ts';
import { ticketRoutes as routes } from '../ticket-routes.ts';
import { ticketDeps } from '../ticket-wiring.ts';

export const handler = httpHandler(
  routes.getServiceRequest,
  async ({ principal, params }) => ({
    status: 200,
    body: await getServiceRequest(ticketDeps(), principal, params.customerId, params.ticketId),
  }),
  { loadPrincipal },
);
