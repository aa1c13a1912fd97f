import { identityDeps } from '../adapters/identity.ts';
import { createIndirectProvider } from '../domain/accounts.ts';
import { httpHandler } from '../http/handler.ts';
import { routes } from '../routes.ts';

export const handler = httpHandler(routes.createIndirectProvider, async ({ body }) => ({
  status: 201,
  body: await createIndirectProvider(identityDeps, body),
  headers: { 'Cache-Control': 'no-store' },
}));
