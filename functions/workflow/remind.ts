import { enrollmentDeps } from '../adapters/enrollment.ts';
import { sesMailer } from '../adapters/mail.ts';
import { stepRemind } from '../domain/enrollments.ts';

/** enrollment-review › Still in review. */
export const handler = (event: { enrollmentId: string }) =>
  stepRemind(enrollmentDeps({ mailer: sesMailer }), event.enrollmentId);
