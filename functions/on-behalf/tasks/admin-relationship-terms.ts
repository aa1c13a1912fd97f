import { correlatedTask } from '../../platform/correlation.ts';
import { schedulerTimers } from '../../platform/events/timers.ts';
import { sesMailer } from '../../platform/mail/ses.ts';
import { type AdminRelationshipTimer, runAdminRelationshipTimer } from '../domain/terms.ts';
import { ADMIN_RELATIONSHIP_TERMS, onBehalfDeps } from '../wiring.ts';

/** The admin-relationship-terms timer task: Scheduler calls it with the timer's input as the event. */
export const handler = correlatedTask((event: AdminRelationshipTimer) =>
  runAdminRelationshipTimer(
    onBehalfDeps({
      mailer: sesMailer,
      timers: schedulerTimers<AdminRelationshipTimer>(ADMIN_RELATIONSHIP_TERMS),
    }),
    event,
  ),
);
