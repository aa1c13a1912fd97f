import { correlatedTask } from '../../platform/correlation.ts';
import { sesMailer } from '../../platform/mail/ses.ts';
import { stepRemind } from '../domain/enrollments.ts';
import { enrollmentDeps } from '../wiring.ts';

/** enrollment-review › Still in review. */
export const handler = correlatedTask((event: { enrollmentId: string }) =>
  stepRemind(enrollmentDeps({ mailer: sesMailer }), event.enrollmentId),
);
