import { identityDeps } from '../adapters/identity.ts';
import { publicUser } from '../domain/identity-model.ts';
import { updateUser } from '../domain/users.ts';
import { httpHandler } from '../http/handler.ts';
import { routes } from '../routes.ts';

export const handler = httpHandler(routes.updateUser, async ({ principal, params, body }) => ({
  status: 200,
  body: publicUser(await updateUser(identityDeps, principal, params.id, body)),
}));
