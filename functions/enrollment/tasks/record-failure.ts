import { correlatedTask } from '../../platform/correlation.ts';
import { logger } from '../../platform/logger.ts';
import { stepRecordFailure } from '../domain/enrollments.ts';
import { enrollmentDeps } from '../wiring.ts';

/** enrollment-review › Record failure (the Catch of every step). Logs the error name only. */
export const handler = correlatedTask(async (event: { enrollmentId: string; error?: { Error?: string } }) => {
  logger.error('enrollment review failed', { enrollmentId: event.enrollmentId, error: event.error?.Error });
  await stepRecordFailure(enrollmentDeps(), event.enrollmentId, event.error ?? {});
  return {};
});
