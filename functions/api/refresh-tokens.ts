import { cognitoDirectory } from '../adapters/directory.ts';
import { refreshTokens } from '../domain/accounts.ts';
import { httpHandler } from '../http/handler.ts';
import { identityRoutes as routes } from '../identity/routes.ts';

export const handler = httpHandler(routes.refreshTokens, async ({ body }) => ({
  status: 200,
  body: await refreshTokens({ directory: cognitoDirectory }, body.refreshToken),
}));
