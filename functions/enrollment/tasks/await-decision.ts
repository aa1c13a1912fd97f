import { correlatedTask } from '../../platform/correlation.ts';
import { stepAwaitDecision } from '../domain/enrollments.ts';
import { enrollmentDeps } from '../wiring.ts';

/** enrollment-review › Await decision (waits for the task token; fails with DecisionAlreadyMade when decided). */
export const handler = correlatedTask(async (event: { enrollmentId: string; taskToken: string }) => {
  await stepAwaitDecision(enrollmentDeps(), event.enrollmentId, event.taskToken);
  return {};
});
