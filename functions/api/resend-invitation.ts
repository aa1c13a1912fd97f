import { sesMailer } from '../adapters/mail.ts';
import { relationshipDeps } from '../adapters/relationships.ts';
import { resendInvitation } from '../domain/invitations.ts';
import { httpHandler } from '../http/handler.ts';
import { loadPrincipal } from '../http/principal.ts';
import { relationshipRoutes as routes } from '../relationships/routes.ts';

export const handler = httpHandler(
  routes.resendInvitation,
  async ({ principal, params }) => ({
    status: 200,
    body: await resendInvitation(relationshipDeps({ mailer: sesMailer }), principal, params.id),
    headers: { 'Cache-Control': 'no-store' },
  }),
  { loadPrincipal },
);
