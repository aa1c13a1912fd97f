import { cognitoDirectory } from '../adapters/directory.ts';
import { identityDeps } from '../adapters/identity.ts';
import { signIn } from '../domain/accounts.ts';
import { httpHandler } from '../http/handler.ts';
import { identityRoutes as routes } from '../identity/routes.ts';

export const handler = httpHandler(routes.signIn, async ({ body }) => ({
  status: 200,
  body: await signIn(identityDeps({ directory: cognitoDirectory }), body.email, body.password),
}));
