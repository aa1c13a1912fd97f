import { correlatedTask } from '../../platform/correlation.ts';
import { schedulerTimers } from '../../platform/events/timers.ts';
import { sesMailer } from '../../platform/mail/ses.ts';
import { runSubscriptionTimer } from '../domain/renewals.ts';
import type { SubscriptionTimer } from '../ports.ts';
import { commerceDeps, SUBSCRIPTION_TERMS } from '../wiring.ts';

/** The subscription-terms timer task: Scheduler calls it with the timer's input as the event. */
export const handler = correlatedTask((event: SubscriptionTimer) =>
  runSubscriptionTimer(
    commerceDeps({ mailer: sesMailer, timers: schedulerTimers<SubscriptionTimer>(SUBSCRIPTION_TERMS) }),
    event,
  ),
);
