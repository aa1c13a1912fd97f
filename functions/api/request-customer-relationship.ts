import { relationshipDeps } from '../adapters/relationships.ts';
import { requestCustomerRelationship } from '../domain/invitations.ts';
import { httpHandler } from '../http/handler.ts';
import { routes } from '../routes.ts';

export const handler = httpHandler(routes.requestCustomerRelationship, async ({ principal, body }) => ({
  status: 201,
  body: await requestCustomerRelationship(relationshipDeps, principal, body),
  headers: { 'Cache-Control': 'no-store' },
}));
