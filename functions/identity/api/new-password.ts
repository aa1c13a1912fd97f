import { httpHandler } from '../../platform/http/handler.ts';
import { cognitoDirectory } from '../directory.ts';
import { completeNewPassword } from '../domain/accounts.ts';
import { identityRoutes as routes } from '../routes.ts';
import { identityDeps } from '../wiring.ts';

export const handler = httpHandler(routes.newPassword, async ({ body }) => ({
  status: 200,
  body: await completeNewPassword(
    identityDeps({ directory: cognitoDirectory }),
    body.email,
    body.session,
    body.newPassword,
  ),
}));
