import { cognitoDirectory } from '../adapters/directory.ts';
import { identityDeps } from '../adapters/identity.ts';
import { publicUser } from '../domain/identity-model.ts';
import { addUser } from '../domain/users.ts';
import { httpHandler } from '../http/handler.ts';
import { loadPrincipal } from '../http/principal.ts';
import { identityRoutes as routes } from '../identity/routes.ts';

export const handler = httpHandler(
  routes.createUser,
  async ({ principal, body }) => {
    const { user, temporaryPassword } = await addUser(
      identityDeps({ directory: cognitoDirectory }),
      principal,
      body,
    );
    return {
      status: 201,
      body: { user: publicUser(user), temporaryPassword },
      headers: { 'Cache-Control': 'no-store' },
    };
  },
  { loadPrincipal },
);
