import { cognitoDirectory } from '../adapters/directory.ts';
import { identityDeps } from '../adapters/identity.ts';
import { createIndirectProvider } from '../domain/accounts.ts';
import { httpHandler } from '../http/handler.ts';
import { identityRoutes as routes } from '../identity/routes.ts';

export const handler = httpHandler(routes.createIndirectProvider, async ({ body }) => ({
  status: 201,
  body: await createIndirectProvider(identityDeps({ directory: cognitoDirectory }), body),
  headers: { 'Cache-Control': 'no-store' },
}));
