import { loadPrincipal } from '../../identity/principal.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { idempotencyKey } from '../../platform/http/idempotency.ts';
import { createServiceRequest } from '../domain/tickets.ts';
import { ticketRoutes as routes } from '../ticket-routes.ts';
import { ticketDeps } from '../ticket-wiring.ts';

export const handler = httpHandler(
  routes.createServiceRequest,
  async ({ principal, params, body }) => ({
    status: 201,
    body: await createServiceRequest(ticketDeps(), principal, params.customerId, body),
  }),
  { loadPrincipal, idempotency: idempotencyKey },
);
