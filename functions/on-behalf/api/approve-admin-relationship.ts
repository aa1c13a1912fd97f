import { linkPrincipal } from '../../identity/link-principal.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { asPageWhenForm } from '../../platform/pages/results.ts';
import { answerAdminRelationship } from '../domain/relationships.ts';
import { answeredPage } from '../pages/approval.ts';
import { onBehalfRoutes as routes } from '../routes.ts';
import { onBehalfDeps } from '../wiring.ts';

export const handler = httpHandler(routes.approveAdminRelationship, ({ body, headers }) =>
  asPageWhenForm(
    headers,
    async () =>
      answerAdminRelationship(onBehalfDeps(), body.token, await linkPrincipal(headers, body), 'APPROVE'),
    ({ status, relationship }) => answeredPage(status, relationship),
    ({ status, relationshipId }) => ({ status, relationshipId }),
  ),
);
