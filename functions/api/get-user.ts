import { identityDeps } from '../adapters/identity.ts';
import { publicUser } from '../domain/identity-model.ts';
import { userOfOrganization } from '../domain/users.ts';
import { httpHandler } from '../http/handler.ts';
import { routes } from '../routes.ts';

export const handler = httpHandler(routes.getUser, async ({ principal, params }) => ({
  status: 200,
  body: publicUser(await userOfOrganization(identityDeps, principal, params.id)),
}));
