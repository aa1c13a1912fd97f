import { loadPrincipal } from '../../identity/principal.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { listSupportTickets } from '../domain/tickets.ts';
import { ticketRoutes as routes } from '../ticket-routes.ts';
import { ticketDeps } from '../ticket-wiring.ts';

export const handler = httpHandler(
  routes.listSupportTickets,
  async ({ principal, query }) => ({
    status: 200,
    body: await listSupportTickets(ticketDeps(), principal, query),
  }),
  { loadPrincipal },
);
