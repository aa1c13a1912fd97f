import { relationshipDeps } from '../adapters/relationships.ts';
import { declineInvitation } from '../domain/invitations.ts';
import { httpHandler } from '../http/handler.ts';
import { linkPrincipal } from '../http/link-principal.ts';
import { answeredPage } from '../pages/invitation.ts';
import { asPageWhenForm } from '../pages/results.ts';
import { relationshipRoutes as routes } from '../relationships/routes.ts';

export const handler = httpHandler(routes.declineInvitation, ({ body, headers }) =>
  asPageWhenForm(
    headers,
    async () => declineInvitation(relationshipDeps(), body.token, await linkPrincipal(headers, body)),
    ({ invitation }) => answeredPage('DECLINED', invitation),
    ({ status, invitationId }) => ({ status, invitationId }),
  ),
);
