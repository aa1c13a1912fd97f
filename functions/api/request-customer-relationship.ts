import { secretLinkTokens } from '../adapters/link-secret.ts';
import { sesMailer } from '../adapters/mail.ts';
import { relationshipDeps } from '../adapters/relationships.ts';
import { requestCustomerRelationship } from '../domain/invitations.ts';
import { httpHandler } from '../http/handler.ts';
import { idempotencyKeyOf } from '../http/idempotency-key.ts';
import { loadPrincipal } from '../http/principal.ts';
import { relationshipRoutes as routes } from '../relationships/routes.ts';

export const handler = httpHandler(
  routes.requestCustomerRelationship,
  async ({ principal, body, headers }) => ({
    status: 201,
    body: await requestCustomerRelationship(
      relationshipDeps({ mailer: sesMailer, linkTokens: secretLinkTokens }),
      principal,
      body,
      { idempotencyKey: idempotencyKeyOf(headers) },
    ),
    headers: { 'Cache-Control': 'no-store' },
  }),
  { loadPrincipal },
);
