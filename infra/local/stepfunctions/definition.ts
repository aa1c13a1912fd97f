/**
 * Loading a state machine definition: substitutions, validation, and the time-scaled in-memory copy the
 * interpreter runs (see `compileDefinition`). The file on disk is what CDK deploys; it is never edited.
 *
 * Only what our definitions use runs locally: Task states on `lambda:invoke` and
 * `lambda:invoke.waitForTaskToken`, Choice, Pass, Succeed and Fail, in JSONPath. Anything else (Wait,
 * Parallel, Map, other resources, heartbeats) fails the load, as a broken definition would.
 */
import '../promise-with-resolvers.ts';

import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { resolve as resolvePath } from 'node:path';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { isJsonObject, isRecord, type Json, type JsonObject, jsonObject } from './json.ts';

export interface LocalStateMachine {
  name: string;
  definitionFile: string;
  substitutions: Record<string, string>;
}

/**
 * Every scaled delay is clamped to this (~24.8 days), just below what Node's setTimeout holds (a signed
 * 32-bit millisecond count; a longer delay would fire after 1 ms instead).
 */
const MAX_DELAY_MS = 2_147_000_000;
/** aws-local-stepfunctions' own Task timeout when TimeoutSeconds is absent (AWS would wait a year). */
const LIBRARY_DEFAULT_TASK_TIMEOUT_MS = 60_000;
const DEFAULT_RETRY_INTERVAL_SECONDS = 1;

const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';
const LAMBDA_INVOKE_CALLBACK = 'arn:aws:states:::lambda:invoke.waitForTaskToken';
const UNSUPPORTED_STATE_TYPES = new Set(['Wait', 'Parallel', 'Map']);

/** What the override registered for a Task state does. */
export type TaskSpec = { kind: 'lambda-invoke' } | { kind: 'lambda-callback'; timeoutMs: number };

export interface LoadedMachine {
  name: string;
  arn: string;
  stateMachine: StateMachine;
  tasks: ReadonlyMap<string, TaskSpec>;
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
 * Why an in-memory copy: the library has no hook for Task timeouts or retry intervals. Dividing the
 * numbers in a copy keeps the library's own semantics and, crucially, its own TimeoutSeconds timer,
 * which raises its genuine `States.Timeout` (a `States.TaskFailed` catcher must not catch that one, and
 * the library tells them apart by class, which it does not export).
 *
 * - Top-level and callback-task (`.waitForTaskToken`) `TimeoutSeconds`, Retry `IntervalSeconds` and
 *   `MaxDelaySeconds` are divided by timeScale and clamped; a plain invocation's `TimeoutSeconds` is the
 *   function's compute budget and stays as written (the copy skips validation, since fractional seconds
 *   are not valid ASL).
 * - Task states are classified so the override knows what to do (see TaskSpec).
 */
function compileDefinition(definition: JsonObject, c: Compilation): void {
  if (typeof definition.TimeoutSeconds === 'number') {
    definition.TimeoutSeconds = Math.max(scaledMs(definition.TimeoutSeconds, c.timeScale), 1) / 1000;
  }
  if (definition.QueryLanguage !== undefined && definition.QueryLanguage !== 'JSONPath') {
    throw new Error(
      `${c.file}: the local interpreter supports JSONPath only, not ${String(definition.QueryLanguage)}`,
    );
  }
  const states = jsonObject(definition.States, `${c.file}: States`);
  for (const [name, value] of Object.entries(states)) {
    const state = jsonObject(value, `${c.file}: state "${name}"`);
    if (state.QueryLanguage !== undefined && state.QueryLanguage !== 'JSONPath') {
      throw new Error(`${c.file}: state "${name}": the local interpreter supports JSONPath only`);
    }
    if (typeof state.Type === 'string' && UNSUPPORTED_STATE_TYPES.has(state.Type)) {
      throw new Error(`${c.file}: state "${name}": ${state.Type} states are not supported locally`);
    }
    checkTaskTokenUse(name, state, c);
    if (state.Type === 'Task') compileTask(name, state, c);
  }
}

/**
 * The context object we hand the library has `Task.Token` for every state (it has one context per
 * execution), whereas on AWS only a `.waitForTaskToken` task has one. Reading it anywhere else would
 * leak the sentinel, so it is refused up front, as a deploy would refuse it.
 */
function checkTaskTokenUse(name: string, state: JsonObject, c: Compilation): void {
  const isCallback = state.Type === 'Task' && state.Resource === LAMBDA_INVOKE_CALLBACK;
  if (!isCallback && JSON.stringify(state).includes('$$.Task')) {
    throw new Error(`${c.file}: state "${name}" reads $$.Task, which only .waitForTaskToken tasks have`);
  }
  if (isCallback && !JSON.stringify(state.Parameters ?? null).includes('$$.Task.Token')) {
    throw new Error(`${c.file}: state "${name}" waits for a task token but never passes $$.Task.Token`);
  }
}

function compileTask(name: string, state: JsonObject, c: Compilation): void {
  if ('TimeoutSecondsPath' in state) {
    // The library evaluates TimeoutSecondsPath itself, unscaled: a day-long timeout would stay a day.
    throw new Error(
      `${c.file}: state "${name}" uses TimeoutSecondsPath, which the local runtime cannot scale; use TimeoutSeconds`,
    );
  }
  for (const field of ['HeartbeatSeconds', 'HeartbeatSecondsPath']) {
    if (field in state) {
      throw new Error(`${c.file}: state "${name}" uses ${field}, which is not supported locally`);
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
    c.tasks.set(name, { kind: 'lambda-callback', timeoutMs });
  } else {
    throw new Error(
      `${c.file}: state "${name}": Resource ${String(resource)} is not supported locally ` +
        `(supported: ${LAMBDA_INVOKE}, ${LAMBDA_INVOKE_CALLBACK})`,
    );
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

/** Reads, fills, validates and compiles one definition into a runnable machine. */
export async function loadStateMachine(
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
  // Validated above; the compiled copy is that definition with its durations scaled.
  const stateMachine = new StateMachine(definition as unknown as StateMachineDefinition, {
    validationOptions: { noValidate: true },
  });
  return { name: machine.name, arn, stateMachine, tasks: compilation.tasks };
}
