import { linkPrincipal } from '../../identity/link-principal.ts';
import { schedulerTimers } from '../../platform/events/timers.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { asPageWhenForm } from '../../platform/pages/results.ts';
import { answerAdminRelationship } from '../domain/relationships.ts';
import type { AdminRelationshipTimer } from '../domain/terms.ts';
import { answeredPage } from '../pages/approval.ts';
import { onBehalfRoutes as routes } from '../routes.ts';
import { ADMIN_RELATIONSHIP_TERMS, onBehalfDeps } from '../wiring.ts';

export const handler = httpHandler(routes.approveAdminRelationship, ({ body, headers }) =>
  asPageWhenForm(
    headers,
    async () =>
      answerAdminRelationship(
        onBehalfDeps({ timers: schedulerTimers<AdminRelationshipTimer>(ADMIN_RELATIONSHIP_TERMS) }),
        body.token,
        await linkPrincipal(headers, body),
        'APPROVE',
      ),
    ({ status, relationship }) => answeredPage(status, relationship),
    ({ status, relationshipId }) => ({ status, relationshipId }),
  ),
);
