import { relationshipDeps } from '../adapters/relationships.ts';
import { acceptInvitation } from '../domain/invitations.ts';
import { httpHandler } from '../http/handler.ts';
import { linkPrincipal } from '../http/link-principal.ts';
import { answeredPage } from '../pages/invitation.ts';
import { asPageWhenForm } from '../pages/results.ts';
import { relationshipRoutes as routes } from '../relationships/routes.ts';

export const handler = httpHandler(routes.acceptInvitation, ({ body, headers }) =>
  asPageWhenForm(
    headers,
    async () => {
      const actor = await linkPrincipal(headers, body);
      const { status, invitationId, invitation } = await acceptInvitation(
        relationshipDeps(),
        body.token,
        actor,
        body.authorize,
      );
      return { status, invitationId, invitation };
    },
    ({ invitation }) => answeredPage('ACCEPTED', invitation),
    ({ status, invitationId }) => ({ status, invitationId }),
  ),
);
