import { relationshipDeps } from '../adapters/relationships.ts';
import { resendInvitation } from '../domain/invitations.ts';
import { httpHandler } from '../http/handler.ts';
import { routes } from '../routes.ts';

export const handler = httpHandler(routes.resendInvitation, async ({ principal, params }) => ({
  status: 200,
  body: await resendInvitation(relationshipDeps, principal, params.id),
  headers: { 'Cache-Control': 'no-store' },
}));
