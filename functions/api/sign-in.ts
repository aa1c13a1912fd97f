import { identityDeps } from '../adapters/identity.ts';
import { signIn } from '../domain/accounts.ts';
import { httpHandler } from '../http/handler.ts';
import { routes } from '../routes.ts';

export const handler = httpHandler(routes.signIn, async ({ body }) => ({
  status: 200,
  body: await signIn(identityDeps, body.email, body.password),
}));
