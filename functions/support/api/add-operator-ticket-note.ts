import { httpHandler } from '../../platform/http/handler.ts';
import { sesMailer } from '../../platform/mail/ses.ts';
import { addOperatorNote } from '../domain/tickets.ts';
import { ticketRoutes as routes } from '../ticket-routes.ts';
import { ticketDeps } from '../ticket-wiring.ts';

export const handler = httpHandler(routes.addOperatorTicketNote, async ({ params, body }) => ({
  status: 200,
  body: await addOperatorNote(ticketDeps({ mailer: sesMailer }), params.ticketId, body),
}));
