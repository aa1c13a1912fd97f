import { identityDeps } from '../adapters/identity.ts';
import { publicUser } from '../domain/identity-model.ts';
import { addUser } from '../domain/users.ts';
import { httpHandler } from '../http/handler.ts';
import { routes } from '../routes.ts';

export const handler = httpHandler(routes.createUser, async ({ principal, body }) => {
  const { user, temporaryPassword } = await addUser(identityDeps, principal, body);
  return {
    status: 201,
    body: { user: publicUser(user), temporaryPassword },
    headers: { 'Cache-Control': 'no-store' },
  };
});
