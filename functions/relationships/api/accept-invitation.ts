import { linkPrincipal } from '../../identity/link-principal.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { asPageWhenForm } from '../../platform/pages/results.ts';
import { acceptInvitation } from '../domain/invitations.ts';
import { answeredPage } from '../pages/invitation.ts';
import { relationshipRoutes as routes } from '../routes.ts';
import { relationshipDeps } from '../wiring.ts';

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
