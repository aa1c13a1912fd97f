/**
 * Local stand-in for Amazon SQS standard queues fed to Lambda functions, in memory: the queues,
 * their dead-letter queues, and the Lambda event source mapping that polls them.
 *
 * HTTP side, spoken the way `@aws-sdk/client-sqs` v3 calls it (awsJson1_0: `POST /`,
 * `X-Amz-Target: AmazonSQS.<Action>`), as much as the functions use: `SendMessage` (no message
 * attributes), `ChangeMessageVisibility`, `DeleteMessage`, `GetQueueUrl`, `GetQueueAttributes`.
 * Errors carry the SDK's exception names (`QueueDoesNotExist`, `ReceiptHandleIsInvalid`,
 * `MessageNotInflight`, …); any other action is a 400.
 *
 * Consumer side, as Lambda's poller does it: up to `batchSize` visible messages (gathered for a few
 * milliseconds) become one `SQSEvent`, each receive with a new receipt handle and a higher
 * ApproximateReceiveCount; up to 5 batches of a queue run at once. A batch that returns deletes its
 * messages except those named in `batchItemFailures`; a batch that throws deletes none. A message
 * not deleted becomes visible again when its visibility timeout ends (the queue's, counted from
 * the receive, or the one `ChangeMessageVisibility` set since); one received `maxReceiveCount`
 * times that comes back once more goes to the dead-letter queue instead.
 *
 * Time is scaled as in the Step Functions stand-in: visibility timeouts and delays are divided by
 * `timeScale`, but a wait that is not zero lasts 100 ms at least: time runs faster here, not
 * infinitely fast, so a message that waits for another (a delivery behind an earlier one of its
 * resource) does not spin through its receives. Retention is not scaled: the functions judge an
 * event's age by the real clock. Handler runs are not scaled either, so a message is not received
 * again while the handler that holds it still runs, even if its (scaled) timeout has passed: on
 * AWS the timeout is six times the function's, so that cannot happen there either.
 */
import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as wait } from 'node:timers/promises';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { AwsJsonError as ApiError, serveAwsJson } from '../aws-json.ts';
import { settledWithin } from '../settled-within.ts';

export interface LocalQueueSettings {
  name: string;
  visibilityTimeoutSeconds: number;
  retentionSeconds: number;
  /** A queue that takes the messages received `maxReceiveCount` times (create it first). */
  deadLetterQueueName?: string;
  maxReceiveCount?: number;
}

export interface LocalQueueConsumer {
  batchSize: number;
  /** The function: its answer may name messages to keep (`batchItemFailures`); a throw keeps all. */
  handler(event: SQSEvent): Promise<unknown>;
  /** Told when the handler throws (default: a line on stderr); failures it names are not errors. */
  onError?(queueName: string, error: unknown): void;
}

export interface LocalSqs {
  url: string;
  createQueue(settings: LocalQueueSettings): { url: string; arn: string };
  /** Sends a message as `SendMessage` does; answers its id. */
  send(queueName: string, body: string): string;
  /** Feeds the queue to `consumer` as a Lambda event source mapping does (one consumer per queue). */
  consume(queueName: string, consumer: LocalQueueConsumer): void;
  /** The bodies a queue holds now, whatever their visibility (e.g. to look at a dead-letter queue). */
  messages(queueName: string): string[];
  /** What keeps `idle()` waiting: a line per consumed queue with visible or in-flight messages. */
  pending(): string[];
  /** Batches handed to consumers since the start. */
  readonly invocations: number;
  /**
   * Resolves when no consumed queue holds a visible message or one in flight (being handled).
   * Messages waiting out a visibility timeout or a delay (a retry to come) do not count.
   * Also resolves once stopped or once `signal` aborts.
   */
  idle(signal?: AbortSignal): Promise<void>;
  /** Resolves when the consumed queues hold no message at all (retries to come included). */
  drained(signal?: AbortSignal): Promise<void>;
  stop(): Promise<void>;
}

interface Message {
  id: string;
  body: string;
  md5: string;
  sentAt: number;
  firstReceivedAt?: number;
  receives: number;
  /** When it may be received (again); epoch ms. */
  visibleAt: number;
  /** Held by a handler that has not returned yet. */
  inFlight: boolean;
  /** The latest receipt handle; older ones cannot delete it. */
  receipt?: string;
}

interface Queue {
  settings: LocalQueueSettings;
  url: string;
  arn: string;
  visibilityMs: number;
  retentionMs: number;
  deadLetter?: Queue;
  /** In send order. */
  messages: Map<string, Message>;
  consumer?: LocalQueueConsumer & { running: number; timer?: NodeJS.Timeout; timerAt: number };
}

/** Lambda's poller starts with five concurrent batches per queue. */
const MAX_CONCURRENT_BATCHES = 5;
/** How long a poll gathers messages into one batch. */
const BATCH_WINDOW_MS = 20;
/** setTimeout's ceiling (~24.8 days). */
const MAX_DELAY_MS = 2 ** 31 - 1;
/** The shortest wait that is not zero (see the header). */
const MIN_WAIT_MS = 100;
/** SQS's largest message (1 MiB since 2025). */
const MAX_MESSAGE_BYTES = 1024 * 1024;
const MAX_VISIBILITY_SECONDS = 12 * 3600;
const MAX_DELAY_SECONDS = 900;
/** The characters SQS accepts in a body (XML's). */
const INVALID_BODY_CHARACTER = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const STOP_WAIT_MS = 5_000;

const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');

/** A receipt handle names its message and receive, with a nonce: opaque to callers, like AWS's. */
const encodeReceipt = (queue: string, messageId: string) =>
  Buffer.from(JSON.stringify([queue, messageId, randomUUID()]), 'utf8').toString('base64url');

function decodeReceipt(handle: unknown): { queue: string; messageId: string } | undefined {
  if (typeof handle !== 'string' || handle === '') return undefined;
  try {
    const decoded: unknown = JSON.parse(Buffer.from(handle, 'base64url').toString('utf8'));
    if (!Array.isArray(decoded) || decoded.length !== 3) return undefined;
    const [queue, messageId, nonce] = decoded as unknown[];
    if (typeof queue === 'string' && typeof messageId === 'string' && typeof nonce === 'string')
      return { queue, messageId };
  } catch {
    // Not one of ours: invalid below.
  }
  return undefined;
}

/**
 * The messages of a batch that a handler's answer keeps: those its `batchItemFailures` name. As
 * Lambda does, an identifier that is not one of the batch's message ids fails the whole batch.
 */
function kept(result: unknown, batch: ReadonlyMap<string, unknown>): ReadonlySet<string> {
  const failures =
    typeof result === 'object' && result !== null
      ? (result as { batchItemFailures?: unknown }).batchItemFailures
      : undefined;
  if (!Array.isArray(failures)) return new Set();
  const ids = failures.map((f: unknown) =>
    typeof f === 'object' && f !== null ? (f as { itemIdentifier?: unknown }).itemIdentifier : undefined,
  );
  return ids.every((id) => typeof id === 'string' && batch.has(id))
    ? new Set(ids as string[])
    : new Set(batch.keys());
}

export async function startSqs(opts: {
  region: string;
  accountId: string;
  /** Visibility timeouts and delays are divided by it (1440: a day passes in a minute). */
  timeScale: number;
  port?: number;
}): Promise<LocalSqs> {
  if (!Number.isFinite(opts.timeScale) || opts.timeScale <= 0)
    throw new Error(`timeScale must be a positive number, got ${opts.timeScale}`);
  const scaledMs = (seconds: number) =>
    seconds <= 0 ? 0 : Math.min(Math.max((seconds * 1000) / opts.timeScale, MIN_WAIT_MS), MAX_DELAY_MS);
  const queues = new Map<string, Queue>();
  const batches = new Set<Promise<void>>();
  let invocations = 0;
  let stopped = false;

  const queueNamed = (name: string): Queue => {
    const queue = queues.get(name);
    if (!queue) throw new Error(`No local queue named "${name}"`);
    return queue;
  };
  /** The queue a QueueUrl names: `<any host>/<account>/<name>`, as the SDK may rewrite the host. */
  const queueOfUrl = (url: unknown): Queue => {
    const path = typeof url === 'string' ? /\/([^/]+)\/([^/?]+)\/?$/.exec(url) : null;
    const queue =
      path?.[1] === opts.accountId && path[2] ? queues.get(decodeURIComponent(path[2])) : undefined;
    if (!queue) throw new ApiError('QueueDoesNotExist', 'The specified queue does not exist.');
    return queue;
  };

  /** Drops messages older than the queue's retention (not one a handler holds). */
  const expire = (queue: Queue, now: number) => {
    for (const [id, m] of queue.messages)
      if (!m.inFlight && now - m.sentAt > queue.retentionMs) queue.messages.delete(id);
  };

  const enqueue = (queue: Queue, body: string, delaySeconds = 0): Message => {
    const now = Date.now();
    const message: Message = {
      id: randomUUID(),
      body,
      md5: md5(body),
      sentAt: now,
      receives: 0,
      visibleAt: now + scaledMs(delaySeconds),
      inFlight: false,
    };
    queue.messages.set(message.id, message);
    wake(queue, message.visibleAt + BATCH_WINDOW_MS);
    return message;
  };

  /** Runs the queue's poller at `at` (or sooner, if it is already due sooner). */
  const wake = (queue: Queue, at: number) => {
    const consumer = queue.consumer;
    if (!consumer || stopped) return;
    if (consumer.timer && consumer.timerAt <= at) return;
    clearTimeout(consumer.timer);
    consumer.timerAt = at;
    consumer.timer = setTimeout(
      () => {
        consumer.timer = undefined;
        poll(queue);
      },
      Math.min(Math.max(at - Date.now(), 0), MAX_DELAY_MS),
    );
  };

  /** Hands out every batch it can, then sleeps until the next message becomes visible. */
  const poll = (queue: Queue) => {
    const consumer = queue.consumer;
    if (!consumer || stopped) return;
    const now = Date.now();
    expire(queue, now);
    while (consumer.running < MAX_CONCURRENT_BATCHES) {
      const batch: Message[] = [];
      for (const m of queue.messages.values()) {
        if (m.inFlight || m.visibleAt > now) continue;
        if (queue.deadLetter && m.receives >= (queue.settings.maxReceiveCount ?? Number.POSITIVE_INFINITY)) {
          // The redrive policy: received too often, it goes to the dead-letter queue as it is.
          queue.messages.delete(m.id);
          m.receipt = undefined;
          queue.deadLetter.messages.set(m.id, m);
          continue;
        }
        batch.push(m);
        if (batch.length === consumer.batchSize) break;
      }
      if (batch.length === 0) break;
      runBatch(queue, batch, now);
    }
    let next = Number.POSITIVE_INFINITY;
    for (const m of queue.messages.values())
      if (!m.inFlight && m.visibleAt > now) next = Math.min(next, m.visibleAt);
    if (next !== Number.POSITIVE_INFINITY) wake(queue, next);
  };

  const record = (queue: Queue, m: Message): SQSRecord => ({
    messageId: m.id,
    receiptHandle: m.receipt ?? '',
    body: m.body,
    attributes: {
      ApproximateReceiveCount: String(m.receives),
      SentTimestamp: String(m.sentAt),
      SenderId: opts.accountId,
      ApproximateFirstReceiveTimestamp: String(m.firstReceivedAt ?? m.sentAt),
    },
    messageAttributes: {},
    md5OfBody: m.md5,
    eventSource: 'aws:sqs',
    eventSourceARN: queue.arn,
    awsRegion: opts.region,
  });

  const runBatch = (queue: Queue, batch: Message[], now: number) => {
    const consumer = queue.consumer;
    if (!consumer) return;
    for (const m of batch) {
      m.inFlight = true;
      m.receives++;
      m.firstReceivedAt ??= now;
      m.receipt = encodeReceipt(queue.settings.name, m.id);
      m.visibleAt = now + queue.visibilityMs;
    }
    const receipts = new Map(batch.map((m) => [m.id, m.receipt]));
    consumer.running++;
    invocations++;
    const onError =
      consumer.onError ??
      ((name: string, error: unknown) =>
        console.error(
          `[SQS] the consumer of ${name} failed:`,
          error instanceof Error ? error.message : error,
        ));
    const run = (async () => {
      let keep: ReadonlySet<string>;
      try {
        keep = kept(await consumer.handler({ Records: batch.map((m) => record(queue, m)) }), receipts);
      } catch (error) {
        keep = new Set(receipts.keys());
        onError(queue.settings.name, error);
      }
      for (const m of batch) {
        m.inFlight = false;
        // Deleted with this receive's handle: not if the function deleted it, or it was received again.
        if (!keep.has(m.id) && m.receipt === receipts.get(m.id)) queue.messages.delete(m.id);
      }
      consumer.running--;
      poll(queue);
    })();
    batches.add(run);
    void run.finally(() => batches.delete(run));
  };

  /** The message a receipt handle names, or the API error for it. */
  const received = (body: Record<string, unknown>) => {
    const queue = queueOfUrl(body.QueueUrl);
    const handle = body.ReceiptHandle;
    const decoded = decodeReceipt(handle);
    if (!decoded || decoded.queue !== queue.settings.name)
      throw new ApiError(
        'ReceiptHandleIsInvalid',
        `The input receipt handle "${String(handle)}" is not a valid receipt handle.`,
      );
    return { queue, handle: handle as string, message: queue.messages.get(decoded.messageId) };
  };

  const seconds = (value: unknown, name: string, max: number, fallback?: number): number => {
    if (value === undefined && fallback !== undefined) return fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max)
      throw new ApiError(
        'InvalidParameterValue',
        `Value ${String(value)} for parameter ${name} is invalid. Reason: Must be between 0 and ${max}.`,
      );
    return value;
  };

  const attributesOf = (queue: Queue): Record<string, string> => {
    const now = Date.now();
    expire(queue, now);
    const all = [...queue.messages.values()];
    const delayed = all.filter((m) => m.receives === 0 && m.visibleAt > now).length;
    const visible = all.filter((m) => !m.inFlight && m.visibleAt <= now).length;
    return {
      QueueArn: queue.arn,
      ApproximateNumberOfMessages: String(visible),
      ApproximateNumberOfMessagesNotVisible: String(all.length - visible - delayed),
      ApproximateNumberOfMessagesDelayed: String(delayed),
      VisibilityTimeout: String(queue.settings.visibilityTimeoutSeconds),
      MessageRetentionPeriod: String(queue.settings.retentionSeconds),
      ...(queue.deadLetter
        ? {
            RedrivePolicy: JSON.stringify({
              deadLetterTargetArn: queue.deadLetter.arn,
              maxReceiveCount: queue.settings.maxReceiveCount,
            }),
          }
        : {}),
    };
  };

  const dispatch = (action: string, body: Record<string, unknown>) => {
    switch (action) {
      case 'SendMessage': {
        const queue = queueOfUrl(body.QueueUrl);
        const text = body.MessageBody;
        if (typeof text !== 'string' || text === '')
          throw new ApiError('MissingParameter', 'The request must contain the parameter MessageBody.');
        if (Buffer.byteLength(text, 'utf8') > MAX_MESSAGE_BYTES)
          throw new ApiError(
            'InvalidParameterValue',
            `Message must be shorter than ${MAX_MESSAGE_BYTES} bytes.`,
          );
        if (INVALID_BODY_CHARACTER.test(text))
          throw new ApiError('InvalidMessageContents', 'Invalid characters found in the message body.');
        if (body.MessageAttributes !== undefined || body.MessageSystemAttributes !== undefined)
          throw new ApiError('UnsupportedOperation', 'The local SQS takes no message attributes');
        const message = enqueue(
          queue,
          text,
          seconds(body.DelaySeconds, 'DelaySeconds', MAX_DELAY_SECONDS, 0),
        );
        return { MessageId: message.id, MD5OfMessageBody: message.md5 };
      }
      case 'ChangeMessageVisibility': {
        const { queue, handle, message } = received(body);
        const timeout = seconds(body.VisibilityTimeout, 'VisibilityTimeout', MAX_VISIBILITY_SECONDS);
        if (!message)
          throw new ApiError(
            'ReceiptHandleIsInvalid',
            'The receipt handle is not valid: its message was deleted.',
          );
        const now = Date.now();
        if (message.receipt !== handle || (!message.inFlight && message.visibleAt <= now))
          throw new ApiError('MessageNotInflight', 'The message is not in flight.');
        message.visibleAt = now + scaledMs(timeout);
        if (!message.inFlight) wake(queue, message.visibleAt);
        return {};
      }
      case 'DeleteMessage': {
        const { queue, handle, message } = received(body);
        // As SQS documents: an older receipt handle answers success but deletes nothing.
        if (message && message.receipt === handle) queue.messages.delete(message.id);
        return {};
      }
      case 'GetQueueUrl': {
        const queue = queues.get(String(body.QueueName));
        if (!queue || (body.QueueOwnerAWSAccountId ?? opts.accountId) !== opts.accountId)
          throw new ApiError('QueueDoesNotExist', 'The specified queue does not exist.');
        return { QueueUrl: queue.url };
      }
      case 'GetQueueAttributes': {
        const attributes = attributesOf(queueOfUrl(body.QueueUrl));
        const names = Array.isArray(body.AttributeNames) ? body.AttributeNames.map(String) : [];
        if (names.includes('All')) return { Attributes: attributes };
        const unknown = names.find((n) => !(n in attributes) && n !== 'RedrivePolicy');
        if (unknown) throw new ApiError('InvalidAttributeName', `Unknown Attribute ${unknown}.`);
        return {
          Attributes: Object.fromEntries(names.filter((n) => n in attributes).map((n) => [n, attributes[n]])),
        };
      }
      default:
        throw new ApiError('UnsupportedOperation', `The local SQS does not answer ${action}`);
    }
  };

  const server = await serveAwsJson({
    name: 'SQS',
    targetPrefix: 'AmazonSQS.',
    contentType: 'application/x-amz-json-1.0',
    maxRequestBytes: 4 * MAX_MESSAGE_BYTES,
    ...(opts.port === undefined ? {} : { port: opts.port }),
    dispatch,
  });

  const pending = () => {
    const now = Date.now();
    const lines: string[] = [];
    for (const queue of queues.values()) {
      if (!queue.consumer) continue;
      let visible = 0;
      let inFlight = 0;
      for (const m of queue.messages.values()) {
        if (m.inFlight) inFlight++;
        else if (m.visibleAt <= now) visible++;
      }
      if (visible + inFlight > 0)
        lines.push(`queue ${queue.settings.name}: ${visible} visible, ${inFlight} in flight`);
    }
    return lines;
  };
  const until = async (done: () => boolean, signal?: AbortSignal) => {
    while (!stopped && !signal?.aborted && !done()) await wait(10);
  };

  return {
    url: server.url,
    createQueue(settings) {
      if (queues.has(settings.name)) throw new Error(`Queue "${settings.name}" exists already`);
      const deadLetter = settings.deadLetterQueueName ? queueNamed(settings.deadLetterQueueName) : undefined;
      if (deadLetter && !(settings.maxReceiveCount && settings.maxReceiveCount >= 1))
        throw new Error(`Queue "${settings.name}": a dead-letter queue needs a maxReceiveCount of 1 or more`);
      const queue: Queue = {
        settings,
        url: `${server.url}/${opts.accountId}/${encodeURIComponent(settings.name)}`,
        arn: `arn:aws:sqs:${opts.region}:${opts.accountId}:${settings.name}`,
        visibilityMs: scaledMs(
          seconds(settings.visibilityTimeoutSeconds, 'VisibilityTimeout', MAX_VISIBILITY_SECONDS),
        ),
        retentionMs: settings.retentionSeconds * 1000,
        messages: new Map(),
        ...(deadLetter ? { deadLetter } : {}),
      };
      queues.set(settings.name, queue);
      return { url: queue.url, arn: queue.arn };
    },
    send(queueName, body) {
      if (stopped) throw new Error('The local SQS is stopped');
      return enqueue(queueNamed(queueName), body).id;
    },
    consume(queueName, consumer) {
      const queue = queueNamed(queueName);
      if (queue.consumer) throw new Error(`Queue "${queueName}" has a consumer already`);
      if (!(consumer.batchSize >= 1)) throw new Error(`Queue "${queueName}": batchSize must be 1 or more`);
      queue.consumer = { ...consumer, running: 0, timerAt: 0 };
      wake(queue, Date.now());
    },
    messages(queueName) {
      const queue = queueNamed(queueName);
      expire(queue, Date.now());
      return [...queue.messages.values()].map((m) => m.body);
    },
    pending,
    get invocations() {
      return invocations;
    },
    idle: (signal) => until(() => pending().length === 0, signal),
    drained: (signal) =>
      until(
        () =>
          [...queues.values()].every((q) => {
            expire(q, Date.now());
            return !q.consumer || q.messages.size === 0;
          }),
        signal,
      ),
    async stop() {
      stopped = true;
      for (const queue of queues.values()) clearTimeout(queue.consumer?.timer);
      await settledWithin(batches, STOP_WAIT_MS);
      await server.close();
    },
  };
}
