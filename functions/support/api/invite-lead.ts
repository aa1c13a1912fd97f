import { loadPrincipal } from '../../identity/principal.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { sesMailer } from '../../platform/mail/ses.ts';
import { inviteLead } from '../domain/leads.ts';
import { leadRoutes as routes } from '../lead-routes.ts';
import { leadInviteDeps } from '../lead-wiring.ts';

export const handler = httpHandler(
  routes.inviteLead,
  async ({ principal, params, body }) => ({
    status: 201,
    body: await inviteLead(leadInviteDeps({ mailer: sesMailer }), principal, params.leadId, body),
    // The answer holds the invitation link.
    headers: { 'Cache-Control': 'no-store' },
  }),
  { loadPrincipal },
);
