import { enrollmentDeps } from '../adapters/enrollment.ts';
import { sesMailer } from '../adapters/mail.ts';
import { stepExpire } from '../domain/enrollments.ts';

/** enrollment-review › Expire (the 7-day verification wait timed out). */
export const handler = (event: { enrollmentId: string }) =>
  stepExpire(enrollmentDeps({ mailer: sesMailer }), event.enrollmentId);
