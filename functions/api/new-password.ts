import { identityDeps } from '../adapters/identity.ts';
import { completeNewPassword } from '../domain/accounts.ts';
import { httpHandler } from '../http/handler.ts';
import { routes } from '../routes.ts';

export const handler = httpHandler(routes.newPassword, async ({ body }) => ({
  status: 200,
  body: await completeNewPassword(identityDeps, body.email, body.session, body.newPassword),
}));
