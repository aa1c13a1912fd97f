import { enrollmentDeps } from '../adapters/enrollment.ts';
import { sesMailer } from '../adapters/mail.ts';
import { stepNotifyInReview } from '../domain/enrollments.ts';

/** enrollment-review › Notify in review. */
export const handler = async (event: { enrollmentId: string }) => {
  await stepNotifyInReview(enrollmentDeps({ mailer: sesMailer }), event.enrollmentId);
  return {};
};
