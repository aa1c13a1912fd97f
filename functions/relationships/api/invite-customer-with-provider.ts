import { loadPrincipal } from '../../identity/principal.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { idempotencyKeyOf } from '../../platform/http/idempotency-key.ts';
import { secretLinkTokens } from '../../platform/links/link-secret.ts';
import { sesMailer } from '../../platform/mail/ses.ts';
import { requestCustomerRelationship } from '../domain/invitations.ts';
import { relationshipRoutes as routes } from '../routes.ts';
import { relationshipDeps } from '../wiring.ts';

export const handler = httpHandler(
  routes.inviteCustomerWithProvider,
  async ({ principal, body, params, headers }) => ({
    status: 201,
    body: await requestCustomerRelationship(
      relationshipDeps({ mailer: sesMailer, linkTokens: secretLinkTokens }),
      principal,
      body,
      { providerId: params.providerId, idempotencyKey: idempotencyKeyOf(headers) },
    ),
    headers: { 'Cache-Control': 'no-store' },
  }),
  { loadPrincipal },
);
