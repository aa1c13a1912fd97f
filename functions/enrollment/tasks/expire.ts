import { correlatedTask } from '../../platform/correlation.ts';
import { sesMailer } from '../../platform/mail/ses.ts';
import { stepExpire } from '../domain/enrollments.ts';
import { enrollmentDeps } from '../wiring.ts';

/** enrollment-review › Expire (the 7-day verification wait timed out). */
export const handler = correlatedTask((event: { enrollmentId: string }) =>
  stepExpire(enrollmentDeps({ mailer: sesMailer }), event.enrollmentId),
);
