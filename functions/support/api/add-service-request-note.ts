import { loadPrincipal } from '../../identity/principal.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { addServiceRequestNote } from '../domain/tickets.ts';
import { ticketRoutes as routes } from '../ticket-routes.ts';
import { ticketDeps } from '../ticket-wiring.ts';

export const handler = httpHandler(
  routes.addServiceRequestNote,
  async ({ principal, params, body }) => ({
    status: 200,
    body: await addServiceRequestNote(ticketDeps(), principal, params.customerId, params.ticketId, body),
  }),
  { loadPrincipal },
);
