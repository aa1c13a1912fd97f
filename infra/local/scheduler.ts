/**
 * Local stand-in for Amazon EventBridge Scheduler, in memory, as small as what the functions use
 * (functions/platform/events/timers.ts): one-time `at(...)` schedules that call a target once.
 *
 * HTTP side, spoken the way `@aws-sdk/client-scheduler` v3 calls it (restJson1: the operation is
 * the method and path, a JSON body, errors as a status with `x-amzn-errortype: <Name>` and
 * `{ "Message" }`, so the SDK throws its `ConflictException`, `ResourceNotFoundException`, …):
 *
 * - `CreateSchedule` (`POST /schedules/{Name}`): validated as AWS does where it matters (name and
 *   group 1–64 of `[0-9a-zA-Z-_.]`, a Target with Arn and RoleArn, the RetryPolicy's ranges), and
 *   refused (`ValidationException`) where the stand-in would differ from AWS: an expression other
 *   than `at(yyyy-mm-ddThh:mm:ss)`, a time zone other than UTC, a FlexibleTimeWindow other than
 *   `{ Mode: 'OFF' }`. A name taken in its group is a `ConflictException`, unless the request
 *   repeats the ClientToken that made it (an SDK retry): then it answers the same ARN, as AWS's
 *   idempotency does. StartDate and EndDate are kept but ignored, as AWS ignores them for one-time
 *   schedules. Any group name is taken as existing (CDK makes the platform's on AWS).
 * - `GetSchedule` (`GET /schedules/{Name}?groupName=`) answers what was created, with the
 *   RetryPolicy's defaults filled in; `DeleteSchedule` (`DELETE /schedules/{Name}?groupName=`)
 *   cancels a schedule whose time has not come, and its retries if it has. An unknown schedule is a
 *   `ResourceNotFoundException`. Any other operation (UpdateSchedule, groups, tags) is refused.
 *
 * Firing: a schedule created at `now` for `due` calls `invoke(Target.Arn, Target.Input ?? '{}')`
 * after `max(0, due − now) ÷ timeScale` real milliseconds (a time already past: at once; AWS
 * would add up to 60 s of jitter, not here). A DISABLED schedule does not fire (it stays in
 * `pending()`). A call that rejects is retried as Scheduler does, with a back-off of 1 s doubling
 * up to 60 s (divided by `timeScale`, but at least 50 ms real, so a failing target does not spin),
 * until `MaximumRetryAttempts` (185 by default) retries are spent or the next try would come after
 * `MaximumEventAgeInSeconds` (a day by default) counted in scaled time from the first call; then
 * the input goes to `deadLetters()` with the last error (also when the target has no
 * DeadLetterConfig, where AWS would drop it: locally, a lost timer should be seen). A schedule
 * whose call succeeded or was dead-lettered is completed: deleted with `ActionAfterCompletion:
 * 'DELETE'`, else kept (GetSchedule still finds it) and never fired again. DeleteSchedule during
 * retries cancels them; a call under way then finishes, and its outcome changes nothing.
 *
 * `stop()` clears every timer (no call starts after it), waits a little for calls under way, and
 * closes the server.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { settledWithin } from './settled-within.ts';

export interface LocalSchedulerOptions {
  region: string;
  accountId: string;
  /** Waits are divided by it (86400: a day passes in a second). */
  timeScale: number;
  /** The target's call: a rejection is a failed invocation, retried as the RetryPolicy says. */
  invoke(targetArn: string, input: string): Promise<void>;
  port?: number;
}

export interface LocalScheduler {
  /** For AWS_ENDPOINT_URL_SCHEDULER. */
  url: string;
  /** Schedules not yet completed (name, group, due ISO time, target arn, input) – for tests. */
  pending(): Array<{ name: string; groupName: string; dueAt: string; targetArn: string; input: string }>;
  /** Inputs that exhausted their retries, as the target's DeadLetterConfig queue would hold them. */
  deadLetters(): Array<{ name: string; input: string; error: string }>;
  /** Clears every timer; no invocation starts after it. */
  stop(): Promise<void>;
}

/** An error of the API: the SDK throws the exception class named by `type`. */
class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

const validation = (message: string) => new ApiError(400, 'ValidationException', message);

interface Schedule {
  name: string;
  groupName: string;
  arn: string;
  /** As given, and as GetSchedule answers it (Target with the RetryPolicy's defaults). */
  wire: Record<string, unknown>;
  /** Epoch ms of the `at()` time. */
  dueAt: number;
  targetArn: string;
  input: string;
  maxRetries: number;
  maxAgeSeconds: number;
  deleteAfterCompletion: boolean;
  enabled: boolean;
  clientToken?: string;
  completed: boolean;
  /** Deleted by DeleteSchedule (or after completion): a call under way then changes nothing. */
  deleted: boolean;
  timer?: NodeJS.Timeout;
}

/** Scheduler's names: schedules and groups alike. */
const NAME = /^[0-9a-zA-Z\-_.]{1,64}$/;
const AT = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/;
const DEFAULT_GROUP = 'default';
const DEFAULT_RETRY_ATTEMPTS = 185;
const DEFAULT_EVENT_AGE_SECONDS = 86_400;
const MIN_EVENT_AGE_SECONDS = 60;
const FIRST_RETRY_MS = 1_000;
const MAX_RETRY_MS = 60_000;
/** The shortest real wait between two tries (see the header). */
const MIN_RETRY_WAIT_MS = 50;
/** setTimeout's ceiling (~24.8 days): longer waits are re-armed in steps. */
const MAX_DELAY_MS = 2 ** 31 - 1;
const MAX_REQUEST_BYTES = 1024 * 1024;
const MAX_ARN_LENGTH = 1600;
const MAX_INPUT_LENGTH = 8192;
const MAX_DESCRIPTION_LENGTH = 512;
const STOP_WAIT_MS = 5_000;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const constraint = (value: unknown, field: string, rule: string) =>
  validation(
    `1 validation error detected: Value '${String(value)}' at '${field}' failed to satisfy constraint: ${rule}`,
  );

function checkName(value: unknown, field: string): string {
  if (typeof value !== 'string' || !NAME.test(value))
    throw constraint(
      value,
      field,
      'Member must have length between 1 and 64 and satisfy regular expression pattern: [0-9a-zA-Z-_.]+',
    );
  return value;
}

function optionalString(body: Record<string, unknown>, field: string, max: number): string | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length < 1 || value.length > max)
    throw constraint(value, field, `Member must have length between 1 and ${max}`);
  return value;
}

function requiredString(body: Record<string, unknown>, field: string, max: number): string {
  const value = optionalString(body, field, max);
  if (value === undefined) throw constraint(null, field, 'Member must not be null');
  return value;
}

function optionalInteger(
  body: Record<string, unknown>,
  field: string,
  min: number,
  max: number,
): number | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    throw constraint(value, field, `Member must have value between ${min} and ${max}`);
  return value;
}

/** Epoch ms of an `at(yyyy-mm-ddThh:mm:ss)` expression, read in UTC. */
function dueTime(expression: unknown): number {
  if (typeof expression !== 'string' || expression === '')
    throw constraint(null, 'scheduleExpression', 'Member must not be null');
  if (!expression.startsWith('at('))
    throw validation(
      `The local Scheduler serves one-time schedules only (at(yyyy-mm-ddThh:mm:ss)), not ${expression}`,
    );
  const [, ...parts] = AT.exec(expression) ?? [];
  const [year, month, day, hour, minute, second] = parts.map(Number);
  if (
    year === undefined ||
    month === undefined ||
    day === undefined ||
    hour === undefined ||
    minute === undefined ||
    second === undefined
  )
    throw validation(`Invalid Schedule Expression ${expression}.`);
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const date = new Date(ms);
  // Date.UTC rolls 2026-02-30 over to March: a date that does not come back as given is invalid.
  if (
    date.getUTCFullYear() !== year ||
    date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day ||
    date.getUTCHours() !== hour ||
    date.getUTCMinutes() !== minute ||
    date.getUTCSeconds() !== second
  )
    throw validation(`Invalid Schedule Expression ${expression}.`);
  return ms;
}

export async function startScheduler(opts: LocalSchedulerOptions): Promise<LocalScheduler> {
  if (!Number.isFinite(opts.timeScale) || opts.timeScale <= 0)
    throw new Error(`timeScale must be a positive number, got ${opts.timeScale}`);
  /** By `${group}/${name}`. */
  const schedules = new Map<string, Schedule>();
  const dead: Array<{ name: string; input: string; error: string }> = [];
  const calls = new Set<Promise<void>>();
  let stopped = false;

  const keyOf = (groupName: string, name: string) => `${groupName}/${name}`;
  const found = (name: string, groupName: string): Schedule => {
    const schedule = schedules.get(keyOf(groupName, name));
    if (!schedule) throw new ApiError(404, 'ResourceNotFoundException', `Schedule ${name} does not exist.`);
    return schedule;
  };
  const remove = (schedule: Schedule) => {
    schedule.deleted = true;
    clearTimeout(schedule.timer);
    schedule.timer = undefined;
    const key = keyOf(schedule.groupName, schedule.name);
    if (schedules.get(key) === schedule) schedules.delete(key);
  };

  /** Runs `run` at the real time `at` (epoch ms), in steps of at most setTimeout's ceiling. */
  const arm = (schedule: Schedule, at: number, run: () => void) => {
    if (stopped || schedule.deleted) return;
    schedule.timer = setTimeout(
      () => {
        schedule.timer = undefined;
        if (Date.now() < at) arm(schedule, at, run);
        else if (!stopped && !schedule.deleted) run();
      },
      Math.min(Math.max(at - Date.now(), 0), MAX_DELAY_MS),
    );
  };

  const complete = (schedule: Schedule) => {
    schedule.completed = true;
    if (schedule.deleteAfterCompletion) remove(schedule);
  };

  /** One try; `retries` tries failed before it, the first at `firstAt` (real epoch ms). */
  const attempt = (schedule: Schedule, firstAt: number, retries: number) => {
    const call = (async () => {
      let error: unknown;
      try {
        await opts.invoke(schedule.targetArn, schedule.input);
        if (!schedule.deleted) complete(schedule);
        return;
      } catch (e) {
        error = e;
      }
      // Stopped or deleted meanwhile: nothing more happens to it.
      if (stopped || schedule.deleted) return;
      const wait = Math.max(
        Math.min(FIRST_RETRY_MS * 2 ** retries, MAX_RETRY_MS) / opts.timeScale,
        MIN_RETRY_WAIT_MS,
      );
      const next = Date.now() + wait;
      const ageAtNextSeconds = ((next - firstAt) * opts.timeScale) / 1000;
      if (retries >= schedule.maxRetries || ageAtNextSeconds > schedule.maxAgeSeconds) {
        dead.push({
          name: schedule.name,
          input: schedule.input,
          error: error instanceof Error ? error.message : String(error),
        });
        console.warn(
          `[Scheduler] schedule ${schedule.groupName}/${schedule.name} failed ${retries + 1} time(s); its input is dead-lettered`,
        );
        complete(schedule);
        return;
      }
      arm(schedule, next, () => attempt(schedule, firstAt, retries + 1));
    })();
    calls.add(call);
    void call.finally(() => calls.delete(call));
  };

  const create = (name: string, body: Record<string, unknown>) => {
    const groupName = checkName(body.GroupName ?? DEFAULT_GROUP, 'groupName');
    const dueAt = dueTime(body.ScheduleExpression);
    const timezone = body.ScheduleExpressionTimezone;
    if (timezone !== undefined && timezone !== 'UTC')
      throw validation(`The local Scheduler reads at() in UTC only, not in ${String(timezone)}`);
    const window = body.FlexibleTimeWindow;
    if (!isObject(window)) throw constraint(null, 'flexibleTimeWindow', 'Member must not be null');
    if (window.Mode !== 'OFF' || window.MaximumWindowInMinutes !== undefined)
      throw validation('The local Scheduler serves FlexibleTimeWindow { Mode: OFF } only');
    const target = body.Target;
    if (!isObject(target)) throw constraint(null, 'target', 'Member must not be null');
    const targetArn = requiredString(target, 'Arn', MAX_ARN_LENGTH);
    requiredString(target, 'RoleArn', MAX_ARN_LENGTH);
    const input = optionalString(target, 'Input', MAX_INPUT_LENGTH);
    const retry = target.RetryPolicy ?? {};
    if (!isObject(retry)) throw constraint(retry, 'target.retryPolicy', 'Member must be a structure');
    const maxRetries =
      optionalInteger(retry, 'MaximumRetryAttempts', 0, DEFAULT_RETRY_ATTEMPTS) ?? DEFAULT_RETRY_ATTEMPTS;
    const maxAgeSeconds =
      optionalInteger(retry, 'MaximumEventAgeInSeconds', MIN_EVENT_AGE_SECONDS, DEFAULT_EVENT_AGE_SECONDS) ??
      DEFAULT_EVENT_AGE_SECONDS;
    const deadLetter = target.DeadLetterConfig;
    if (deadLetter !== undefined) {
      if (!isObject(deadLetter))
        throw constraint(deadLetter, 'target.deadLetterConfig', 'Member must be a structure');
      optionalString(deadLetter, 'Arn', MAX_ARN_LENGTH);
    }
    const action = body.ActionAfterCompletion ?? 'NONE';
    if (action !== 'NONE' && action !== 'DELETE')
      throw constraint(action, 'actionAfterCompletion', 'Member must satisfy enum value set: [NONE, DELETE]');
    const state = body.State ?? 'ENABLED';
    if (state !== 'ENABLED' && state !== 'DISABLED')
      throw constraint(state, 'state', 'Member must satisfy enum value set: [ENABLED, DISABLED]');
    optionalString(body, 'Description', MAX_DESCRIPTION_LENGTH);
    optionalString(body, 'KmsKeyArn', 2048);
    for (const field of ['StartDate', 'EndDate'])
      if (body[field] !== undefined && typeof body[field] !== 'number')
        throw constraint(body[field], field, 'Member must be a timestamp');
    const clientToken = optionalString(body, 'ClientToken', 64);

    const key = keyOf(groupName, name);
    const existing = schedules.get(key);
    if (existing) {
      if (clientToken !== undefined && existing.clientToken === clientToken)
        return { ScheduleArn: existing.arn };
      throw new ApiError(409, 'ConflictException', `Schedule ${name} already exists.`);
    }

    const now = Date.now();
    const arn = `arn:aws:scheduler:${opts.region}:${opts.accountId}:schedule/${groupName}/${name}`;
    const schedule: Schedule = {
      name,
      groupName,
      arn,
      wire: {
        Arn: arn,
        Name: name,
        GroupName: groupName,
        ScheduleExpression: body.ScheduleExpression,
        ...(timezone === undefined ? {} : { ScheduleExpressionTimezone: timezone }),
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: {
          ...target,
          RetryPolicy: { MaximumRetryAttempts: maxRetries, MaximumEventAgeInSeconds: maxAgeSeconds },
        },
        ActionAfterCompletion: action,
        State: state,
        CreationDate: now / 1000,
        LastModificationDate: now / 1000,
        ...Object.fromEntries(
          ['Description', 'KmsKeyArn', 'StartDate', 'EndDate']
            .filter((field) => body[field] !== undefined)
            .map((field) => [field, body[field]]),
        ),
      },
      dueAt,
      targetArn,
      input: input ?? '{}',
      maxRetries,
      maxAgeSeconds,
      deleteAfterCompletion: action === 'DELETE',
      enabled: state === 'ENABLED',
      ...(clientToken === undefined ? {} : { clientToken }),
      completed: false,
      deleted: false,
    };
    schedules.set(key, schedule);
    if (schedule.enabled) {
      const fireAt = now + Math.max(0, dueAt - now) / opts.timeScale;
      arm(schedule, fireAt, () => attempt(schedule, Date.now(), 0));
    }
    return { ScheduleArn: arn };
  };

  const dispatch = (method: string, url: URL, body: Record<string, unknown>): unknown => {
    const path = /^\/schedules\/([^/]+)$/.exec(url.pathname);
    let name: string | undefined;
    try {
      name = path?.[1] === undefined ? undefined : decodeURIComponent(path[1]);
    } catch {
      throw validation('The schedule name in the path is not valid percent-encoding');
    }
    if (name === undefined || !['POST', 'GET', 'DELETE'].includes(method))
      throw new ApiError(
        404,
        'UnknownOperationException',
        `The local Scheduler answers CreateSchedule, GetSchedule and DeleteSchedule only, not ${method} ${url.pathname}`,
      );
    checkName(name, 'name');
    if (method === 'POST') return create(name, body);
    const groupName = checkName(url.searchParams.get('groupName') ?? DEFAULT_GROUP, 'groupName');
    const schedule = found(name, groupName);
    if (method === 'GET') return schedule.wire;
    remove(schedule);
    return {};
  };

  const send = (response: ServerResponse, status: number, body: unknown, errorType?: string) => {
    const text = JSON.stringify(body);
    response.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
      'x-amzn-requestid': randomUUID(),
      ...(errorType === undefined ? {} : { 'x-amzn-errortype': errorType }),
    });
    response.end(text);
  };

  const readBody = async (request: IncomingMessage): Promise<string> => {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of request) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
      size += buffer.length;
      if (size > MAX_REQUEST_BYTES) throw validation('Request body is too large');
      chunks.push(buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const method = request.method ?? 'GET';
    const url = new URL(request.url ?? '/', 'http://scheduler.local');
    try {
      const text = await readBody(request);
      let body: unknown;
      try {
        body = text === '' ? {} : JSON.parse(text);
      } catch {
        throw validation('Request body is not valid JSON');
      }
      if (!isObject(body)) throw validation('Request body must be a JSON object');
      send(response, 200, dispatch(method, url, body));
    } catch (error) {
      if (error instanceof ApiError) {
        send(response, error.status, { Message: error.message }, error.type);
        return;
      }
      // Our own bug, not the caller's: say so on stderr.
      console.error(
        `[Scheduler] ${method} ${url.pathname} failed:`,
        error instanceof Error ? error.message : error,
      );
      send(response, 500, { Message: 'Internal error in the local Scheduler' }, 'InternalServerException');
    }
  };

  const server = createServer((request, response) => void handle(request, response));
  const host = '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string')
    throw new Error('The Scheduler server has no TCP address');

  let stopping: Promise<void> | undefined;
  return {
    url: `http://${host}:${address.port}`,
    pending: () =>
      [...schedules.values()]
        .filter((s) => !s.completed)
        .map((s) => ({
          name: s.name,
          groupName: s.groupName,
          dueAt: new Date(s.dueAt).toISOString(),
          targetArn: s.targetArn,
          input: s.input,
        })),
    deadLetters: () => dead.map((d) => ({ ...d })),
    // Stopping twice is stopping once.
    stop: () => {
      stopping ??= (async () => {
        stopped = true;
        for (const schedule of schedules.values()) {
          clearTimeout(schedule.timer);
          schedule.timer = undefined;
        }
        await settledWithin(calls, STOP_WAIT_MS);
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      })();
      return stopping;
    },
  };
}
