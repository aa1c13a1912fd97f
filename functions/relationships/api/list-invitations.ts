import { loadPrincipal } from '../../identity/principal.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { listInvitations } from '../domain/invitations.ts';
import { publicInvitation } from '../domain/model.ts';
import { relationshipRoutes as routes } from '../routes.ts';
import { relationshipDeps } from '../wiring.ts';

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
