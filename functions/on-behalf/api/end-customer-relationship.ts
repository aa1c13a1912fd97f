import { loadPrincipal } from '../../identity/principal.ts';
import { schedulerTimers } from '../../platform/events/timers.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { sesMailer } from '../../platform/mail/ses.ts';
import { endCustomerRelationship } from '../domain/endings.ts';
import type { AdminRelationshipTimer } from '../domain/terms.ts';
import { onBehalfRoutes as routes } from '../routes.ts';
import { ADMIN_RELATIONSHIP_TERMS, endingDeps } from '../wiring.ts';

export const handler = httpHandler(
  routes.endCustomerRelationship,
  async ({ principal, params }) => {
    await endCustomerRelationship(
      endingDeps({
        mailer: sesMailer,
        timers: schedulerTimers<AdminRelationshipTimer>(ADMIN_RELATIONSHIP_TERMS),
      }),
      principal,
      params.customerId,
    );
    return { status: 204 };
  },
  { loadPrincipal },
);
