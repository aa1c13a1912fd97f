import { loadPrincipal } from '../../identity/principal.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { idempotencyKey } from '../../platform/http/idempotency.ts';
import { createSupportTicket } from '../domain/tickets.ts';
import { ticketRoutes as routes } from '../ticket-routes.ts';
import { ticketDeps } from '../ticket-wiring.ts';

export const handler = httpHandler(
  routes.createSupportTicket,
  async ({ principal, body }) => ({
    status: 201,
    body: await createSupportTicket(ticketDeps(), principal, body),
  }),
  { loadPrincipal, idempotency: idempotencyKey },
);
