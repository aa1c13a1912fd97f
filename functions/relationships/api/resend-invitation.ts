import { loadPrincipal } from '../../identity/principal.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { sesMailer } from '../../platform/mail/ses.ts';
import { resendInvitation } from '../domain/invitations.ts';
import { relationshipRoutes as routes } from '../routes.ts';
import { relationshipDeps } from '../wiring.ts';

export const handler = httpHandler(
  routes.resendInvitation,
  async ({ principal, params }) => ({
    status: 200,
    body: await resendInvitation(relationshipDeps({ mailer: sesMailer }), principal, params.id),
    headers: { 'Cache-Control': 'no-store' },
  }),
  { loadPrincipal },
);
