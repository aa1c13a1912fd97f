import { enrollmentDeps } from '../adapters/enrollment.ts';
import { stepRemind } from '../domain/enrollments.ts';

/** enrollment-review › Still in review. */
export const handler = (event: { enrollmentId: string }) => stepRemind(enrollmentDeps, event.enrollmentId);
