import { httpHandler } from '../../platform/http/handler.ts';
import { cognitoDirectory } from '../directory.ts';
import { createIndirectProvider } from '../domain/accounts.ts';
import { identityRoutes as routes } from '../routes.ts';
import { identityDeps } from '../wiring.ts';

export const handler = httpHandler(routes.createIndirectProvider, async ({ body }) => ({
  status: 201,
  body: await createIndirectProvider(identityDeps({ directory: cognitoDirectory }), body),
  headers: { 'Cache-Control': 'no-store' },
}));
