import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { asActor } from './audit.ts';

/**
 * One story's id across every hop: the API request that began it (API Gateway's request id), the
 * state machine executions and timers it started, the stream records and events it wrote. Each
 * entry point runs its work in `withCorrelation`; the logger, the business metrics, the workflow
 * and timer adapters and the activity records read it from here.
 *
 * An async context, not a key set on the logger: a warm function runs one invocation after the
 * other (a scope ends with its work, nothing to reset), and the webhook consumer handles several
 * resources' messages in parallel within one invocation, each with its own story.
 */
const current = new AsyncLocalStorage<string>();

/** The correlation id of the work in progress, if it runs inside `withCorrelation`. */
export const correlationId = (): string | undefined => current.getStore();

/**
 * Runs `work` as part of story `id`: its log lines and metrics carry it, what it starts carries it
 * on, and the activity records it writes name it as their `requestId` (actor SYSTEM, unless the
 * HTTP stack names the caller inside).
 */
export function withCorrelation<T>(id: string, work: () => Promise<T>): Promise<T> {
  return current.run(id, () => asActor({ actor: { kind: 'SYSTEM' }, requestId: id }, work));
}

/** What a workflow step's or a timer's event carries beside its own input: the story it continues. */
export interface Correlated {
  correlationId?: string;
}

/**
 * A workflow task or timer task handler: the event's `correlationId` (put there by the execution's
 * input or the timer's) is the story it runs in, and the task sees its event without it. An event
 * without one (a timer armed before ids were carried) starts a story of its own: the invocation's id.
 */
export function correlatedTask<E extends object, R>(task: (event: E) => Promise<R>) {
  return ({ correlationId: id, ...event }: E & Correlated, context?: { awsRequestId?: string }) =>
    withCorrelation(id ?? context?.awsRequestId ?? randomUUID(), () => task(event as E));
}
