import { relationshipDeps } from '../adapters/relationships.ts';
import { inviteReseller } from '../domain/invitations.ts';
import { httpHandler } from '../http/handler.ts';
import { routes } from '../routes.ts';

export const handler = httpHandler(routes.inviteReseller, async ({ principal, body }) => ({
  status: 201,
  body: await inviteReseller(relationshipDeps, principal, body),
}));
