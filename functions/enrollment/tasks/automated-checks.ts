import { correlatedTask } from '../../platform/correlation.ts';
import { stepAutomatedChecks } from '../domain/enrollments.ts';
import { enrollmentDeps } from '../wiring.ts';

/** enrollment-review › Automated checks. */
export const handler = correlatedTask((event: { enrollmentId: string }) =>
  stepAutomatedChecks(enrollmentDeps(), event.enrollmentId),
);
