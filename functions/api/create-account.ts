import { cognitoDirectory } from '../adapters/directory.ts';
import { identityDeps } from '../adapters/identity.ts';
import { sesMailer } from '../adapters/mail.ts';
import { createWorkAccount } from '../domain/accounts.ts';
import { httpHandler } from '../http/handler.ts';
import { idempotencyKey } from '../http/idempotency.ts';
import { identityRoutes as routes } from '../identity/routes.ts';

export const handler = httpHandler(
  routes.createAccount,
  async ({ body }) => ({
    status: 201,
    body: await createWorkAccount(identityDeps({ mailer: sesMailer, directory: cognitoDirectory }), body),
  }),
  { idempotency: idempotencyKey },
);
