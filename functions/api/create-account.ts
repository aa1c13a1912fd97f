import { identityDeps } from '../adapters/identity.ts';
import { createWorkAccount } from '../domain/accounts.ts';
import { httpHandler } from '../http/handler.ts';
import { routes } from '../routes.ts';

export const handler = httpHandler(routes.createAccount, async ({ body }) => ({
  status: 201,
  body: await createWorkAccount(identityDeps, body),
}));
