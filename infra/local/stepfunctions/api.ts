/**
 * The Step Functions API actions we call (StartExecution, DescribeExecution, ListExecutions,
 * GetExecutionHistory, SendTaskSuccess): request validation and the service's answers and errors,
 * on top of the engine. Any other action is an UnknownOperationException.
 */
import { randomUUID } from 'node:crypto';
import { AwsJsonError as ApiError } from '../aws-json.ts';
import type { LoadedMachine } from './definition.ts';
import type { Engine, ExecutionRecord } from './engine.ts';
import { historyEventJson } from './history.ts';
import type { Json } from './json.ts';

const STATE_MACHINE_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[^:]+$/;
const EXECUTION_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:execution:[^:]+:[^:]+$/;
/** Characters the service refuses in execution names (whitespace, brackets, wildcards, specials, controls). */
const INVALID_NAME_CHARACTER = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\p{Cc}]/u;

const epochSeconds = (date: Date): number => date.getTime() / 1000;

/** Answers one API action, as awsJson's `dispatch`; throws ApiError for the caller's mistakes. */
export function dispatch(
  engine: Engine,
  action: string,
  body: Record<string, unknown>,
): Record<string, unknown> {
  switch (action) {
    case 'StartExecution':
      return startExecution(engine, body);
    case 'DescribeExecution':
      return describe(execution(engine, body.executionArn));
    case 'ListExecutions':
      return listExecutions(engine, body);
    case 'GetExecutionHistory':
      return getExecutionHistory(engine, body);
    case 'SendTaskSuccess': {
      const succeed = engine.tasks.waitingTask(body.taskToken);
      succeed(parseJsonParam(body, 'output', 'InvalidOutput'));
      return {};
    }
    default:
      throw new ApiError(
        'UnknownOperationException',
        `${action} is not supported by the local Step Functions`,
      );
  }
}

function startExecution(engine: Engine, body: Record<string, unknown>): Record<string, unknown> {
  const machine = stateMachine(engine, body.stateMachineArn);
  const name = optionalString(body, 'name') ?? randomUUID();
  if (name.length < 1 || name.length > 80 || INVALID_NAME_CHARACTER.test(name)) {
    throw new ApiError('InvalidName', `Invalid Name: '${name}'`);
  }
  const inputText = optionalString(body, 'input') ?? '{}';
  const input = parseJsonParam(body, 'input', 'InvalidExecutionInput', inputText);
  const arn = engine.executionArn(machine, name);
  const existing = engine.execution(arn);
  if (existing) {
    // Standard workflows: the same name and input while running is idempotent; anything else is refused.
    if (existing.status === 'RUNNING' && existing.input === inputText) {
      return { executionArn: existing.arn, startDate: epochSeconds(existing.startDate) };
    }
    throw new ApiError('ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`);
  }
  const started = engine.start(machine, name, inputText, input);
  return { executionArn: started.arn, startDate: epochSeconds(started.startDate) };
}

function listExecutions(engine: Engine, body: Record<string, unknown>): Record<string, unknown> {
  const machine = stateMachine(engine, body.stateMachineArn);
  const statusFilter = optionalString(body, 'statusFilter');
  const maxResults =
    typeof body.maxResults === 'number' && body.maxResults > 0
      ? Math.min(Math.floor(body.maxResults), 1000)
      : 100;
  const nextToken = optionalString(body, 'nextToken');
  const offset = nextToken === undefined ? 0 : Number.parseInt(nextToken, 10);
  if (!Number.isInteger(offset) || offset < 0) throw new ApiError('InvalidToken', 'Invalid nextToken');
  const matching = [...engine.executions()]
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

function getExecutionHistory(engine: Engine, body: Record<string, unknown>): Record<string, unknown> {
  const { history } = execution(engine, body.executionArn);
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
  const events = reverseOrder ? [...history.events].reverse() : history.events;
  return {
    events: events
      .slice(offset, offset + pageSize)
      .map((event) => historyEventJson(event, includeExecutionData)),
    nextToken: offset + pageSize < events.length ? String(offset + pageSize) : undefined,
  };
}

function describe(execution: ExecutionRecord): Record<string, unknown> {
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

function stateMachine(engine: Engine, arn: unknown): LoadedMachine {
  const text = requiredString(arn, 'stateMachineArn');
  if (!STATE_MACHINE_ARN.test(text)) throw new ApiError('InvalidArn', `Invalid Arn: '${text}'`);
  const machine = engine.machine(text);
  if (!machine) throw new ApiError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${text}'`);
  return machine;
}

function execution(engine: Engine, arn: unknown): ExecutionRecord {
  const text = requiredString(arn, 'executionArn');
  if (!EXECUTION_ARN.test(text)) throw new ApiError('InvalidArn', `Invalid Arn: '${text}'`);
  const found = engine.execution(text);
  if (!found) throw new ApiError('ExecutionDoesNotExist', `Execution Does Not Exist: '${text}'`);
  return found;
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
