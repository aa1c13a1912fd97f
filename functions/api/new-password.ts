import { cognitoDirectory } from '../adapters/directory.ts';
import { identityDeps } from '../adapters/identity.ts';
import { completeNewPassword } from '../domain/accounts.ts';
import { httpHandler } from '../http/handler.ts';
import { identityRoutes as routes } from '../identity/routes.ts';

export const handler = httpHandler(routes.newPassword, async ({ body }) => ({
  status: 200,
  body: await completeNewPassword(
    identityDeps({ directory: cognitoDirectory }),
    body.email,
    body.session,
    body.newPassword,
  ),
}));
