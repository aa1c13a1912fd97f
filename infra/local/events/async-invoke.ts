import { setTimeout as wait } from 'node:timers/promises';

/**
 * Functions as the targets of bus rules (the mail event consumers of functions/consumers.ts): as on
 * AWS, EventBridge invokes them asynchronously and Lambda retries a failed invocation twice, about
 * 1 and 2 minutes later (divided here by the time scale), then gives the event up to the
 * dead-letter queue, kept here in memory. Invocations wait until the functions can be invoked
 * (`start`); stopping gives up the ones still waiting.
 */

export interface AsyncTarget {
  /** The consumer's name (its dead letters are found by it). */
  name: string;
  handler: string;
}

/** What became of one event for one target. */
export interface AsyncResult {
  consumer: string;
  delivered: boolean;
  /** The last attempt's error, when every attempt failed. */
  error?: string;
}

export interface AsyncInvoker {
  /** Invokes `target` with the event (the JSON a rule hands over); resolves once delivered or given up, never rejects. */
  invoke(target: AsyncTarget, eventJson: string): Promise<AsyncResult>;
  /** From now on invocations run (those waiting first). */
  start(invoke: (handler: string, event: unknown) => Promise<unknown>): void;
  /** Attempts made since the start. */
  readonly invocations: number;
  /** A line per event not yet delivered or given up. */
  pending(): string[];
  /** Resolves when no invocation is under way, or when `signal` aborts. */
  idle(signal?: AbortSignal): Promise<void>;
  /** The events `consumerName` failed on every attempt. */
  deadLetters(consumerName: string): string[];
  /** Gives up what still waits for `start` or a retry. */
  stop(): void;
}

/** Lambda's retries of an asynchronous invocation whose function failed, in seconds after the failure. */
const RETRY_DELAYS_SECONDS = [60, 120];

/** Waits `ms`, or less when `signal` aborts. */
const sleep = (ms: number, signal?: AbortSignal) => wait(ms, undefined, { signal }).catch(() => undefined);
const messageOf = (error: unknown) =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

export function asyncInvoker(opts: { timeScale: number }): AsyncInvoker {
  let ready: (invoke: ((handler: string, event: unknown) => Promise<unknown>) | undefined) => void = () => {};
  const started = new Promise<((handler: string, event: unknown) => Promise<unknown>) | undefined>(
    (resolve) => {
      ready = resolve;
    },
  );
  const stopping = new AbortController();
  let invocations = 0;
  const underWay = new Set<{ line(): string }>();
  const dead = new Map<string, string[]>();

  const run = async (target: AsyncTarget, eventJson: string, state: { attempt: number; error?: string }) => {
    const invoke = await started;
    const event: unknown = JSON.parse(eventJson);
    for (let attempt = 0; invoke && !stopping.signal.aborted; attempt++) {
      state.attempt = attempt + 1;
      invocations++;
      try {
        await invoke(target.handler, event);
        return { consumer: target.name, delivered: true };
      } catch (error) {
        state.error = messageOf(error);
        const delay = RETRY_DELAYS_SECONDS[attempt];
        if (delay === undefined) break;
        await sleep((delay * 1000) / opts.timeScale, stopping.signal);
      }
    }
    const error = state.error ?? 'the runtime stopped before the event was delivered';
    dead.set(target.name, [...(dead.get(target.name) ?? []), eventJson]);
    console.error(`[${target.name}] gave an event up to its dead letters: ${error}`);
    return { consumer: target.name, delivered: false, error };
  };

  return {
    invoke(target, eventJson) {
      const state: { attempt: number; error?: string } = { attempt: 0 };
      const entry = {
        line: () =>
          `async invocation of ${target.name}: ` +
          (state.attempt === 0
            ? 'waiting for the functions'
            : `attempt ${state.attempt}${state.error ? ` (failing: ${state.error})` : ''}`),
      };
      underWay.add(entry);
      return run(target, eventJson, state).finally(() => underWay.delete(entry));
    },
    start: (invoke) => ready(invoke),
    get invocations() {
      return invocations;
    },
    pending: () => [...underWay].map((entry) => entry.line()),
    async idle(signal) {
      while (underWay.size > 0 && !signal?.aborted) await sleep(10);
    },
    deadLetters: (consumerName) => [...(dead.get(consumerName) ?? [])],
    stop() {
      stopping.abort();
      ready(undefined);
    },
  };
}
