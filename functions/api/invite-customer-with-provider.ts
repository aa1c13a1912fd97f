import { relationshipDeps } from '../adapters/relationships.ts';
import { requestCustomerRelationship } from '../domain/invitations.ts';
import { httpHandler } from '../http/handler.ts';
import { routes } from '../routes.ts';

export const handler = httpHandler(
  routes.inviteCustomerWithProvider,
  async ({ principal, body, params }) => ({
    status: 201,
    body: await requestCustomerRelationship(relationshipDeps, principal, body, params.providerId),
    headers: { 'Cache-Control': 'no-store' },
  }),
);
