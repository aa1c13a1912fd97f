import { stepAutomatedChecks } from '../domain/enrollments.ts';
import { enrollmentDeps } from '../wiring.ts';

/** enrollment-review › Automated checks. */
export const handler = (event: { enrollmentId: string }) =>
  stepAutomatedChecks(enrollmentDeps(), event.enrollmentId);
