import { loadPrincipal } from '../../identity/principal.ts';
import { schedulerTimers } from '../../platform/events/timers.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { idempotencyKeyOf } from '../../platform/http/idempotency-key.ts';
import { secretLinkTokens } from '../../platform/links/link-secret.ts';
import { sesMailer } from '../../platform/mail/ses.ts';
import { requestAdminRelationship } from '../domain/relationships.ts';
import type { AdminRelationshipTimer } from '../domain/terms.ts';
import { onBehalfRoutes as routes } from '../routes.ts';
import { ADMIN_RELATIONSHIP_TERMS, onBehalfDeps } from '../wiring.ts';

export const handler = httpHandler(
  routes.requestAdminRelationship,
  async ({ principal, params, body, headers }) => ({
    status: 201,
    body: await requestAdminRelationship(
      onBehalfDeps({
        mailer: sesMailer,
        timers: schedulerTimers<AdminRelationshipTimer>(ADMIN_RELATIONSHIP_TERMS),
      }),
      principal,
      params.customerId,
      body,
      { idempotencyKey: idempotencyKeyOf(headers), linkTokens: secretLinkTokens },
    ),
    // The answer holds the approval link: no cache keeps it.
    headers: { 'Cache-Control': 'no-store' },
  }),
  { loadPrincipal },
);
