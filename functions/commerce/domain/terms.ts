import type { Timers } from '../../platform/ports.ts';
import type { SubscriptionRecord, SubscriptionTimer, TermDuration } from '../ports.ts';

const MONTHS: Record<TermDuration, number> = { P1M: 1, P1Y: 12, P3Y: 36 };
const DAY_MS = 86_400_000;

/** Days before a term's end that its notice goes out. */
export const NOTICE_DAYS = 7;
/** Days after a term's start that a subscription may be canceled or reduced. */
export const CANCELLATION_DAYS = 7;

/**
 * The end of a term starting at `start`: the same time of day, `duration` calendar months later,
 * on the last day of the month when that month is shorter (31 January + P1M → 28 or 29 February).
 */
export function termEnd(start: Date, duration: TermDuration): Date {
  const months = start.getUTCMonth() + MONTHS[duration];
  const year = start.getUTCFullYear() + Math.floor(months / 12);
  const month = months % 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const end = new Date(start);
  end.setUTCFullYear(year, month, Math.min(start.getUTCDate(), lastDay));
  return end;
}

export const plusDays = (date: Date, days: number) => new Date(date.getTime() + days * DAY_MS);

/** A term's dates from its start: end, and the end of its cancellation window. */
export function termFrom(start: Date, duration: TermDuration) {
  return {
    termStartDate: start.toISOString(),
    termEndDate: termEnd(start, duration).toISOString(),
    cancellationAllowedUntil: plusDays(start, CANCELLATION_DAYS).toISOString(),
  };
}

/** A timer's name: unique per subscription, term and kind (Scheduler: 1–64 of [0-9A-Za-z_.-]). */
export const timerName = (t: SubscriptionTimer) =>
  `${t.subscriptionId}.${t.kind === 'NOTICE' ? 'n' : 'e'}.${t.termEndDate.replace(/[^0-9]/g, '').slice(0, 14)}`;

/**
 * A term's two timers, both armed when the term starts (by the order or the renewal): its notice
 * 7 days before the end, and its end. Arming both at once keeps them a week apart wherever time
 * runs faster (locally a timer waits (due − now) ÷ LOCAL_TIME_SCALE from when it is armed).
 */
export function termTimers(s: Pick<SubscriptionRecord, 'customerId' | 'subscriptionId' | 'termEndDate'>) {
  const end = new Date(s.termEndDate);
  const base = { customerId: s.customerId, subscriptionId: s.subscriptionId, termEndDate: s.termEndDate };
  return [
    { timer: { kind: 'NOTICE', ...base } as SubscriptionTimer, due: plusDays(end, -NOTICE_DAYS) },
    { timer: { kind: 'TERM_END', ...base } as SubscriptionTimer, due: end },
  ];
}

/** Arms (or, with `cancel`, deletes) both timers of the subscription's current term; arming twice is harmless. */
export const armTerm = (timers: Timers<SubscriptionTimer>, s: SubscriptionRecord) =>
  Promise.all(termTimers(s).map(({ timer, due }) => timers.at(timerName(timer), due, timer)));

export const disarmTerm = (timers: Timers<SubscriptionTimer>, s: SubscriptionRecord) =>
  Promise.all(termTimers(s).map(({ timer }) => timers.cancel(timerName(timer))));
