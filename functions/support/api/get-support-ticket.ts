import { loadPrincipal } from '../../identity/principal.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { getSupportTicket } from '../domain/tickets.ts';
import { ticketRoutes as routes } from '../ticket-routes.ts';
import { ticketDeps } from '../ticket-wiring.ts';

export const handler = httpHandler(
  routes.getSupportTicket,
  async ({ principal, params }) => ({
    status: 200,
    body: await getSupportTicket(ticketDeps(), principal, params.ticketId),
  }),
  { loadPrincipal },
);
