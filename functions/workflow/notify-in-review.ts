import { enrollmentDeps } from '../adapters/enrollment.ts';
import { stepNotifyInReview } from '../domain/enrollments.ts';

/** enrollment-review › Notify in review. */
export const handler = async (event: { enrollmentId: string }) => {
  await stepNotifyInReview(enrollmentDeps, event.enrollmentId);
  return {};
};
