import { httpHandler } from '../../platform/http/handler.ts';
import { cognitoDirectory } from '../directory.ts';
import { signIn } from '../domain/accounts.ts';
import { identityRoutes as routes } from '../routes.ts';
import { identityDeps } from '../wiring.ts';

export const handler = httpHandler(routes.signIn, async ({ body }) => ({
  status: 200,
  body: await signIn(identityDeps({ directory: cognitoDirectory }), body.email, body.password),
}));
