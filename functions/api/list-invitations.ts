import { relationshipDeps } from '../adapters/relationships.ts';
import { listInvitations } from '../domain/invitations.ts';
import { publicInvitation } from '../domain/relationship-model.ts';
import { httpHandler } from '../http/handler.ts';
import { loadPrincipal } from '../http/principal.ts';
import { relationshipRoutes as routes } from '../relationships/routes.ts';

export const handler = httpHandler(
  routes.listInvitations,
  async ({ principal, query }) => {
    const page = await listInvitations(
      relationshipDeps(),
      principal,
      query.direction,
      query.status,
      query.limit,
      query.cursor,
    );
    const now = new Date();
    return { status: 200, body: { ...page, items: page.items.map((i) => publicInvitation(i, now)) } };
  },
  { loadPrincipal },
);
