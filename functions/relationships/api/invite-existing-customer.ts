import { loadPrincipal } from '../../identity/principal.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { idempotencyKeyOf } from '../../platform/http/idempotency-key.ts';
import { secretLinkTokens } from '../../platform/links/link-secret.ts';
import { sesMailer } from '../../platform/mail/ses.ts';
import { inviteExistingCustomer } from '../domain/existing.ts';
import { relationshipRoutes as routes } from '../routes.ts';
import { relationshipDeps } from '../wiring.ts';

export const handler = httpHandler(
  routes.inviteExistingCustomer,
  async ({ principal, params, body, headers }) => ({
    status: 201,
    body: await inviteExistingCustomer(
      relationshipDeps({ mailer: sesMailer, linkTokens: secretLinkTokens }),
      principal,
      params.customerId,
      body,
      { idempotencyKey: idempotencyKeyOf(headers) },
    ),
    headers: { 'Cache-Control': 'no-store' },
  }),
  { loadPrincipal },
);
