/**
 * The engine: runs executions of the loaded machines with the `aws-local-stepfunctions` interpreter,
 * each Task state through the TaskRunner's override, and keeps every execution's record and history.
 */
import '../promise-with-resolvers.ts';

import { randomUUID } from 'node:crypto';
import { ExecutionError, ExecutionTimeoutError, type RunOptions } from 'aws-local-stepfunctions';
import type { LoadedMachine } from './definition.ts';
import {
  ExecutionHistory,
  FAIL_STATE_DEFAULT_CAUSE,
  FAIL_STATE_DEFAULT_ERROR,
  type LibraryEvent,
} from './history.ts';
import type { Json } from './json.ts';
import { type InvokeFunction, type TaskExecution, TaskRunner } from './tasks.ts';

type LocalHandlers = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>;

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface ExecutionRecord extends TaskExecution {
  readonly arn: string;
  readonly name: string;
  readonly machine: LoadedMachine;
  readonly input: string;
  readonly startDate: Date;
  status: ExecutionStatus;
  stopDate?: Date;
  output?: string;
  error?: string;
  cause?: string;
  abort: () => void;
  settled: Promise<void>;
}

interface Outcome {
  status: Exclude<ExecutionStatus, 'RUNNING'>;
  output?: string;
  error?: string;
  cause?: string;
}

function outcomeOf(error: unknown): Outcome {
  if (error instanceof ExecutionTimeoutError) {
    return {
      status: 'TIMED_OUT',
      error: 'States.Timeout',
      cause: 'The execution ran longer than its TimeoutSeconds',
    };
  }
  // ExecutionError carries the state's error as `cause`; its name and message are the ASL error and cause.
  const failure =
    error instanceof ExecutionError && error.cause instanceof Error
      ? error.cause
      : error instanceof Error
        ? error
        : new Error(String(error));
  return {
    status: 'FAILED',
    error: failure.name === FAIL_STATE_DEFAULT_ERROR || failure.name === '' ? undefined : failure.name,
    cause:
      failure.message === FAIL_STATE_DEFAULT_CAUSE || failure.message === '' ? undefined : failure.message,
  };
}

export interface EngineOptions {
  region: string;
  accountId: string;
  invokeFunction: InvokeFunction;
}

export class Engine {
  readonly #region: string;
  readonly #accountId: string;
  readonly #machines = new Map<string, LoadedMachine>();
  readonly #executions = new Map<string, ExecutionRecord>();
  readonly tasks: TaskRunner;

  constructor(options: EngineOptions, machines: LoadedMachine[]) {
    this.#region = options.region;
    this.#accountId = options.accountId;
    this.tasks = new TaskRunner(options.invokeFunction);
    for (const machine of machines) this.#machines.set(machine.arn, machine);
  }

  machine(arn: string): LoadedMachine | undefined {
    return this.#machines.get(arn);
  }

  execution(arn: string): ExecutionRecord | undefined {
    return this.#executions.get(arn);
  }

  /** Every execution started so far, in start order. */
  executions(): IterableIterator<ExecutionRecord> {
    return this.#executions.values();
  }

  executionArn(machine: LoadedMachine, name: string): string {
    return `arn:aws:states:${this.#region}:${this.#accountId}:execution:${machine.name}:${name}`;
  }

  start(machine: LoadedMachine, name: string, inputText: string, input: Json): ExecutionRecord {
    const execution: ExecutionRecord = {
      arn: this.executionArn(machine, name),
      name,
      machine,
      input: inputText,
      startDate: new Date(),
      tokenSentinel: `local-sfn-unresolved-task-token-${randomUUID()}`,
      pending: new Set(),
      status: 'RUNNING',
      abort: () => {},
      settled: Promise.resolve(),
      history: new ExecutionHistory(this.#region),
    };
    this.#executions.set(execution.arn, execution);
    const handlers: LocalHandlers = {};
    for (const [stateName, spec] of machine.tasks) {
      handlers[stateName] = (parameters: Json) => this.tasks.run(execution, stateName, spec, parameters);
    }
    const run = machine.stateMachine.run(input, {
      noThrowOnAbort: true,
      overrides: { taskResourceLocalHandlers: handlers },
      // The library adds Execution.Input and StartTime. `$$.State.*` is not available locally.
      context: {
        Execution: { Id: execution.arn, Name: name },
        StateMachine: { Id: machine.arn, Name: machine.name },
        Task: { Token: execution.tokenSentinel },
      },
    });
    execution.abort = run.abort;
    void this.#readEventLog(execution, run.eventLogs);
    execution.settled = run.result.then(
      (output) => this.#finish(execution, { status: 'SUCCEEDED', output: JSON.stringify(output) }),
      (error: unknown) => this.#finish(execution, outcomeOf(error)),
    );
    return execution;
  }

  async #readEventLog(execution: ExecutionRecord, events: AsyncGenerator<LibraryEvent>): Promise<void> {
    try {
      for await (const event of events) execution.history.fromLibrary(event, execution);
    } catch (error) {
      console.error(
        '[stepfunctions] reading the event log failed:',
        error instanceof Error ? error.message : error,
      );
    }
  }

  #finish(execution: ExecutionRecord, outcome: Outcome): void {
    if (execution.status === 'RUNNING') {
      execution.status = outcome.status;
      execution.stopDate = new Date();
      execution.output = outcome.output;
      execution.error = outcome.error;
      execution.cause = outcome.cause;
    }
    // A timed-out execution may leave work behind.
    for (const cancel of [...execution.pending]) cancel();
  }

  #stop(execution: ExecutionRecord): void {
    if (execution.status !== 'RUNNING') return;
    execution.status = 'ABORTED';
    execution.stopDate = new Date();
    execution.abort();
    for (const cancel of [...execution.pending]) cancel();
  }

  /** Stops every running execution and waits until each has settled, its timers cleared. */
  async stopAll(): Promise<void> {
    for (const execution of this.#executions.values()) this.#stop(execution);
    await Promise.allSettled([...this.#executions.values()].map((execution) => execution.settled));
  }
}
