import { httpHandler } from '../../platform/http/handler.ts';
import { idempotencyKey } from '../../platform/http/idempotency.ts';
import { sesMailer } from '../../platform/mail/ses.ts';
import { cognitoDirectory } from '../directory.ts';
import { createWorkAccount } from '../domain/accounts.ts';
import { identityRoutes as routes } from '../routes.ts';
import { identityDeps } from '../wiring.ts';

export const handler = httpHandler(
  routes.createAccount,
  async ({ body }) => ({
    status: 201,
    body: await createWorkAccount(identityDeps({ mailer: sesMailer, directory: cognitoDirectory }), body),
  }),
  { idempotency: idempotencyKey },
);
