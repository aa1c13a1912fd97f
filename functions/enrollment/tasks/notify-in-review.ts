import { correlatedTask } from '../../platform/correlation.ts';
import { sesMailer } from '../../platform/mail/ses.ts';
import { stepNotifyInReview } from '../domain/enrollments.ts';
import { enrollmentDeps } from '../wiring.ts';

/** enrollment-review › Notify in review. */
export const handler = correlatedTask(async (event: { enrollmentId: string }) => {
  await stepNotifyInReview(enrollmentDeps({ mailer: sesMailer }), event.enrollmentId);
  return {};
});
