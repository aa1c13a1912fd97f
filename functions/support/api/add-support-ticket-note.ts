import { loadPrincipal } from '../../identity/principal.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { addSupportTicketNote } from '../domain/tickets.ts';
import { ticketRoutes as routes } from '../ticket-routes.ts';
import { ticketDeps } from '../ticket-wiring.ts';

export const handler = httpHandler(
  routes.addSupportTicketNote,
  async ({ principal, params, body }) => ({
    status: 200,
    body: await addSupportTicketNote(ticketDeps(), principal, params.ticketId, body),
  }),
  { loadPrincipal },
);
