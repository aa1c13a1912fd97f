import { loadPrincipal } from '../../identity/principal.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { serviceHealth } from '../domain/incidents.ts';
import { ticketRoutes as routes } from '../ticket-routes.ts';
import { incidentDeps } from '../ticket-wiring.ts';

export const handler = httpHandler(
  routes.getServiceHealth,
  async ({ query }) => ({ status: 200, body: await serviceHealth(incidentDeps(), query) }),
  { loadPrincipal },
);
