import { loadPrincipal } from '../../identity/principal.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { sesMailer } from '../../platform/mail/ses.ts';
import { shareLead } from '../domain/leads.ts';
import { leadRoutes as routes } from '../lead-routes.ts';
import { leadDeps } from '../lead-wiring.ts';

export const handler = httpHandler(
  routes.shareLead,
  async ({ principal, params, body }) => ({
    status: 200,
    body: await shareLead(leadDeps({ mailer: sesMailer }), principal, params.leadId, body),
  }),
  { loadPrincipal },
);
