import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { BUNDLE_FILE } from '../bundle.ts';

/** What Lambda itself sets in every function's environment, beside the function's own variables. */
export function lambdaReservedEnvironment(functionName: string, region: string): Record<string, string> {
  return {
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_LAMBDA_FUNCTION_NAME: functionName,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    // This machine runs Node 20 (Lambda runs 22); the SDK's reminder about it is noise here.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

/** One deployed function as the local runtime runs it: its bundle and its whole environment. */
export interface LocalFunction {
  name: string;
  /** Builds (once) the function's bundle, exactly as CDK deploys it, and answers its folder. */
  bundle(): Promise<string>;
  env: Record<string, string>;
}

/** One line a function printed, as its CloudWatch log group keeps it. */
export interface LogLine {
  /** The function's handler module (as in the route, workflow and consumer tables). */
  handler: string;
  /** Its name: the log group is `/aws/lambda/<functionName>`, as its context says. */
  functionName: string;
  /** One per worker, as Lambda names one log stream per execution environment. */
  stream: string;
  /** When the line was printed, epoch milliseconds. */
  at: number;
  /** `stdout` or `stderr`. */
  output: 'stdout' | 'stderr';
  message: string;
}

/** Powertools' log levels, low to high; a line's `level` below the print level is kept, not printed. */
const LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'SILENT'];
const rank = (level: unknown) => LEVELS.indexOf(String(level).toUpperCase());

/**
 * The level functions log at, given the level the runtime prints: INFO at least, as on AWS (the
 * stacks set no POWERTOOLS_LOG_LEVEL, so Powertools' INFO applies), so the kept lines are what
 * CloudWatch would hold; a lower one (DEBUG) when asked.
 */
export const functionLogLevel = (printLevel = 'WARN') =>
  rank(printLevel) >= 0 && rank(printLevel) < rank('INFO') ? printLevel.toUpperCase() : 'INFO';

/**
 * The functions' output, the local stand-in for their CloudWatch log groups: the last lines of
 * each function (bounded, oldest dropped first), for tests and the CloudWatch Logs stand-in
 * (logs.ts) to read.
 */
export class FunctionLogs {
  private readonly byHandler = new Map<string, LogLine[]>();

  constructor(private readonly linesPerFunction: number) {}

  add(line: LogLine): void {
    let lines = this.byHandler.get(line.handler);
    if (!lines) {
      lines = [];
      this.byHandler.set(line.handler, lines);
    }
    lines.push(line);
    if (lines.length > this.linesPerFunction) lines.splice(0, lines.length - this.linesPerFunction);
  }

  /** The kept lines of the function built from `handler`, or of all of them, oldest first. */
  lines(handler?: string): LogLine[] {
    if (handler !== undefined) return [...(this.byHandler.get(handler) ?? [])];
    return [...this.byHandler.values()].flat().sort((a, b) => a.at - b.at);
  }

  /** The kept lines that match, oldest first; `json` is the line parsed when it is a JSON object. */
  find(predicate: (line: LogLine, json: Record<string, unknown> | undefined) => boolean): LogLine[] {
    return this.lines().filter((line) => predicate(line, parseJsonLine(line.message)));
  }
}

/** A structured line (Powertools' logger, an EMF metric) as an object; undefined for any other. */
export function parseJsonLine(message: string): Record<string, unknown> | undefined {
  if (!message.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(message);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether a line is printed at `printLevel`: a logger line by its `level`, an EMF metric line as
 * INFO; anything else (a crash's stack, a stray console.log) always is.
 */
function printed(message: string, printLevel: string): boolean {
  const json = parseJsonLine(message);
  const level = json?.level ?? (json?._aws === undefined ? undefined : 'INFO');
  return level === undefined || rank(level) < 0 || rank(level) >= rank(printLevel);
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * The code each worker runs: it imports the function's bundle (its cold start) and answers
 * invocations. It is CommonJS evaluated by the worker; the bundle itself is an ES module.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
import(workerData.url).then((mod) => {
  if (typeof mod.handler !== 'function') throw new Error('the bundle exports no handler');
  parentPort.postMessage({ ready: true });
  parentPort.on('message', async ({ id, event, context }) => {
    const deadline = Date.now() + context.timeoutMs;
    const ctx = { ...context, getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      done() {}, fail() {}, succeed() {} };
    try {
      parentPort.postMessage({ id, result: await mod.handler(event, ctx) });
    } catch (error) {
      parentPort.postMessage({ id, error: { name: error?.name ?? 'Error', message: String(error?.message ?? error), stack: error?.stack } });
    }
  });
}, (error) => parentPort.postMessage({ initError: { name: error?.name ?? 'Error', message: String(error?.message ?? error), stack: error?.stack } }));
`;

/**
 * Runs each function as Lambda does: its own module instance (a worker thread, started on
 * its first call like a cold start and stopped when idle) with only its own environment, so
 * a handler that touches a resource its route does not declare fails here as on AWS. Its
 * bundle is built on that first call too, so the runtime starts without building them all.
 * What each prints is kept in `logs` (its log group) and printed here from `printLevel` up.
 */
export class LocalFunctions {
  private readonly workers = new Map<string, Promise<FunctionWorker>>();
  private stopped = false;
  readonly logs: FunctionLogs;

  constructor(
    private readonly functions: ReadonlyMap<string, LocalFunction>,
    private readonly opts: {
      timeoutMs: number;
      idleMs: number;
      /** Lines below this level are kept but not printed (WARN by default). */
      printLevel?: string;
      /** How many lines of each function are kept (5,000 by default). */
      logLinesPerFunction?: number;
    },
  ) {
    this.logs = new FunctionLogs(opts.logLinesPerFunction ?? 5_000);
  }

  /** Invokes the function built from handler module `handler` (as in the route and workflow tables). */
  async invoke(handler: string, event: unknown): Promise<unknown> {
    // After stop, a late caller (a workflow timer, say) must not start a worker nobody stops.
    if (this.stopped)
      throw Object.assign(new Error('The local runtime is stopping'), { name: 'Lambda.ServiceException' });
    const fn = this.functions.get(handler);
    if (!fn) {
      throw Object.assign(new Error(`Function not found: ${handler}`), {
        name: 'Lambda.ResourceNotFoundException',
      });
    }
    let worker = this.workers.get(handler);
    if (!worker) {
      const output = (stream: LogLine['stream'], kind: LogLine['output'], message: string) => {
        this.logs.add({ handler, functionName: fn.name, stream, at: Date.now(), output: kind, message });
        if (printed(message, this.opts.printLevel ?? 'WARN'))
          (kind === 'stderr' ? process.stderr : process.stdout).write(`${message}\n`);
      };
      worker = FunctionWorker.start(fn, () => this.workers.delete(handler), this.opts.idleMs, output);
      this.workers.set(handler, worker);
      worker.catch(() => this.workers.delete(handler));
    }
    return (await worker).invoke(event, this.opts.timeoutMs);
  }

  /** Stops every worker. */
  async stop(): Promise<void> {
    this.stopped = true;
    const workers = [...this.workers.values()];
    this.workers.clear();
    await Promise.all(workers.map(async (w) => (await w.catch(() => undefined))?.stop()));
  }
}

class FunctionWorker {
  private readonly pending = new Map<string, Pending>();
  private idleTimer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly fn: LocalFunction,
    private readonly worker: Worker,
    private readonly onExit: () => void,
    private readonly idleMs: number,
  ) {
    worker.on('message', (message: { id: string; result?: unknown; error?: SerializedError }) => {
      const call = this.pending.get(message.id);
      if (!call) return;
      this.pending.delete(message.id);
      clearTimeout(call.timer);
      if (message.error) call.reject(deserialize(message.error));
      else call.resolve(message.result);
      this.armIdleTimer();
    });
    worker.on('exit', () => {
      this.onExit();
      for (const call of this.pending.values()) {
        clearTimeout(call.timer);
        call.reject(Object.assign(new Error(`${fn.name} exited`), { name: 'Lambda.ServiceException' }));
      }
      this.pending.clear();
    });
  }

  static async start(
    fn: LocalFunction,
    onExit: () => void,
    idleMs: number,
    output: (stream: string, kind: LogLine['output'], message: string) => void,
  ): Promise<FunctionWorker> {
    const bundleDir = await fn.bundle();
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      env: fn.env,
      execArgv: ['--enable-source-maps'],
      workerData: { url: pathToFileURL(join(bundleDir, BUNDLE_FILE)).href },
      // Read here, line by line, instead of piped straight into this process's streams.
      stdout: true,
      stderr: true,
    });
    // Lambda's stream names: the day, the version and the execution environment.
    const stream = `${new Date().toISOString().slice(0, 10).replaceAll('-', '/')}/[$LATEST]${randomBytes(16).toString('hex')}`;
    readLines(worker.stdout, (line) => output(stream, 'stdout', line));
    readLines(worker.stderr, (line) => output(stream, 'stderr', line));
    return new Promise((resolve, reject) => {
      const onMessage = (message: { ready?: boolean; initError?: SerializedError }) => {
        worker.off('message', onMessage);
        if (message.ready) {
          const started = new FunctionWorker(fn, worker, onExit, idleMs);
          started.armIdleTimer();
          resolve(started);
        } else {
          void worker.terminate();
          const cause = deserialize(message.initError ?? { name: 'Error', message: 'no answer' });
          reject(
            Object.assign(new Error(`${fn.name} failed at its cold start: ${cause.message}`), { cause }),
          );
        }
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
    });
  }

  invoke(event: unknown, timeoutMs: number): Promise<unknown> {
    clearTimeout(this.idleTimer);
    const id = randomUUID();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(
          Object.assign(new Error(`${this.fn.name} timed out after ${timeoutMs} ms`), {
            name: 'Lambda.Timeout',
          }),
        );
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.worker.postMessage({
        id,
        event,
        context: {
          callbackWaitsForEmptyEventLoop: false,
          functionName: this.fn.name,
          functionVersion: '$LATEST',
          invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${this.fn.name}`,
          memoryLimitInMB: '512',
          awsRequestId: id,
          logGroupName: `/aws/lambda/${this.fn.name}`,
          logStreamName: 'local',
          timeoutMs,
        },
      });
    });
  }

  /** Idle workers stop, like a Lambda instance reclaimed; the next call is a cold start again. */
  private armIdleTimer() {
    clearTimeout(this.idleTimer);
    if (this.pending.size > 0) return;
    this.idleTimer = setTimeout(() => void this.stop(), this.idleMs);
    this.idleTimer.unref();
  }

  async stop(): Promise<void> {
    clearTimeout(this.idleTimer);
    await this.worker.terminate();
  }
}

/** Calls `onLine` with each non-empty line of `stream`. */
function readLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void) {
  createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY }).on('line', (line) => {
    if (line !== '') onLine(line);
  });
}

interface SerializedError {
  name: string;
  message: string;
  stack?: string;
}

function deserialize(e: SerializedError): Error {
  const error = new Error(e.message);
  error.name = e.name;
  if (e.stack) error.stack = e.stack;
  return error;
}
