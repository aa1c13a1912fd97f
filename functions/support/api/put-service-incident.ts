import { httpHandler } from '../../platform/http/handler.ts';
import { putIncident } from '../domain/incidents.ts';
import { ticketRoutes as routes } from '../ticket-routes.ts';
import { incidentDeps } from '../ticket-wiring.ts';

export const handler = httpHandler(routes.putServiceIncident, async ({ params, body }) => ({
  status: 200,
  body: await putIncident(incidentDeps(), params.incidentId, body),
}));
