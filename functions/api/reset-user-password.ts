import { identityDeps } from '../adapters/identity.ts';
import { resetPassword } from '../domain/users.ts';
import { httpHandler } from '../http/handler.ts';
import { routes } from '../routes.ts';

export const handler = httpHandler(routes.resetUserPassword, async ({ principal, params }) => ({
  status: 200,
  body: await resetPassword(identityDeps, principal, params.id),
  headers: { 'Cache-Control': 'no-store' },
}));
