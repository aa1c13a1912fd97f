import { httpHandler } from '../../platform/http/handler.ts';
import { cognitoDirectory } from '../directory.ts';
import { refreshTokens } from '../domain/accounts.ts';
import { identityRoutes as routes } from '../routes.ts';

export const handler = httpHandler(routes.refreshTokens, async ({ body }) => ({
  status: 200,
  body: await refreshTokens({ directory: cognitoDirectory }, body.refreshToken),
}));
