import { sesMailer } from '../adapters/mail.ts';
import { relationshipDeps } from '../adapters/relationships.ts';
import { inviteReseller } from '../domain/invitations.ts';
import { httpHandler } from '../http/handler.ts';
import { idempotencyKey } from '../http/idempotency.ts';
import { loadPrincipal } from '../http/principal.ts';
import { relationshipRoutes as routes } from '../relationships/routes.ts';

export const handler = httpHandler(
  routes.inviteReseller,
  async ({ principal, body }) => ({
    status: 201,
    body: await inviteReseller(relationshipDeps({ mailer: sesMailer }), principal, body),
  }),
  { loadPrincipal, idempotency: idempotencyKey },
);
