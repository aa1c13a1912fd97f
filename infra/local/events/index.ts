/**
 * The platform's event pipeline on this machine, from the consumer tables of functions/consumers.ts:
 *
 *   DynamoDB Local's stream ──streams.ts──► stream consumers ──PutEvents──► eventbridge.ts
 *     ──rule──► sqs.ts queue (and its DLQ) ──poller──► queue consumers
 *   SES (../mailbox.ts) ──publishMailEvent──► default bus ──rule──► mail event consumers (async-invoke.ts)
 *
 * as CDK builds it on AWS: one bus; per queue consumer a queue `<name>`, its dead-letter queue
 * `<name>-dlq` and a bus rule on `rule.source` whose target is the queue; per stream consumer a
 * stream reader with the consumer's filter; per mail event consumer a rule on the default bus
 * (source and detail types) invoking the function asynchronously. The servers start first
 * (functions need their URLs in their environment); the consumers start once the table exists
 * and the functions can be invoked.
 */
import type {
  MailEventConsumerSpec,
  QueueConsumerSpec,
  StreamConsumerSpec,
} from '../../../functions/consumers.ts';
import { type AsyncResult, asyncInvoker } from './async-invoke.ts';
import { startEventBridge } from './eventbridge.ts';
import { startSqs } from './sqs.ts';
import { type StreamReader, startStreamReader } from './streams.ts';

export interface LocalEventsOptions {
  region: string;
  accountId: string;
  /** Visibility timeouts and delays of the queues are divided by it (not retention: see sqs.ts). */
  timeScale: number;
  busName: string;
  streamConsumers: ReadonlyArray<StreamConsumerSpec>;
  queueConsumers: ReadonlyArray<QueueConsumerSpec>;
  mailEventConsumers?: ReadonlyArray<MailEventConsumerSpec>;
}

export interface LocalEvents {
  /** What the SDK clients of the functions read to reach the bus and the queues. */
  env: { AWS_ENDPOINT_URL_EVENTBRIDGE: string; AWS_ENDPOINT_URL_SQS: string };
  busName: string;
  /** The URL of a queue consumer's queue. */
  queueUrl(consumerName: string): string;
  /** Starts reading the stream and the queues; answers what stops them (before the functions stop). */
  startConsumers(opts: {
    dynamoDbEndpoint: string;
    tableName: string;
    /** With kept data (a DATA_DIR), the records of earlier runs were handled then: start at LATEST. */
    startingPosition: 'TRIM_HORIZON' | 'LATEST';
    invoke(handler: string, event: unknown): Promise<unknown>;
  }): Promise<() => Promise<void>>;
  /**
   * Puts an SES event on the default bus as SES's EventBridge destination does (source `aws.ses`);
   * the rules of the mail event consumers it matches invoke them. `delivered` resolves once each
   * has had it (or given it up to its dead letters), never rejects.
   */
  publishMailEvent(event: { detailType: string; detail: object }): {
    id: string;
    delivered: Promise<AsyncResult[]>;
  };
  /**
   * Resolves when the pipeline has settled: every stream record written before the call (and
   * every one written meanwhile by the consumers) handed over successfully, no queue holding a
   * visible message or one being handled, and no mail event being delivered (its retries
   * included). Messages waiting for a retry (a visibility timeout set by a failure or by
   * ChangeMessageVisibility) do not count: they are deliveries that failed, for now.
   * Rejects after `timeoutMs`, saying what is still going on (a stream batch that keeps failing).
   */
  idle(timeoutMs?: number): Promise<void>;
  /** The bodies in the dead-letter queue of a queue or mail event consumer (by the consumer's name). */
  deadLetters(consumerName: string): string[];
  stop(): Promise<void>;
}

/** A dead-letter queue keeps messages for 14 days, the most SQS allows. */
const DEAD_LETTER_RETENTION_SECONDS = 14 * 86_400;
const DEFAULT_IDLE_TIMEOUT_MS = 30_000;

export const deadLetterQueueName = (consumerName: string) => `${consumerName}-dlq`;

export async function startLocalEvents(opts: LocalEventsOptions): Promise<LocalEvents> {
  const sqs = await startSqs({ region: opts.region, accountId: opts.accountId, timeScale: opts.timeScale });
  const queueUrls = new Map<string, string>();
  for (const consumer of opts.queueConsumers) {
    sqs.createQueue({
      name: deadLetterQueueName(consumer.name),
      visibilityTimeoutSeconds: consumer.visibilityTimeoutSeconds,
      retentionSeconds: DEAD_LETTER_RETENTION_SECONDS,
    });
    const { url } = sqs.createQueue({
      name: consumer.name,
      visibilityTimeoutSeconds: consumer.visibilityTimeoutSeconds,
      retentionSeconds: consumer.retentionSeconds,
      deadLetterQueueName: deadLetterQueueName(consumer.name),
      maxReceiveCount: consumer.maxReceiveCount,
    });
    queueUrls.set(consumer.name, url);
  }
  const mailConsumers = opts.mailEventConsumers ?? [];
  const functionTargets = asyncInvoker({ timeScale: opts.timeScale });
  /** The deliveries of the event being published (rule targets are called before PutEvents answers). */
  let publishing: Array<Promise<AsyncResult>> | undefined;
  const bus = await startEventBridge({
    region: opts.region,
    accountId: opts.accountId,
    busName: opts.busName,
    rules: opts.queueConsumers.map((consumer) => ({
      name: `to-${consumer.name}`,
      pattern: {
        source: [...consumer.rule.source],
        ...(consumer.rule.detail ? { detail: consumer.rule.detail } : {}),
      },
      target: (envelope) => void sqs.send(consumer.name, envelope),
    })),
    defaultBusRules: mailConsumers.map((consumer) => ({
      name: `to-${consumer.name}`,
      pattern: { source: [...consumer.rule.source], 'detail-type': [...consumer.rule.detailType] },
      target: (envelope) => {
        const delivery = functionTargets.invoke(consumer, envelope);
        publishing?.push(delivery);
      },
    })),
  }).catch(async (error) => {
    await sqs.stop();
    throw error;
  });

  const readers: StreamReader[] = [];
  let stopConsumers: (() => Promise<void>) | undefined;
  const pending = () => [
    ...readers.flatMap((r) => r.pending()),
    ...sqs.pending(),
    ...functionTargets.pending(),
  ];
  const invocations = () =>
    readers.reduce((n, r) => n + r.invocations, sqs.invocations + functionTargets.invocations);

  const settle = async (signal: AbortSignal) => {
    // A pass in which no consumer ran means nothing new can have been written by them.
    while (!signal.aborted) {
      const before = invocations();
      for (const reader of readers) await reader.idle(signal);
      await sqs.idle(signal);
      await functionTargets.idle(signal);
      if (invocations() === before) return;
    }
  };

  return {
    env: { AWS_ENDPOINT_URL_EVENTBRIDGE: bus.url, AWS_ENDPOINT_URL_SQS: sqs.url },
    busName: opts.busName,
    queueUrl(consumerName) {
      const url = queueUrls.get(consumerName);
      if (!url) throw new Error(`No queue consumer named "${consumerName}"`);
      return url;
    },
    async startConsumers({ dynamoDbEndpoint, tableName, startingPosition, invoke }) {
      if (stopConsumers) throw new Error('The consumers have started already');
      const report = (name: string) => (error: unknown) =>
        console.error(`[${name}]`, error instanceof Error ? error.message : error);
      for (const consumer of opts.queueConsumers) {
        const name = `queue consumer ${consumer.name}`;
        sqs.consume(consumer.name, {
          batchSize: consumer.batchSize,
          handler: (event) => invoke(consumer.handler, event),
          onError: (_queue, error) => report(name)(error),
        });
      }
      functionTargets.start(invoke);
      stopConsumers = async () => {
        functionTargets.stop();
        await Promise.all(readers.map((r) => r.stop()));
        await sqs.stop();
      };
      for (const consumer of opts.streamConsumers) {
        readers.push(
          await startStreamReader({
            endpoint: dynamoDbEndpoint,
            region: opts.region,
            tableName,
            name: consumer.name,
            filter: consumer.filter,
            batchSize: consumer.batchSize,
            startingPosition,
            handler: (event) => invoke(consumer.handler, event),
            onError: report(`stream consumer ${consumer.name}`),
          }),
        );
      }
      return stopConsumers;
    },
    async idle(timeoutMs = DEFAULT_IDLE_TIMEOUT_MS) {
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(), timeoutMs);
      try {
        await settle(abort.signal);
      } finally {
        clearTimeout(timer);
      }
      if (abort.signal.aborted)
        throw new Error(
          `The local events did not settle within ${timeoutMs} ms:\n  ${pending().join('\n  ')}`,
        );
    },
    publishMailEvent({ detailType, detail }) {
      const deliveries: Array<Promise<AsyncResult>> = [];
      publishing = deliveries;
      try {
        const id = bus.putServiceEvent({ source: 'aws.ses', detailType, detail });
        return { id, delivered: Promise.all(deliveries) };
      } finally {
        publishing = undefined;
      }
    },
    deadLetters: (consumerName) =>
      mailConsumers.some((c) => c.name === consumerName)
        ? functionTargets.deadLetters(consumerName)
        : sqs.messages(deadLetterQueueName(consumerName)),
    async stop() {
      functionTargets.stop();
      await stopConsumers?.();
      await sqs.stop();
      await bus.stop();
    },
  };
}
