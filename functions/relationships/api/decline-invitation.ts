import { linkPrincipal } from '../../identity/link-principal.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { asPageWhenForm } from '../../platform/pages/results.ts';
import { declineInvitation } from '../domain/invitations.ts';
import { answeredPage } from '../pages/invitation.ts';
import { relationshipRoutes as routes } from '../routes.ts';
import { relationshipDeps } from '../wiring.ts';

export const handler = httpHandler(routes.declineInvitation, ({ body, headers }) =>
  asPageWhenForm(
    headers,
    async () => declineInvitation(relationshipDeps(), body.token, await linkPrincipal(headers, body)),
    ({ invitation }) => answeredPage('DECLINED', invitation),
    ({ status, invitationId }) => ({ status, invitationId }),
  ),
);
