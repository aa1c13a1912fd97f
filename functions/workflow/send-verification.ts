import { enrollmentDeps } from '../adapters/enrollment.ts';
import { sesMailer } from '../adapters/mail.ts';
import { stepSendVerification } from '../domain/enrollments.ts';

/** enrollment-review › Send verification email (waits for the task token). */
export const handler = async (event: { enrollmentId: string; taskToken: string }) => {
  await stepSendVerification(enrollmentDeps({ mailer: sesMailer }), event.enrollmentId, event.taskToken);
  return {};
};
