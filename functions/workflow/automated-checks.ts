import { enrollmentDeps } from '../adapters/enrollment.ts';
import { stepAutomatedChecks } from '../domain/enrollments.ts';

/** enrollment-review › Automated checks. */
export const handler = (event: { enrollmentId: string }) =>
  stepAutomatedChecks(enrollmentDeps(), event.enrollmentId);
