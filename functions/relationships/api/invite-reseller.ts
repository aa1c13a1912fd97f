import { loadPrincipal } from '../../identity/principal.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { idempotencyKey } from '../../platform/http/idempotency.ts';
import { sesMailer } from '../../platform/mail/ses.ts';
import { inviteReseller } from '../domain/invitations.ts';
import { relationshipRoutes as routes } from '../routes.ts';
import { relationshipDeps } from '../wiring.ts';

export const handler = httpHandler(
  routes.inviteReseller,
  async ({ principal, body }) => ({
    status: 201,
    body: await inviteReseller(relationshipDeps({ mailer: sesMailer }), principal, body),
  }),
  { loadPrincipal, idempotency: idempotencyKey },
);
