/**
 * Execution history (GetExecutionHistory): the library's event log of each run, mapped to the service's
 * event types, plus the Task events our task override knows of, see `ExecutionHistory`.
 */
import type { StateMachine } from 'aws-local-stepfunctions';
import { type Json, jsonText } from './json.ts';

/** The library reports a Fail state without Error/Cause with these; the service reports neither. */
export const FAIL_STATE_DEFAULT_ERROR = 'FailStateError';
export const FAIL_STATE_DEFAULT_CAUSE = 'Execution failed because of a Fail state';

/** One event of the library's event log (the type is not exported, only the generator that yields it). */
export type LibraryEvent =
  ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;

type EventDetails = { [key: string]: Json | undefined };

interface HistoryEvent {
  id: number;
  previousEventId: number;
  /** Epoch milliseconds. */
  timestamp: number;
  type: string;
  /** The HistoryEvent member that carries the details, e.g. `stateEnteredEventDetails`. */
  detailsField?: string;
  details?: EventDetails;
}

type PendingEvent = Omit<HistoryEvent, 'id' | 'previousEventId'>;

/** Detail fields that hold execution data, left out when GetExecutionHistory's includeExecutionData is false. */
const EXECUTION_DATA_FIELDS = new Set(['input', 'inputDetails', 'output', 'outputDetails', 'parameters']);
const NOT_TRUNCATED: Json = { truncated: false };

/**
 * One attempt of a Task state: its `Task` events (TaskScheduled, TaskStarted, TaskSubmitted,
 * TaskSucceeded/Failed/TimedOut), as the service records them for the `lambda:invoke` integrations.
 */
export interface TaskAttempt {
  readonly stateName: string;
  /** `invoke` or `invoke.waitForTaskToken` (resource type `lambda`). */
  readonly resource: string;
  closed: boolean;
}

/**
 * The events GetExecutionHistory answers with, built from two sources:
 *
 * - the library's event log (`run().eventLogs`): execution start and end, every state entered and exited.
 *   It is an async generator, so it is read a few microtasks after each event happens (always before
 *   the next I/O callback, hence before any API request is answered);
 * - our task override, which alone knows when a function was scheduled, answered or failed. Its events
 *   can happen before the log has caught up with the state's entry; they wait (`#early`) until the log
 *   records that entry, so each lands between its state's Entered and Exited events, as on AWS.
 *
 * Not modelled: timeoutInSeconds.
 */
export class ExecutionHistory {
  readonly events: HistoryEvent[] = [];
  /** Entries of each state the log has recorded and not yet seen exit. */
  readonly #inside = new Map<string, number>();
  readonly #early = new Map<string, PendingEvent[]>();
  readonly #open = new Map<string, TaskAttempt>();
  #ended = false;

  constructor(private readonly region: string) {}

  #append(event: PendingEvent): void {
    if (this.#ended) return;
    const id = this.events.length + 1;
    this.events.push({ id, previousEventId: id - 1, ...event });
  }

  /** A task event lands now if the log has recorded its state's entry, else once it has. */
  #taskEvent(stateName: string, type: string, detailsField: string, details: EventDetails): void {
    const event: PendingEvent = { timestamp: Date.now(), type, detailsField, details };
    if ((this.#inside.get(stateName) ?? 0) > 0) this.#append(event);
    else this.#early.set(stateName, [...(this.#early.get(stateName) ?? []), event]);
  }

  #flushEarly(stateName: string): void {
    const early = this.#early.get(stateName);
    this.#early.delete(stateName);
    for (const event of early ?? []) this.#append(event);
  }

  taskScheduled(stateName: string, resource: string, parameters: Json): TaskAttempt {
    const attempt: TaskAttempt = { stateName, resource, closed: false };
    this.#open.set(stateName, attempt);
    this.#taskEvent(stateName, 'TaskScheduled', 'taskScheduledEventDetails', {
      resourceType: 'lambda',
      resource,
      region: this.region,
      parameters: jsonText(parameters),
    });
    this.#taskEvent(stateName, 'TaskStarted', 'taskStartedEventDetails', {
      resourceType: 'lambda',
      resource,
    });
    return attempt;
  }

  /** A `.waitForTaskToken` function returned; the task now waits for its token. */
  taskSubmitted(attempt: TaskAttempt, response: unknown): void {
    if (attempt.closed) return;
    this.#taskEvent(attempt.stateName, 'TaskSubmitted', 'taskSubmittedEventDetails', {
      resourceType: 'lambda',
      resource: attempt.resource,
      output: jsonText(response),
      outputDetails: NOT_TRUNCATED,
    });
  }

  taskSucceeded(attempt: TaskAttempt, output: Json): void {
    this.#close(attempt, 'Succeeded', { output: jsonText(output), outputDetails: NOT_TRUNCATED });
  }

  taskFailed(attempt: TaskAttempt, error: unknown): void {
    const name = error instanceof Error ? error.name : 'Error';
    const cause = error instanceof Error ? error.message : String(error);
    this.#close(attempt, name === 'States.Timeout' ? 'TimedOut' : 'Failed', { error: name, cause });
  }

  #close(attempt: TaskAttempt, outcome: 'Succeeded' | 'Failed' | 'TimedOut', details: EventDetails): void {
    if (attempt.closed) return;
    attempt.closed = true;
    if (this.#open.get(attempt.stateName) === attempt) this.#open.delete(attempt.stateName);
    this.#taskEvent(attempt.stateName, `Task${outcome}`, `task${outcome}EventDetails`, {
      resourceType: 'lambda',
      resource: attempt.resource,
      ...details,
    });
  }

  /** Maps one library event; `execution` gives what the library does not know (why it was stopped). */
  fromLibrary(event: LibraryEvent, execution: { input: string; error?: string; cause?: string }): void {
    const at = event.timestamp;
    switch (event.type) {
      case 'ExecutionStarted':
        this.#append({
          timestamp: at,
          type: 'ExecutionStarted',
          detailsField: 'executionStartedEventDetails',
          details: { input: execution.input, inputDetails: NOT_TRUNCATED },
        });
        return;
      case 'StateEntered': {
        const { name } = event.state;
        this.#append({
          timestamp: at,
          type: `${event.state.type}StateEntered`,
          detailsField: 'stateEnteredEventDetails',
          details: { name, input: jsonText(event.state.input), inputDetails: NOT_TRUNCATED },
        });
        this.#inside.set(name, (this.#inside.get(name) ?? 0) + 1);
        this.#flushEarly(name);
        return;
      }
      case 'StateFailed': {
        // A task the library failed itself (its own TimeoutSeconds timer) leaves our attempt open.
        const attempt = this.#open.get(event.state.name);
        if (attempt)
          this.taskFailed(attempt, Object.assign(new Error(String(event.Cause)), { name: event.Error }));
        return;
      }
      case 'StateExited': {
        const { name } = event.state;
        this.#flushEarly(name);
        this.#append({
          timestamp: at,
          type: `${event.state.type}StateExited`,
          detailsField: 'stateExitedEventDetails',
          details: { name, output: jsonText(event.state.output), outputDetails: NOT_TRUNCATED },
        });
        this.#inside.set(name, Math.max((this.#inside.get(name) ?? 0) - 1, 0));
        return;
      }
      case 'ExecutionSucceeded':
        this.#append({
          timestamp: at,
          type: 'ExecutionSucceeded',
          detailsField: 'executionSucceededEventDetails',
          details: { output: jsonText(event.output), outputDetails: NOT_TRUNCATED },
        });
        break;
      case 'ExecutionFailed': {
        const cause = typeof event.Cause === 'string' ? event.Cause : jsonText(event.Cause);
        this.#append({
          timestamp: at,
          type: 'ExecutionFailed',
          detailsField: 'executionFailedEventDetails',
          details: {
            error: event.Error === FAIL_STATE_DEFAULT_ERROR || event.Error === '' ? undefined : event.Error,
            cause: cause === FAIL_STATE_DEFAULT_CAUSE || cause === '' ? undefined : cause,
          },
        });
        break;
      }
      case 'ExecutionAborted':
        this.#append({
          timestamp: at,
          type: 'ExecutionAborted',
          detailsField: 'executionAbortedEventDetails',
          details: { error: execution.error, cause: execution.cause },
        });
        break;
      case 'ExecutionTimeout':
        this.#append({
          timestamp: at,
          type: 'ExecutionTimedOut',
          detailsField: 'executionTimedOutEventDetails',
          details: { error: 'States.Timeout', cause: 'The execution ran longer than its TimeoutSeconds' },
        });
        break;
      default:
        // StateRetried and StateCaught have no event of their own on AWS.
        return;
    }
    this.#ended = true;
  }
}

/** A HistoryEvent as the JSON protocol carries it. */
export function historyEventJson(
  event: HistoryEvent,
  includeExecutionData: boolean,
): Record<string, unknown> {
  const json: Record<string, unknown> = {
    timestamp: event.timestamp / 1000,
    type: event.type,
    id: event.id,
    previousEventId: event.previousEventId,
  };
  if (event.detailsField && event.details) {
    json[event.detailsField] = includeExecutionData
      ? event.details
      : Object.fromEntries(Object.entries(event.details).filter(([key]) => !EXECUTION_DATA_FIELDS.has(key)));
  }
  return json;
}
