import { relationshipDeps } from '../adapters/relationships.ts';
import { viewInvitation } from '../domain/invitations.ts';
import { httpHandler } from '../http/handler.ts';
import { invitationPage } from '../pages/invitation.ts';
import { linkPage } from '../pages/results.ts';
import { relationshipRoutes as routes } from '../relationships/routes.ts';

export const handler = httpHandler(routes.showInvitation, ({ query }) =>
  linkPage(query.token, async (token) =>
    invitationPage(token, await viewInvitation(relationshipDeps(), token)),
  ),
);
