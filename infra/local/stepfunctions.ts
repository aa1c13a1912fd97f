/**
 * Local stand-in for AWS Step Functions (see DESIGN.md, "Local runtime").
 *
 * An HTTP server speaking the Step Functions API the way `@aws-sdk/client-sfn` v3 calls it (awsJson1_0:
 * `POST /`, `X-Amz-Target: AWSStepFunctions.<Action>`, `application/x-amz-json-1.0`, errors as HTTP 400
 * `{__type, message}`), running executions with the `aws-local-stepfunctions` interpreter. What the
 * library lacks is added here, and how is explained where it happens:
 *
 * - Task states never reach real AWS: every Task has a `taskResourceLocalHandlers` override that calls
 *   `invokeFunction` and shapes the result like the service integration does.
 * - `.waitForTaskToken` and task tokens (the library has neither), see `awaitCallback`.
 * - Time scaling: the interpreter runs an in-memory copy of the definition in which every duration is
 *   divided by `timeScale` and clamped below Node's timer limit, see `compileDefinition`. The file on
 *   disk is what CDK deploys; it is never edited and no other state machine is used.
 * - Execution history (GetExecutionHistory): the library's event log of each run, mapped to the service's
 *   event types, plus the Task/LambdaFunction events our override knows of, see `ExecutionHistory`.
 */
import './promise-with-resolvers.ts';

import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { resolve as resolvePath } from 'node:path';
import {
  ExecutionError,
  ExecutionTimeoutError,
  type RunOptions,
  StateMachine,
  type StateMachineDefinition,
} from 'aws-local-stepfunctions';
import { AwsJsonError as ApiError, serveAwsJson } from './aws-json.ts';

export interface LocalStateMachine {
  name: string;
  definitionFile: string;
  substitutions: Record<string, string>;
}

export interface StepFunctionsAdapterOptions {
  /** 0 picks a free port. */
  port: number;
  /** Defaults to 127.0.0.1. */
  host?: string;
  /** Waits, retry intervals and task timeouts are divided by it (1440: a day passes in a minute). */
  timeScale: number;
  stateMachines: LocalStateMachine[];
  /** Invokes a Lambda function by name or ARN the way the Lambda service would, returning its result. */
  invokeFunction: (functionNameOrArn: string, payload: unknown) => Promise<unknown>;
  /** Defaults to us-east-1. */
  region?: string;
  /** Defaults to 000000000000. */
  accountId?: string;
}

export interface StepFunctionsAdapter {
  url: string;
  stateMachineArn(name: string): string;
  close(): Promise<void>;
}

/** Node's setTimeout holds a signed 32-bit millisecond count; a longer delay fires after 1 ms instead. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/**
 * Every scaled delay is clamped to this (~24.8 days). It stays below MAX_TIMER_MS so that the library's
 * timeout on a converted Wait state (WAIT_TASK_TIMEOUT_SECONDS) always outlasts the wait itself.
 */
const MAX_DELAY_MS = 2_147_000_000;
const WAIT_TASK_TIMEOUT_SECONDS = Math.floor(MAX_TIMER_MS / 1000);
/** aws-local-stepfunctions' own Task timeout when TimeoutSeconds is absent (AWS would wait a year). */
const LIBRARY_DEFAULT_TASK_TIMEOUT_MS = 60_000;
const DEFAULT_RETRY_INTERVAL_SECONDS = 1;
const MAX_REQUEST_BYTES = 1024 * 1024;

const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';
const LAMBDA_INVOKE_CALLBACK = 'arn:aws:states:::lambda:invoke.waitForTaskToken';
const LAMBDA_FUNCTION_ARN =
  /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9_$-]+)?$/;
/** Resource of the Task states that stand in for Wait states; the override always answers, never AWS. */
const LOCAL_WAIT_RESOURCE = 'arn:aws:states:::local:wait';
const STATE_MACHINE_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[^:]+$/;
const EXECUTION_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:execution:[^:]+:[^:]+$/;
/** Characters the service refuses in execution names (whitespace, brackets, wildcards, specials, controls). */
const INVALID_NAME_CHARACTER = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\p{Cc}]/u;
const RFC3339 =
  /^\d{4}-(0[1-9]|1[012])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/;
/** The library reports a Fail state without Error/Cause with these; the service reports neither. */
const FAIL_STATE_DEFAULT_ERROR = 'FailStateError';
const FAIL_STATE_DEFAULT_CAUSE = 'Execution failed because of a Fail state';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };
type LocalHandlers = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>;

/** What the override registered for a Task state (or a converted Wait state) does. */
type TaskSpec =
  | { kind: 'lambda-invoke' }
  | { kind: 'lambda-callback'; timeoutMs: number; heartbeatMs: number | undefined }
  | { kind: 'lambda-function'; functionArn: string }
  | { kind: 'wait-seconds'; seconds: number }
  | { kind: 'wait-until'; timestamp: string }
  /** SecondsPath / TimestampPath: the library resolves the path into the Parameters we gave the state. */
  | { kind: 'wait-path' };

interface LoadedMachine {
  name: string;
  arn: string;
  stateMachine: StateMachine;
  tasks: ReadonlyMap<string, TaskSpec>;
}

type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

interface ExecutionRecord {
  readonly arn: string;
  readonly name: string;
  readonly machine: LoadedMachine;
  readonly input: string;
  readonly startDate: Date;
  /** Stands in the context object for `$$.Task.Token` until a callback task swaps in a real token. */
  readonly tokenSentinel: string;
  /** Cancels outstanding local work (Lambda calls, callbacks, waits) when the execution ends. */
  readonly pending: Set<() => void>;
  status: ExecutionStatus;
  stopDate?: Date;
  output?: string;
  error?: string;
  cause?: string;
  abort: () => void;
  settled: Promise<void>;
  readonly history: ExecutionHistory;
}

interface Outcome {
  status: Exclude<ExecutionStatus, 'RUNNING'>;
  output?: string;
  error?: string;
  cause?: string;
}

interface LiveTask {
  succeed: (output: Json) => void;
  fail: (error: Error) => void;
  heartbeat: () => void;
}

/** A task failure as the state machine sees it: `name` is the ASL error name, `message` its cause. */
class TaskFailure extends Error {
  constructor(errorName: string, cause: string) {
    super(cause);
    this.name = errorName;
  }
}

/**
 * An error no Retry or Catch may handle, like the service's States.Runtime. aws-local-stepfunctions
 * reads these two flags from any thrown value (`error.isRetryable ?? true`).
 */
class UncatchableError extends Error {
  readonly isRetryable = false;
  readonly isCatchable = false;
  constructor(errorName: string, message: string) {
    super(message);
    this.name = errorName;
  }
}

// ---------------------------------------------------------------------------------------------------
// Loading definitions
// ---------------------------------------------------------------------------------------------------

function isJsonObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function jsonObject(value: Json | undefined, what: string): JsonObject {
  if (!isJsonObject(value)) throw new Error(`${what} must be a JSON object`);
  return value;
}

/**
 * Fills `${Name}` placeholders the way CDK's `definitionSubstitutions` does (CloudFormation's
 * DefinitionSubstitutions): plain text replacement in the definition string before it is parsed, values
 * inserted verbatim. A placeholder without a value is an error, as it would be on deploy.
 */
function substituteDefinition(text: string, substitutions: Record<string, string>, file: string): string {
  const missing = new Set<string>();
  const filled = text.replace(/\$\{([^}]*)\}/g, (placeholder: string, key: string) => {
    const value = Object.hasOwn(substitutions, key) ? substitutions[key] : undefined;
    if (value === undefined) {
      missing.add(placeholder);
      return placeholder;
    }
    return value;
  });
  if (missing.size > 0) {
    throw new Error(`${file}: no substitution given for ${[...missing].join(', ')}`);
  }
  return filled;
}

const requireCommonJs = createRequire(import.meta.url);
/**
 * Definition texts that passed validation. asl-validator compiles its JSON schemas on every call
 * (100-250 ms), and tests start many adapters over the same few definitions.
 */
const validDefinitions = new Set<string>();

/** Validates with asl-validator, as the library would; the library itself then runs with noValidate. */
function validateDefinition(text: string, definition: JsonObject, file: string): void {
  if (validDefinitions.has(text)) return;
  // asl-validator is CommonJS without type declarations, hence require and narrowing.
  const validate: unknown = requireCommonJs('asl-validator');
  if (typeof validate !== 'function') throw new Error('asl-validator does not export a function');
  // It annotates what it checks (QueryLanguage on every state), so it gets a copy.
  const result: unknown = validate(structuredClone(definition), { checkArn: true, checkPaths: true });
  if (isRecord(result) && result.isValid === true) {
    validDefinitions.add(text);
    return;
  }
  const errorsText = isRecord(result) ? result.errorsText : undefined;
  const details = typeof errorsText === 'function' ? String(errorsText('\n')) : 'unknown validation error';
  throw new Error(`${file}: invalid state machine definition:\n${details}`);
}

interface Compilation {
  file: string;
  timeScale: number;
  tasks: Map<string, TaskSpec>;
}

/** Scaled milliseconds for a duration in definition seconds, clamped to what setTimeout can hold. */
function scaledMs(seconds: number, timeScale: number): number {
  return Math.min(Math.max((seconds * 1000) / timeScale, 0), MAX_DELAY_MS);
}

/**
 * Turns the validated definition, in place, into the copy the interpreter runs.
 *
 * Why an in-memory copy rather than the library's `waitTimeOverrides`: those are one fixed number of
 * milliseconds per state name, so they cannot express SecondsPath, TimestampPath or Timestamp (which
 * depend on input and on the clock), and the library has no hook at all for Task timeouts or retry
 * intervals. Dividing the numbers in a copy keeps the library's own semantics and, crucially, its own
 * TimeoutSeconds timer, which raises its genuine `States.Timeout` (a `States.TaskFailed` catcher must
 * not catch that one, and the library tells them apart by class, which it does not export).
 *
 * - Top-level and callback-task (`.waitForTaskToken`) `TimeoutSeconds`, `HeartbeatSeconds`, Retry
 *   `IntervalSeconds` and `MaxDelaySeconds` are divided by timeScale and clamped; a plain invocation's
 *   `TimeoutSeconds` is the function's compute budget and stays as written (the copy skips validation, since fractional seconds are not valid ASL).
 * - Wait states become Task states answered by our override, which computes the scaled duration from
 *   Seconds, Timestamp, or the value the library resolved for SecondsPath/TimestampPath, and keeps its
 *   timer cancellable (the library's own Wait cannot be scaled for the dynamic forms).
 * - Task states are classified so the override knows what to do (see TaskSpec).
 */
function compileDefinition(definition: JsonObject, c: Compilation): void {
  if (typeof definition.TimeoutSeconds === 'number') {
    definition.TimeoutSeconds = Math.max(scaledMs(definition.TimeoutSeconds, c.timeScale), 1) / 1000;
  }
  compileStates(definition, c);
}

function compileStates(machine: JsonObject, c: Compilation): void {
  if (machine.QueryLanguage !== undefined && machine.QueryLanguage !== 'JSONPath') {
    throw new Error(
      `${c.file}: the local interpreter supports JSONPath only, not ${String(machine.QueryLanguage)}`,
    );
  }
  const states = jsonObject(machine.States, `${c.file}: States`);
  for (const [name, value] of Object.entries(states)) {
    const state = jsonObject(value, `${c.file}: state "${name}"`);
    if (state.QueryLanguage !== undefined && state.QueryLanguage !== 'JSONPath') {
      throw new Error(`${c.file}: state "${name}": the local interpreter supports JSONPath only`);
    }
    checkTaskTokenUse(name, state, c);
    switch (state.Type) {
      case 'Task':
        compileTask(name, state, c);
        break;
      case 'Wait':
        states[name] = compileWait(name, state, c);
        break;
      case 'Parallel': {
        const branches = state.Branches;
        if (Array.isArray(branches)) {
          for (const branch of branches) compileStates(jsonObject(branch, `${c.file}: "${name}" branch`), c);
        }
        scaleRetriers(state, c);
        break;
      }
      case 'Map':
        compileStates(
          jsonObject(state.ItemProcessor ?? state.Iterator, `${c.file}: "${name}" ItemProcessor`),
          c,
        );
        scaleRetriers(state, c);
        break;
      default:
        break;
    }
  }
}

/**
 * The context object we hand the library has `Task.Token` for every state (it has one context per
 * execution), whereas on AWS only a `.waitForTaskToken` task has one. Reading it anywhere else would
 * leak the sentinel, so it is refused up front, as a deploy would refuse it.
 */
function checkTaskTokenUse(name: string, state: JsonObject, c: Compilation): void {
  const { Branches: _branches, ItemProcessor: _processor, Iterator: _iterator, ...own } = state;
  const isCallback = state.Type === 'Task' && state.Resource === LAMBDA_INVOKE_CALLBACK;
  if (!isCallback && JSON.stringify(own).includes('$$.Task')) {
    throw new Error(`${c.file}: state "${name}" reads $$.Task, which only .waitForTaskToken tasks have`);
  }
  if (isCallback && !JSON.stringify(state.Parameters ?? null).includes('$$.Task.Token')) {
    throw new Error(`${c.file}: state "${name}" waits for a task token but never passes $$.Task.Token`);
  }
}

function compileTask(name: string, state: JsonObject, c: Compilation): void {
  for (const field of ['TimeoutSecondsPath', 'HeartbeatSecondsPath']) {
    if (field in state) {
      // The library evaluates TimeoutSecondsPath itself, unscaled: a day-long timeout would stay a day.
      throw new Error(
        `${c.file}: state "${name}" uses ${field}, which the local runtime cannot scale; use ${field.slice(0, -4)}`,
      );
    }
  }
  const resource = state.Resource;
  let timeoutMs = LIBRARY_DEFAULT_TASK_TIMEOUT_MS;
  if (typeof state.TimeoutSeconds === 'number') {
    // A callback task's timeout is a wait (days for a person to act) and is scaled; a plain
    // invocation's timeout is a compute budget for the function, which runs at real speed.
    timeoutMs =
      resource === LAMBDA_INVOKE_CALLBACK
        ? Math.max(scaledMs(state.TimeoutSeconds, c.timeScale), 1)
        : Math.min(state.TimeoutSeconds * 1000, MAX_DELAY_MS);
    state.TimeoutSeconds = timeoutMs / 1000;
  }
  scaleRetriers(state, c);

  if (resource === LAMBDA_INVOKE) {
    c.tasks.set(name, { kind: 'lambda-invoke' });
  } else if (resource === LAMBDA_INVOKE_CALLBACK) {
    const heartbeatMs =
      typeof state.HeartbeatSeconds === 'number'
        ? Math.max(scaledMs(state.HeartbeatSeconds, c.timeScale), 1)
        : undefined;
    if (heartbeatMs !== undefined) alsoMatchHeartbeatTimeout(state);
    c.tasks.set(name, { kind: 'lambda-callback', timeoutMs, heartbeatMs });
  } else if (typeof resource === 'string' && LAMBDA_FUNCTION_ARN.test(resource)) {
    c.tasks.set(name, { kind: 'lambda-function', functionArn: resource });
  } else {
    throw new Error(
      `${c.file}: state "${name}": Resource ${String(resource)} is not supported locally ` +
        `(supported: ${LAMBDA_INVOKE}, ${LAMBDA_INVOKE_CALLBACK}, a Lambda function ARN)`,
    );
  }
}

/**
 * On AWS a missed heartbeat is `States.HeartbeatTimeout`, and a `States.Timeout` catcher or retrier
 * matches it too. The library compares one error name exactly, so in the copy every ErrorEquals that
 * lists States.Timeout also lists States.HeartbeatTimeout; order and first-match semantics are kept.
 */
function alsoMatchHeartbeatTimeout(state: JsonObject): void {
  for (const field of ['Retry', 'Catch']) {
    const entries = state[field];
    if (!Array.isArray(entries)) continue;
    for (const entry of entries) {
      const errors = isJsonObject(entry) ? entry.ErrorEquals : undefined;
      if (
        Array.isArray(errors) &&
        errors.includes('States.Timeout') &&
        !errors.includes('States.HeartbeatTimeout')
      ) {
        errors.push('States.HeartbeatTimeout');
      }
    }
  }
}

/**
 * The library waits IntervalSeconds × BackoffRate^attempt, capped by MaxDelaySeconds. Both are scaled;
 * MaxDelaySeconds is always set so that exponential backoff can never exceed setTimeout's limit.
 */
function scaleRetriers(state: JsonObject, c: Compilation): void {
  const retriers = state.Retry;
  if (!Array.isArray(retriers)) return;
  for (const entry of retriers) {
    if (!isJsonObject(entry)) continue;
    const interval =
      typeof entry.IntervalSeconds === 'number' ? entry.IntervalSeconds : DEFAULT_RETRY_INTERVAL_SECONDS;
    entry.IntervalSeconds = interval / c.timeScale;
    const maxDelayMs =
      typeof entry.MaxDelaySeconds === 'number' ? scaledMs(entry.MaxDelaySeconds, c.timeScale) : MAX_DELAY_MS;
    entry.MaxDelaySeconds = Math.max(maxDelayMs, 1) / 1000;
  }
}

function compileWait(name: string, state: JsonObject, c: Compilation): JsonObject {
  // The library's default 60 s Task timeout must not cut a long wait short.
  const task: JsonObject = {
    Type: 'Task',
    Resource: LOCAL_WAIT_RESOURCE,
    TimeoutSeconds: WAIT_TASK_TIMEOUT_SECONDS,
  };
  for (const field of ['Comment', 'InputPath', 'OutputPath', 'Next', 'End']) {
    const value = state[field];
    if (value !== undefined) task[field] = value;
  }
  if (typeof state.Seconds === 'number') {
    c.tasks.set(name, { kind: 'wait-seconds', seconds: state.Seconds });
  } else if (typeof state.Timestamp === 'string') {
    c.tasks.set(name, { kind: 'wait-until', timestamp: state.Timestamp });
  } else if (typeof state.SecondsPath === 'string') {
    task.Parameters = { 'input.$': '$', 'seconds.$': state.SecondsPath };
    c.tasks.set(name, { kind: 'wait-path' });
  } else if (typeof state.TimestampPath === 'string') {
    task.Parameters = { 'input.$': '$', 'timestamp.$': state.TimestampPath };
    c.tasks.set(name, { kind: 'wait-path' });
  } else {
    throw new Error(
      `${c.file}: Wait state "${name}" has no Seconds, Timestamp, SecondsPath or TimestampPath`,
    );
  }
  return task;
}

async function loadStateMachine(
  machine: LocalStateMachine,
  arn: string,
  timeScale: number,
): Promise<LoadedMachine> {
  const file = resolvePath(machine.definitionFile);
  const text = substituteDefinition(await readFile(file, 'utf8'), machine.substitutions, file);
  let parsed: Json;
  try {
    parsed = JSON.parse(text) as Json;
  } catch (error) {
    throw new Error(`${file}: not valid JSON after substitutions: ${(error as Error).message}`);
  }
  const definition = jsonObject(parsed, file);
  validateDefinition(text, definition, file);
  const compilation: Compilation = { file, timeScale, tasks: new Map() };
  compileDefinition(definition, compilation);
  // Validated above; the compiled copy is that definition with numbers scaled and Waits turned into Tasks.
  const stateMachine = new StateMachine(definition as unknown as StateMachineDefinition, {
    validationOptions: { noValidate: true },
  });
  return { name: machine.name, arn, stateMachine, tasks: compilation.tasks };
}

// ---------------------------------------------------------------------------------------------------
// Execution history
// ---------------------------------------------------------------------------------------------------

/** One event of the library's event log (the type is not exported, only the generator that yields it). */
type LibraryEvent = ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;

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
 * One attempt of a Task state that reaches a function: `Task` events (TaskScheduled, TaskStarted,
 * TaskSubmitted, TaskSucceeded/Failed/TimedOut) for the `lambda:invoke` integrations, `LambdaFunction`
 * events (LambdaFunctionScheduled, …) for a plain function ARN, as the service records them.
 */
interface TaskAttempt {
  readonly stateName: string;
  readonly family: 'Task' | 'LambdaFunction';
  /** `invoke` / `invoke.waitForTaskToken` (resource type `lambda`), or the function ARN. */
  readonly resource: string;
  closed: boolean;
}

function jsonText(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}

/**
 * The events GetExecutionHistory answers with, built from two sources:
 *
 * - the library's event log (`run().eventLogs`): execution start and end, every state entered and exited,
 *   Map iterations. It is an async generator, so it is read a few microtasks after each event happens
 *   (always before the next I/O callback, hence before any API request is answered);
 * - our task override, which alone knows when a function was scheduled, answered or failed. Its events
 *   can happen before the log has caught up with the state's entry; they wait (`#early`) until the log
 *   records that entry, so each lands between its state's Entered and Exited events, as on AWS.
 *
 * Not modelled: ParallelStateStarted/Succeeded, the ids of Parallel/Map events' true predecessors
 * (previousEventId is always the event before), timeoutInSeconds/heartbeatInSeconds.
 */
class ExecutionHistory {
  readonly events: HistoryEvent[] = [];
  /** Entries of each state the log has recorded and not yet seen exit. */
  readonly #inside = new Map<string, number>();
  readonly #early = new Map<string, PendingEvent[]>();
  readonly #open = new Map<string, TaskAttempt>();
  #ended = false;

  constructor(
    private readonly region: string,
    /** The state type the definition on disk gives (Wait states run as Tasks in the compiled copy). */
    private readonly stateType: (stateName: string, compiledType: string) => string,
  ) {}

  #append(event: PendingEvent): void {
    if (this.#ended) return;
    const id = this.events.length + 1;
    this.events.push({ id, previousEventId: id - 1, ...event });
  }

  /** A task event lands now if the log has recorded its state's entry, else once it has. */
  #taskEvent(stateName: string, type: string, detailsField?: string, details?: EventDetails): void {
    const event: PendingEvent = { timestamp: Date.now(), type, detailsField, details };
    if ((this.#inside.get(stateName) ?? 0) > 0) this.#append(event);
    else this.#early.set(stateName, [...(this.#early.get(stateName) ?? []), event]);
  }

  #flushEarly(stateName: string): void {
    const early = this.#early.get(stateName);
    this.#early.delete(stateName);
    for (const event of early ?? []) this.#append(event);
  }

  taskScheduled(
    stateName: string,
    family: TaskAttempt['family'],
    resource: string,
    parameters: Json,
  ): TaskAttempt {
    const attempt: TaskAttempt = { stateName, family, resource, closed: false };
    this.#open.set(stateName, attempt);
    if (family === 'Task') {
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
    } else {
      this.#taskEvent(stateName, 'LambdaFunctionScheduled', 'lambdaFunctionScheduledEventDetails', {
        resource,
        input: jsonText(parameters),
        inputDetails: NOT_TRUNCATED,
      });
      this.#taskEvent(stateName, 'LambdaFunctionStarted');
    }
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
    const timedOut = name === 'States.Timeout' || name === 'States.HeartbeatTimeout';
    this.#close(attempt, timedOut ? 'TimedOut' : 'Failed', { error: name, cause });
  }

  #close(attempt: TaskAttempt, outcome: 'Succeeded' | 'Failed' | 'TimedOut', details: EventDetails): void {
    if (attempt.closed) return;
    attempt.closed = true;
    if (this.#open.get(attempt.stateName) === attempt) this.#open.delete(attempt.stateName);
    const type = `${attempt.family}${outcome}`;
    const field = `${attempt.family === 'Task' ? 'task' : 'lambdaFunction'}${outcome}EventDetails`;
    const resource = attempt.family === 'Task' ? { resourceType: 'lambda', resource: attempt.resource } : {};
    this.#taskEvent(attempt.stateName, type, field, { ...resource, ...details });
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
          type: `${this.stateType(name, event.state.type)}StateEntered`,
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
          type: `${this.stateType(name, event.state.type)}StateExited`,
          detailsField: 'stateExitedEventDetails',
          details: { name, output: jsonText(event.state.output), outputDetails: NOT_TRUNCATED },
        });
        this.#inside.set(name, Math.max((this.#inside.get(name) ?? 0) - 1, 0));
        return;
      }
      case 'MapIterationStarted':
      case 'MapIterationSucceeded':
      case 'MapIterationFailed': {
        const outcome = event.type.slice('MapIteration'.length);
        this.#append({
          timestamp: at,
          type: event.type,
          detailsField: `mapIteration${outcome}EventDetails`,
          details: { name: event.parentState.name, index: event.index },
        });
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
        // StateRetried, StateCaught and Parallel branch events have no event of their own on AWS.
        return;
    }
    this.#ended = true;
  }
}

/** A HistoryEvent as the JSON protocol carries it. */
function historyEventJson(event: HistoryEvent, includeExecutionData: boolean): Record<string, unknown> {
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

// ---------------------------------------------------------------------------------------------------
// Running executions
// ---------------------------------------------------------------------------------------------------

/** Converts a function's result to what Lambda would return: JSON, `undefined` becoming null. */
function toJson(value: unknown, functionName: string): Json {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    throw new UncatchableError('States.Runtime', `${functionName} returned a value that is not JSON`);
  }
  return text === undefined ? null : (JSON.parse(text) as Json);
}

/** Error name = the thrown error's name; cause = the JSON Lambda reports (without the stack trace). */
function lambdaFailure(error: unknown): TaskFailure {
  const errorType = error instanceof Error && error.name !== '' ? error.name : 'Error';
  const errorMessage = error instanceof Error ? error.message : String(error);
  return new TaskFailure(errorType, JSON.stringify({ errorMessage, errorType }));
}

function replaceText(value: Json, search: string, replacement: string): Json {
  if (typeof value === 'string') return value.split(search).join(replacement);
  if (Array.isArray(value)) return value.map((item) => replaceText(item, search, replacement));
  if (isJsonObject(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, replaceText(v, search, replacement)]),
    );
  }
  return value;
}

interface LambdaRequest {
  functionName: string;
  payload: Json;
}

/** Reads the Lambda Invoke request a `lambda:invoke` task's Parameters describe. */
function lambdaRequest(parameters: Json, stateName: string): LambdaRequest {
  if (
    !isJsonObject(parameters) ||
    typeof parameters.FunctionName !== 'string' ||
    parameters.FunctionName === ''
  ) {
    throw new UncatchableError(
      'States.Runtime',
      `Task state "${stateName}": Parameters must give a FunctionName`,
    );
  }
  const invocationType = parameters.InvocationType;
  if (invocationType !== undefined && invocationType !== 'RequestResponse') {
    throw new UncatchableError(
      'States.Runtime',
      `Task state "${stateName}": only RequestResponse runs locally`,
    );
  }
  // Without a Payload, Lambda's Invoke sends an empty event, which a Node.js function sees as {}.
  return {
    functionName: parameters.FunctionName,
    payload: parameters.Payload === undefined ? {} : parameters.Payload,
  };
}

function executionStopped(): UncatchableError {
  return new UncatchableError('States.ExecutionStopped', 'The execution was stopped');
}

/**
 * Local work a task does (a Lambda call, a callback, a wait), bound to its execution so that stopping
 * the execution settles it at once: the library only clears its own task timer when the task's promise
 * settles, and a pending timer would keep the process alive. `start` returns its cleanup.
 */
function pendingWork<T>(
  execution: ExecutionRecord,
  start: (resolve: (value: T) => void, reject: (error: Error) => void) => () => void,
): Promise<T> {
  if (execution.status !== 'RUNNING') return Promise.reject(executionStopped());
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    let cleanup: (() => void) | undefined;
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      execution.pending.delete(cancel);
      cleanup?.();
      return true;
    };
    const cancel = (): void => {
      if (settle()) reject(executionStopped());
    };
    execution.pending.add(cancel);
    const ownCleanup = start(
      (value) => {
        if (settle()) resolve(value);
      },
      (error) => {
        if (settle()) reject(error);
      },
    );
    if (settled) ownCleanup();
    else cleanup = ownCleanup;
  });
}

/** Calls the function so that a synchronous throw becomes a rejection like any other Lambda error. */
async function callFunction(
  invokeFunction: StepFunctionsAdapterOptions['invokeFunction'],
  functionName: string,
  payload: Json,
): Promise<unknown> {
  return invokeFunction(functionName, payload);
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

const epochSeconds = (date: Date): number => date.getTime() / 1000;

class LocalStepFunctions {
  readonly #options: StepFunctionsAdapterOptions;
  readonly #region: string;
  readonly #accountId: string;
  readonly #machines = new Map<string, LoadedMachine>();
  readonly #executions = new Map<string, ExecutionRecord>();
  readonly #liveTasks = new Map<string, LiveTask>();
  /** Signs the tokens we issue, so a closed task's token is told apart from a made-up one. */
  readonly #tokenKey = randomBytes(32);

  constructor(options: StepFunctionsAdapterOptions, machines: LoadedMachine[]) {
    this.#options = options;
    this.#region = options.region ?? 'us-east-1';
    this.#accountId = options.accountId ?? '000000000000';
    for (const machine of machines) this.#machines.set(machine.arn, machine);
  }

  // --- task tokens: random, opaque, never logged --------------------------------------------------

  #issueToken(): string {
    const id = randomBytes(32);
    return Buffer.concat([id, this.#tokenMac(id)]).toString('base64url');
  }

  #tokenMac(id: Buffer): Buffer {
    return createHmac('sha256', this.#tokenKey).update(id).digest().subarray(0, 16);
  }

  #liveTask(token: unknown): LiveTask {
    if (typeof token !== 'string' || token === '') throw new ApiError('InvalidToken', 'Invalid token');
    const live = this.#liveTasks.get(token);
    if (live) return live;
    const raw = Buffer.from(token, 'base64url');
    if (raw.length === 48 && raw.toString('base64url') === token) {
      if (timingSafeEqual(raw.subarray(32), this.#tokenMac(raw.subarray(0, 32)))) {
        // What the service answers for a token whose task completed, failed, timed out or was stopped.
        throw new ApiError('TaskTimedOut', "Task Timed Out: 'Provided task does not exist anymore'");
      }
    }
    throw new ApiError('InvalidToken', 'Invalid token');
  }

  // --- executions ---------------------------------------------------------------------------------

  #executionArn(machine: LoadedMachine, name: string): string {
    return `arn:aws:states:${this.#region}:${this.#accountId}:execution:${machine.name}:${name}`;
  }

  #startExecution(machine: LoadedMachine, name: string, inputText: string, input: Json): ExecutionRecord {
    const execution: ExecutionRecord = {
      arn: this.#executionArn(machine, name),
      name,
      machine,
      input: inputText,
      startDate: new Date(),
      tokenSentinel: `local-sfn-unresolved-task-token-${randomUUID()}`,
      pending: new Set(),
      status: 'RUNNING',
      abort: () => {},
      settled: Promise.resolve(),
      history: new ExecutionHistory(this.#region, (stateName, compiledType) =>
        machine.tasks.get(stateName)?.kind.startsWith('wait-') ? 'Wait' : compiledType,
      ),
    };
    this.#executions.set(execution.arn, execution);
    const handlers: LocalHandlers = {};
    for (const [stateName, spec] of machine.tasks) {
      handlers[stateName] = (parameters: Json) => this.#runTask(execution, stateName, spec, parameters);
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
    // A timed-out execution, or a Parallel branch aborted by its sibling's failure, may leave work behind.
    for (const cancel of [...execution.pending]) cancel();
  }

  #stop(execution: ExecutionRecord, error: string | undefined, cause: string | undefined): void {
    if (execution.status !== 'RUNNING') return;
    execution.status = 'ABORTED';
    execution.stopDate = new Date();
    execution.error = error;
    execution.cause = cause;
    execution.abort();
    for (const cancel of [...execution.pending]) cancel();
  }

  async stopAll(): Promise<void> {
    for (const execution of this.#executions.values()) this.#stop(execution, undefined, undefined);
    await Promise.allSettled([...this.#executions.values()].map((execution) => execution.settled));
  }

  // --- tasks --------------------------------------------------------------------------------------

  async #runTask(execution: ExecutionRecord, stateName: string, spec: TaskSpec, input: Json): Promise<Json> {
    switch (spec.kind) {
      case 'lambda-invoke': {
        const request = lambdaRequest(input, stateName);
        return this.#traced(execution, stateName, 'Task', 'invoke', input, async () => {
          const payload = await this.#invoke(execution, request);
          // The shape of the optimized integration's result (minus the SDK's HTTP metadata).
          return { ExecutedVersion: '$LATEST', Payload: payload, StatusCode: 200 };
        });
      }
      case 'lambda-function':
        return this.#traced(execution, stateName, 'LambdaFunction', spec.functionArn, input, () =>
          this.#invoke(execution, { functionName: spec.functionArn, payload: input }),
        );
      case 'lambda-callback':
        return this.#awaitCallback(execution, stateName, spec, input);
      case 'wait-seconds':
        return this.#wait(execution, scaledMs(spec.seconds, this.#options.timeScale), input);
      case 'wait-until':
        return this.#wait(execution, this.#msUntil(spec.timestamp), input);
      case 'wait-path':
        return this.#waitFromPath(execution, stateName, input);
    }
  }

  /** Runs one task attempt and records its Scheduled/Started/… events (none once the execution ended). */
  async #traced(
    execution: ExecutionRecord,
    stateName: string,
    family: TaskAttempt['family'],
    resource: string,
    parameters: Json,
    run: (attempt: TaskAttempt) => Promise<Json>,
  ): Promise<Json> {
    const attempt = execution.history.taskScheduled(stateName, family, resource, parameters);
    try {
      const output = await run(attempt);
      if (execution.status === 'RUNNING') execution.history.taskSucceeded(attempt, output);
      return output;
    } catch (error) {
      if (execution.status === 'RUNNING') execution.history.taskFailed(attempt, error);
      throw error;
    }
  }

  async #invoke(execution: ExecutionRecord, request: LambdaRequest): Promise<Json> {
    const result = await pendingWork<unknown>(execution, (resolve, reject) => {
      callFunction(this.#options.invokeFunction, request.functionName, request.payload).then(
        resolve,
        (error) => reject(lambdaFailure(error)),
      );
      return () => {};
    });
    return toJson(result, request.functionName);
  }

  /**
   * `.waitForTaskToken`. The library evaluates Parameters (paths, intrinsics, context) before calling
   * the override, against one context object per execution, so a token cannot be minted there per
   * attempt. Instead the context holds a per-execution sentinel as `Task.Token`; here, once per task
   * attempt (a retry calls the override again), a fresh token replaces the sentinel wherever it ended up
   * in the evaluated Parameters, inside `States.Format` strings included. This keeps the library's full
   * Parameters semantics instead of re-implementing JSONPath and intrinsics.
   */
  #awaitCallback(
    execution: ExecutionRecord,
    stateName: string,
    spec: Extract<TaskSpec, { kind: 'lambda-callback' }>,
    parameters: Json,
  ): Promise<Json> {
    const token = this.#issueToken();
    const withToken = replaceText(parameters, execution.tokenSentinel, token);
    const request = lambdaRequest(withToken, stateName);
    const wait = (attempt: TaskAttempt) => this.#callback(execution, spec, token, request, attempt);
    return this.#traced(execution, stateName, 'Task', 'invoke.waitForTaskToken', withToken, wait);
  }

  #callback(
    execution: ExecutionRecord,
    spec: Extract<TaskSpec, { kind: 'lambda-callback' }>,
    token: string,
    request: LambdaRequest,
    attempt: TaskAttempt,
  ): Promise<Json> {
    return pendingWork<Json>(execution, (resolve, reject) => {
      let heartbeatTimer: NodeJS.Timeout | undefined;
      const heartbeat = (): void => {
        if (spec.heartbeatMs === undefined) return;
        clearTimeout(heartbeatTimer);
        heartbeatTimer = setTimeout(
          () => reject(new TaskFailure('States.HeartbeatTimeout', 'No heartbeat within HeartbeatSeconds')),
          spec.heartbeatMs,
        );
      };
      // The library's TimeoutSeconds timer, started right after this override returns, fails the state
      // with its own States.Timeout; this timer, 1 ms later, only retires the token afterwards.
      const expiry = setTimeout(
        () => reject(new TaskFailure('States.Timeout', 'The task timed out')),
        spec.timeoutMs + 1,
      );
      this.#liveTasks.set(token, { succeed: resolve, fail: reject, heartbeat });
      heartbeat();
      // The function's own result is ignored, as on AWS (only the history shows it); its failure fails the task.
      callFunction(this.#options.invokeFunction, request.functionName, request.payload).then(
        (payload) => {
          if (execution.status !== 'RUNNING') return;
          execution.history.taskSubmitted(attempt, {
            ExecutedVersion: '$LATEST',
            Payload: payload,
            StatusCode: 200,
          });
        },
        (error: unknown) => reject(lambdaFailure(error)),
      );
      return () => {
        this.#liveTasks.delete(token);
        clearTimeout(expiry);
        clearTimeout(heartbeatTimer);
      };
    });
  }

  #msUntil(timestamp: string): number {
    return Math.min(
      Math.max((Date.parse(timestamp) - Date.now()) / this.#options.timeScale, 0),
      MAX_DELAY_MS,
    );
  }

  #wait(execution: ExecutionRecord, ms: number, output: Json): Promise<Json> {
    return pendingWork<Json>(execution, (resolve) => {
      const timer = setTimeout(() => resolve(output), ms);
      return () => clearTimeout(timer);
    });
  }

  #waitFromPath(execution: ExecutionRecord, stateName: string, parameters: Json): Promise<Json> {
    const resolved = jsonObject(parameters, `Wait state "${stateName}"`);
    const input = resolved.input === undefined ? null : resolved.input;
    if ('seconds' in resolved) {
      const seconds = resolved.seconds;
      if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 0) {
        throw new UncatchableError(
          'States.Runtime',
          `Wait state "${stateName}": SecondsPath must select an integer >= 0`,
        );
      }
      return this.#wait(execution, scaledMs(seconds, this.#options.timeScale), input);
    }
    const timestamp = resolved.timestamp;
    if (typeof timestamp !== 'string' || !RFC3339.test(timestamp)) {
      throw new UncatchableError(
        'States.Runtime',
        `Wait state "${stateName}": TimestampPath must select an RFC 3339 time`,
      );
    }
    return this.#wait(execution, this.#msUntil(timestamp), input);
  }

  // --- API ----------------------------------------------------------------------------------------

  dispatch(action: string, body: Record<string, unknown>): Record<string, unknown> {
    switch (action) {
      case 'StartExecution':
        return this.#apiStartExecution(body);
      case 'DescribeExecution':
        return this.#describe(this.#execution(body.executionArn));
      case 'StopExecution': {
        const execution = this.#execution(body.executionArn);
        this.#stop(execution, optionalString(body, 'error'), optionalString(body, 'cause'));
        return { stopDate: epochSeconds(execution.stopDate ?? new Date()) };
      }
      case 'ListExecutions':
        return this.#apiListExecutions(body);
      case 'GetExecutionHistory':
        return this.#apiGetExecutionHistory(body);
      case 'SendTaskSuccess': {
        const task = this.#liveTask(body.taskToken);
        task.succeed(parseJsonParam(body, 'output', 'InvalidOutput'));
        return {};
      }
      case 'SendTaskFailure': {
        const task = this.#liveTask(body.taskToken);
        task.fail(new TaskFailure(optionalString(body, 'error') ?? '', optionalString(body, 'cause') ?? ''));
        return {};
      }
      case 'SendTaskHeartbeat':
        this.#liveTask(body.taskToken).heartbeat();
        return {};
      default:
        throw new ApiError(
          'UnknownOperationException',
          `${action} is not supported by the local Step Functions`,
        );
    }
  }

  #apiStartExecution(body: Record<string, unknown>): Record<string, unknown> {
    const machine = this.#machine(body.stateMachineArn);
    const name = optionalString(body, 'name') ?? randomUUID();
    if (name.length < 1 || name.length > 80 || INVALID_NAME_CHARACTER.test(name)) {
      throw new ApiError('InvalidName', `Invalid Name: '${name}'`);
    }
    const inputText = optionalString(body, 'input') ?? '{}';
    const input = parseJsonParam(body, 'input', 'InvalidExecutionInput', inputText);
    const arn = this.#executionArn(machine, name);
    const existing = this.#executions.get(arn);
    if (existing) {
      // Standard workflows: the same name and input while running is idempotent; anything else is refused.
      if (existing.status === 'RUNNING' && existing.input === inputText) {
        return { executionArn: existing.arn, startDate: epochSeconds(existing.startDate) };
      }
      throw new ApiError('ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`);
    }
    const execution = this.#startExecution(machine, name, inputText, input);
    return { executionArn: execution.arn, startDate: epochSeconds(execution.startDate) };
  }

  #apiListExecutions(body: Record<string, unknown>): Record<string, unknown> {
    const machine = this.#machine(body.stateMachineArn);
    const statusFilter = optionalString(body, 'statusFilter');
    const maxResults =
      typeof body.maxResults === 'number' && body.maxResults > 0
        ? Math.min(Math.floor(body.maxResults), 1000)
        : 100;
    const nextToken = optionalString(body, 'nextToken');
    const offset = nextToken === undefined ? 0 : Number.parseInt(nextToken, 10);
    if (!Number.isInteger(offset) || offset < 0) throw new ApiError('InvalidToken', 'Invalid nextToken');
    const matching = [...this.#executions.values()]
      .filter((execution) => execution.machine === machine)
      .filter((execution) => statusFilter === undefined || execution.status === statusFilter)
      .sort((a, b) => b.startDate.getTime() - a.startDate.getTime());
    const page = matching.slice(offset, offset + maxResults);
    return {
      executions: page.map((execution) => ({
        executionArn: execution.arn,
        stateMachineArn: machine.arn,
        name: execution.name,
        status: execution.status,
        startDate: epochSeconds(execution.startDate),
        stopDate: execution.stopDate === undefined ? undefined : epochSeconds(execution.stopDate),
      })),
      nextToken: offset + maxResults < matching.length ? String(offset + maxResults) : undefined,
    };
  }

  #apiGetExecutionHistory(body: Record<string, unknown>): Record<string, unknown> {
    const execution = this.#execution(body.executionArn);
    const { maxResults = 0, reverseOrder = false, includeExecutionData = true } = body;
    if (
      typeof maxResults !== 'number' ||
      !Number.isInteger(maxResults) ||
      maxResults < 0 ||
      maxResults > 1000
    ) {
      throw new ApiError(
        'ValidationException',
        "1 validation error detected: 'maxResults' must be an integer from 0 to 1000",
      );
    }
    if (typeof reverseOrder !== 'boolean' || typeof includeExecutionData !== 'boolean') {
      throw new ApiError(
        'ValidationException',
        "1 validation error detected: 'reverseOrder' and 'includeExecutionData' must be booleans",
      );
    }
    const pageSize = maxResults === 0 ? 100 : maxResults;
    const nextToken = optionalString(body, 'nextToken');
    const offset = nextToken === undefined ? 0 : Number.parseInt(nextToken, 10);
    if (!Number.isInteger(offset) || offset < 0 || String(offset) !== (nextToken ?? '0')) {
      throw new ApiError('InvalidToken', 'Invalid nextToken');
    }
    const events = reverseOrder ? [...execution.history.events].reverse() : execution.history.events;
    return {
      events: events
        .slice(offset, offset + pageSize)
        .map((event) => historyEventJson(event, includeExecutionData)),
      nextToken: offset + pageSize < events.length ? String(offset + pageSize) : undefined,
    };
  }

  #describe(execution: ExecutionRecord): Record<string, unknown> {
    const succeeded = execution.status === 'SUCCEEDED';
    return {
      executionArn: execution.arn,
      stateMachineArn: execution.machine.arn,
      name: execution.name,
      status: execution.status,
      startDate: epochSeconds(execution.startDate),
      stopDate: execution.stopDate === undefined ? undefined : epochSeconds(execution.stopDate),
      input: execution.input,
      inputDetails: { included: true },
      output: succeeded ? execution.output : undefined,
      outputDetails: succeeded ? { included: true } : undefined,
      error: execution.error,
      cause: execution.cause,
    };
  }

  #machine(arn: unknown): LoadedMachine {
    const text = requiredString(arn, 'stateMachineArn');
    if (!STATE_MACHINE_ARN.test(text)) throw new ApiError('InvalidArn', `Invalid Arn: '${text}'`);
    const machine = this.#machines.get(text);
    if (!machine) throw new ApiError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${text}'`);
    return machine;
  }

  #execution(arn: unknown): ExecutionRecord {
    const text = requiredString(arn, 'executionArn');
    if (!EXECUTION_ARN.test(text)) throw new ApiError('InvalidArn', `Invalid Arn: '${text}'`);
    const execution = this.#executions.get(text);
    if (!execution) throw new ApiError('ExecutionDoesNotExist', `Execution Does Not Exist: '${text}'`);
    return execution;
  }
}

function requiredString(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '') {
    throw new ApiError(
      'ValidationException',
      `1 validation error detected: '${field}' must be a non-empty string`,
    );
  }
  return value;
}

function optionalString(body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    throw new ApiError('ValidationException', `1 validation error detected: '${field}' must be a string`);
  }
  return value;
}

function parseJsonParam(
  body: Record<string, unknown>,
  field: string,
  errorType: string,
  fallback?: string,
): Json {
  const text = optionalString(body, field) ?? fallback;
  if (text === undefined) {
    throw new ApiError('ValidationException', `1 validation error detected: '${field}' must not be null`);
  }
  try {
    return JSON.parse(text) as Json;
  } catch {
    throw new ApiError(errorType, `${errorType}: '${field}' is not valid JSON`);
  }
}

// ---------------------------------------------------------------------------------------------------
// HTTP
// ---------------------------------------------------------------------------------------------------

export async function startStepFunctionsAdapter(
  opts: StepFunctionsAdapterOptions,
): Promise<StepFunctionsAdapter> {
  if (!Number.isFinite(opts.timeScale) || opts.timeScale <= 0) {
    throw new Error(`timeScale must be a positive number, got ${opts.timeScale}`);
  }
  const region = opts.region ?? 'us-east-1';
  const accountId = opts.accountId ?? '000000000000';
  const arns = new Map<string, string>();
  for (const machine of opts.stateMachines) {
    if (arns.has(machine.name)) throw new Error(`State machine "${machine.name}" is listed twice`);
    arns.set(machine.name, `arn:aws:states:${region}:${accountId}:stateMachine:${machine.name}`);
  }
  // Everything is loaded before listening: a broken definition fails the start, not the first execution.
  const machines = await Promise.all(
    opts.stateMachines.map((machine) =>
      loadStateMachine(machine, arns.get(machine.name) ?? '', opts.timeScale),
    ),
  );
  const runtime = new LocalStepFunctions(opts, machines);

  const server = await serveAwsJson({
    name: 'Step Functions',
    targetPrefix: 'AWSStepFunctions.',
    contentType: 'application/x-amz-json-1.0',
    maxRequestBytes: MAX_REQUEST_BYTES,
    ...(opts.port === undefined ? {} : { port: opts.port }),
    ...(opts.host === undefined ? {} : { host: opts.host }),
    dispatch: (action, body) => runtime.dispatch(action, body),
  });

  let closing: Promise<void> | undefined;
  return {
    url: server.url,
    stateMachineArn(name: string): string {
      const arn = arns.get(name);
      if (arn === undefined) throw new Error(`No local state machine named "${name}"`);
      return arn;
    },
    close(): Promise<void> {
      closing ??= (async () => {
        // Stopping settles every override, so the library clears its own timers too.
        await runtime.stopAll();
        await server.close();
      })();
      return closing;
    },
  };
}
