import { loadPrincipal } from '../../identity/principal.ts';
import { schedulerTimers } from '../../platform/events/timers.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { sesMailer } from '../../platform/mail/ses.ts';
import { requestAdminRelationship } from '../domain/relationships.ts';
import type { AdminRelationshipTimer } from '../domain/terms.ts';
import { onBehalfRoutes as routes } from '../routes.ts';
import { ADMIN_RELATIONSHIP_TERMS, onBehalfDeps } from '../wiring.ts';

export const handler = httpHandler(
  routes.requestAdminRelationship,
  async ({ principal, params, body }) => ({
    status: 201,
    body: await requestAdminRelationship(
      onBehalfDeps({
        mailer: sesMailer,
        timers: schedulerTimers<AdminRelationshipTimer>(ADMIN_RELATIONSHIP_TERMS),
      }),
      principal,
      params.customerId,
      body,
    ),
  }),
  { loadPrincipal },
);
