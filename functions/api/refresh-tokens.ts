import { identityDeps } from '../adapters/identity.ts';
import { refreshTokens } from '../domain/accounts.ts';
import { httpHandler } from '../http/handler.ts';
import { routes } from '../routes.ts';

export const handler = httpHandler(routes.refreshTokens, async ({ body }) => ({
  status: 200,
  body: await refreshTokens(identityDeps, body.refreshToken),
}));
