import { httpHandler } from '../../platform/http/handler.ts';
import { cognitoDirectory } from '../directory.ts';
import { publicUser } from '../domain/model.ts';
import { addUser } from '../domain/users.ts';
import { loadPrincipal } from '../principal.ts';
import { identityRoutes as routes } from '../routes.ts';
import { identityDeps } from '../wiring.ts';

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
