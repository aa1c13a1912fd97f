/**
 * Task states and task tokens. Every Task state has a `taskResourceLocalHandlers` override that runs
 * here: it calls `invokeFunction` (never AWS) and shapes the result like the service integration does.
 * `.waitForTaskToken` and task tokens, which the library has neither of, are done here too, see
 * `#awaitCallback`.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { AwsJsonError as ApiError } from '../aws-json.ts';
import type { TaskSpec } from './definition.ts';
import type { ExecutionHistory, TaskAttempt } from './history.ts';
import { isJsonObject, type Json } from './json.ts';

/** Invokes a Lambda function by name or ARN the way the Lambda service would, returning its result. */
export type InvokeFunction = (functionNameOrArn: string, payload: unknown) => Promise<unknown>;

/** What a task sees of its execution (engine.ts's ExecutionRecord is one). */
export interface TaskExecution {
  /** `RUNNING` until the execution ends or is stopped. */
  readonly status: string;
  /** Stands in the context object for `$$.Task.Token` until a callback task swaps in a real token. */
  readonly tokenSentinel: string;
  /** Cancels outstanding local work (Lambda calls, callbacks) when the execution ends. */
  readonly pending: Set<() => void>;
  readonly history: ExecutionHistory;
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
 * Local work a task does (a Lambda call, a callback), bound to its execution so that stopping the
 * execution settles it at once: the library only clears its own task timer when the task's promise
 * settles, and a pending timer would keep the process alive. `start` returns its cleanup.
 */
function pendingWork<T>(
  execution: TaskExecution,
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
  invokeFunction: InvokeFunction,
  functionName: string,
  payload: Json,
): Promise<unknown> {
  return invokeFunction(functionName, payload);
}

/** Runs Task states for the engine and keeps the task tokens of callback tasks. */
export class TaskRunner {
  readonly #invokeFunction: InvokeFunction;
  /** Callback tasks waiting for SendTaskSuccess, by task token. */
  readonly #waiting = new Map<string, (output: Json) => void>();
  /** Signs the tokens we issue, so a closed task's token is told apart from a made-up one. */
  readonly #tokenKey = randomBytes(32);

  constructor(invokeFunction: InvokeFunction) {
    this.#invokeFunction = invokeFunction;
  }

  // --- task tokens: random, opaque, never logged --------------------------------------------------

  #issueToken(): string {
    const id = randomBytes(32);
    return Buffer.concat([id, this.#tokenMac(id)]).toString('base64url');
  }

  #tokenMac(id: Buffer): Buffer {
    return createHmac('sha256', this.#tokenKey).update(id).digest().subarray(0, 16);
  }

  /** What completes the task waiting on `token`; the service's errors for any other token. */
  waitingTask(token: unknown): (output: Json) => void {
    if (typeof token !== 'string' || token === '') throw new ApiError('InvalidToken', 'Invalid token');
    const succeed = this.#waiting.get(token);
    if (succeed) return succeed;
    const raw = Buffer.from(token, 'base64url');
    if (raw.length === 48 && raw.toString('base64url') === token) {
      if (timingSafeEqual(raw.subarray(32), this.#tokenMac(raw.subarray(0, 32)))) {
        // What the service answers for a token whose task completed, failed, timed out or was stopped.
        throw new ApiError('TaskTimedOut', "Task Timed Out: 'Provided task does not exist anymore'");
      }
    }
    throw new ApiError('InvalidToken', 'Invalid token');
  }

  // --- tasks --------------------------------------------------------------------------------------

  async run(execution: TaskExecution, stateName: string, spec: TaskSpec, input: Json): Promise<Json> {
    switch (spec.kind) {
      case 'lambda-invoke': {
        const request = lambdaRequest(input, stateName);
        return this.#traced(execution, stateName, 'invoke', input, async () => {
          const payload = await this.#invoke(execution, request);
          // The shape of the optimized integration's result (minus the SDK's HTTP metadata).
          return { ExecutedVersion: '$LATEST', Payload: payload, StatusCode: 200 };
        });
      }
      case 'lambda-callback':
        return this.#awaitCallback(execution, stateName, spec.timeoutMs, input);
    }
  }

  /** Runs one task attempt and records its Scheduled/Started/… events (none once the execution ended). */
  async #traced(
    execution: TaskExecution,
    stateName: string,
    resource: string,
    parameters: Json,
    run: (attempt: TaskAttempt) => Promise<Json>,
  ): Promise<Json> {
    const attempt = execution.history.taskScheduled(stateName, resource, parameters);
    try {
      const output = await run(attempt);
      if (execution.status === 'RUNNING') execution.history.taskSucceeded(attempt, output);
      return output;
    } catch (error) {
      if (execution.status === 'RUNNING') execution.history.taskFailed(attempt, error);
      throw error;
    }
  }

  async #invoke(execution: TaskExecution, request: LambdaRequest): Promise<Json> {
    const result = await pendingWork<unknown>(execution, (resolve, reject) => {
      callFunction(this.#invokeFunction, request.functionName, request.payload).then(resolve, (error) =>
        reject(lambdaFailure(error)),
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
    execution: TaskExecution,
    stateName: string,
    timeoutMs: number,
    parameters: Json,
  ): Promise<Json> {
    const token = this.#issueToken();
    const withToken = replaceText(parameters, execution.tokenSentinel, token);
    const request = lambdaRequest(withToken, stateName);
    const wait = (attempt: TaskAttempt) => this.#callback(execution, timeoutMs, token, request, attempt);
    return this.#traced(execution, stateName, 'invoke.waitForTaskToken', withToken, wait);
  }

  #callback(
    execution: TaskExecution,
    timeoutMs: number,
    token: string,
    request: LambdaRequest,
    attempt: TaskAttempt,
  ): Promise<Json> {
    return pendingWork<Json>(execution, (resolve, reject) => {
      // The library's TimeoutSeconds timer, started right after this override returns, fails the state
      // with its own States.Timeout; this timer, 1 ms later, only retires the token afterwards.
      const expiry = setTimeout(
        () => reject(new TaskFailure('States.Timeout', 'The task timed out')),
        timeoutMs + 1,
      );
      this.#waiting.set(token, resolve);
      // The function's own result is ignored, as on AWS (only the history shows it); its failure fails the task.
      callFunction(this.#invokeFunction, request.functionName, request.payload).then(
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
        this.#waiting.delete(token);
        clearTimeout(expiry);
      };
    });
  }
}
