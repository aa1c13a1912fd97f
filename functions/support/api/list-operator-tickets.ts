import { httpHandler } from '../../platform/http/handler.ts';
import { listOperatorTickets } from '../domain/tickets.ts';
import { ticketRoutes as routes } from '../ticket-routes.ts';
import { ticketDeps } from '../ticket-wiring.ts';

export const handler = httpHandler(routes.listOperatorTickets, async ({ query }) => ({
  status: 200,
  body: await listOperatorTickets(ticketDeps(), query),
}));
