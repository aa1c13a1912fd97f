import { relationshipDeps } from '../adapters/relationships.ts';
import { listCustomers } from '../domain/invitations.ts';
import { httpHandler } from '../http/handler.ts';
import { routes } from '../routes.ts';

export const handler = httpHandler(routes.listCustomers, async ({ principal, query }) => ({
  status: 200,
  body: await listCustomers(relationshipDeps, principal, query.limit, query.cursor),
}));
