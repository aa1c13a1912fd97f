import { correlatedTask } from '../../platform/correlation.ts';
import { sesMailer } from '../../platform/mail/ses.ts';
import { stepSendVerification } from '../domain/enrollments.ts';
import { enrollmentDeps } from '../wiring.ts';

/** enrollment-review › Send verification email (waits for the task token). */
export const handler = correlatedTask(async (event: { enrollmentId: string; taskToken: string }) => {
  await stepSendVerification(enrollmentDeps({ mailer: sesMailer }), event.enrollmentId, event.taskToken);
  return {};
});
