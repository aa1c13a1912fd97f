import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
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
 */
export class LocalFunctions {
  private readonly workers = new Map<string, Promise<FunctionWorker>>();
  private stopped = false;

  constructor(
    private readonly functions: ReadonlyMap<string, LocalFunction>,
    private readonly opts: { timeoutMs: number; idleMs: number },
  ) {
    // Each worker's output is piped into this process's streams, one set of listeners each.
    for (const stream of [process.stdout, process.stderr])
      stream.setMaxListeners(Math.max(stream.getMaxListeners(), 4 * functions.size + 10));
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
      worker = FunctionWorker.start(fn, () => this.workers.delete(handler), this.opts.idleMs);
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

  static async start(fn: LocalFunction, onExit: () => void, idleMs: number): Promise<FunctionWorker> {
    const bundleDir = await fn.bundle();
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      env: fn.env,
      execArgv: ['--enable-source-maps'],
      workerData: { url: pathToFileURL(join(bundleDir, BUNDLE_FILE)).href },
    });
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
