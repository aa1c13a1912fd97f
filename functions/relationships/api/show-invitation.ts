import { httpHandler } from '../../platform/http/handler.ts';
import { linkPage } from '../../platform/pages/results.ts';
import { viewInvitation } from '../domain/invitations.ts';
import { invitationPage } from '../pages/invitation.ts';
import { relationshipRoutes as routes } from '../routes.ts';
import { relationshipDeps } from '../wiring.ts';

export const handler = httpHandler(routes.showInvitation, ({ query }) =>
  linkPage(query.token, async (token) =>
    invitationPage(token, await viewInvitation(relationshipDeps(), token)),
  ),
);
