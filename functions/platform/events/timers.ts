import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { awsClientConfig } from '../aws.ts';
import { lazy, requireEnv } from '../config.ts';
import { correlationId } from '../correlation.ts';
import type { Timers } from '../ports.ts';
import { timerTargetEnvName } from '../resources.ts';

const client = lazy(() => new SchedulerClient(awsClientConfig));

/** Scheduler's `at()` takes whole seconds, UTC: `at(2027-01-31T09:30:00)`. */
const atExpression = (due: Date) => `at(${due.toISOString().slice(0, 19)})`;

/** A due time already past is set a minute ahead: a one-time schedule must lie in the future. */
const FUTURE_MS = 60_000;

/**
 * The Timers port of one timer task over EventBridge Scheduler (the `timers` resource): one
 * schedule per timer in the platform's group, deleted by Scheduler once it ran, which calls the
 * task function (`<TASK>_TIMER_TARGET_ARN`) with the input as its event, retries it for a day
 * and then sends the input to the timers' dead-letter queue (which has an alarm). The input also
 * carries the correlation id of the work that armed the timer, if any.
 */
export function schedulerTimers<I extends object>(task: string): Timers<I> {
  return {
    async at(name, due, input) {
      const now = Date.now();
      try {
        await client.send(
          new CreateScheduleCommand({
            Name: name,
            GroupName: requireEnv('TIMER_GROUP_NAME'),
            ScheduleExpression: atExpression(due.getTime() > now ? due : new Date(now + FUTURE_MS)),
            ScheduleExpressionTimezone: 'UTC',
            FlexibleTimeWindow: { Mode: 'OFF' },
            ActionAfterCompletion: 'DELETE',
            Target: {
              Arn: requireEnv(timerTargetEnvName(task)),
              RoleArn: requireEnv('TIMER_ROLE_ARN'),
              // The story that armed it goes on when it fires (correlatedTask reads it back).
              Input: JSON.stringify({ ...input, correlationId: correlationId() }),
              RetryPolicy: { MaximumEventAgeInSeconds: 86_400, MaximumRetryAttempts: 185 },
              DeadLetterConfig: { Arn: requireEnv('TIMER_DEAD_LETTER_ARN') },
            },
          }),
        );
      } catch (error) {
        // Created by an earlier try of the same step: the timer is there, as asked.
        if (!(error instanceof ConflictException)) throw error;
      }
    },
    async cancel(name) {
      try {
        await client.send(
          new DeleteScheduleCommand({ Name: name, GroupName: requireEnv('TIMER_GROUP_NAME') }),
        );
      } catch (error) {
        // It ran (and Scheduler deleted it) or was never made: nothing is pending either way.
        if (!(error instanceof ResourceNotFoundException)) throw error;
      }
    },
  };
}
