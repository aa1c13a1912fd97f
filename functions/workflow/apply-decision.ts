import { enrollmentDeps } from '../adapters/enrollment.ts';
import { stepApplyDecision } from '../domain/enrollments.ts';

/** enrollment-review › Apply decision / Reject automatically. */
export const handler = (event: { enrollmentId: string; automatedRejection?: string }) =>
  stepApplyDecision(enrollmentDeps, event.enrollmentId, event.automatedRejection);
