import { loadPrincipal } from '../../identity/principal.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { listServiceRequests } from '../domain/tickets.ts';
import { ticketRoutes as routes } from '../ticket-routes.ts';
import { ticketDeps } from '../ticket-wiring.ts';

export const handler = httpHandler(
  routes.listServiceRequests,
  async ({ principal, params, query }) => ({
    status: 200,
    body: await listServiceRequests(ticketDeps(), principal, params.customerId, query),
  }),
  { loadPrincipal },
);
