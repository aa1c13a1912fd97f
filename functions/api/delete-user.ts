import { identityDeps } from '../adapters/identity.ts';
import { deleteUser } from '../domain/users.ts';
import { httpHandler } from '../http/handler.ts';
import { routes } from '../routes.ts';

export const handler = httpHandler(routes.deleteUser, async ({ principal, params }) => {
  await deleteUser(identityDeps, principal, params.id);
  return { status: 204 };
});
