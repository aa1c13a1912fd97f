import { randomUUID } from 'node:crypto';
import { DynamoDBClient, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { DynamoDBRecord, DynamoDBStreamEvent, SQSEvent, SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EVENT_SOURCE,
  type MailEventConsumerSpec,
  type QueueConsumerSpec,
  type StreamConsumerSpec,
  streamConsumers,
} from '../../functions/consumers.ts';
import { createTableInput, type LocalDynamoDb, startDynamoDb } from '../../infra/local/dynamodb.ts';
import { type LocalEventBridge, startEventBridge } from '../../infra/local/events/eventbridge.ts';
import { type LocalEvents, startLocalEvents } from '../../infra/local/events/index.ts';
import { type LocalSqs, startSqs } from '../../infra/local/events/sqs.ts';
import { type StreamReader, startStreamReader } from '../../infra/local/events/streams.ts';
import { localClientConfig } from '../../infra/local/ports.ts';

/**
 * The local stand-ins of the event pipeline (infra/local/events/), each spoken to with the real
 * SDK client the functions use: EventBridge PutEvents, SQS with Lambda's poller, and the reader
 * of DynamoDB Local's stream with Lambda's batching, filtering and retries.
 */
const REGION = 'us-east-1';
const ACCOUNT = '000000000000';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One DynamoDB Local for the file (its start takes seconds); each describe makes its own table. */
let dynamo: LocalDynamoDb;
beforeAll(async () => {
  dynamo = await startDynamoDb({ tableName: 'local-events-test' });
}, 60_000);
afterAll(async () => {
  await dynamo?.stop();
});

/** Polls until `check` holds (or fails after `ms`). */
async function eventually(check: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(10);
  }
}

describe('the local EventBridge', () => {
  let bus: LocalEventBridge;
  let client: EventBridgeClient;
  const delivered: Record<string, unknown[]> = { platform: [], alerts: [] };

  beforeAll(async () => {
    bus = await startEventBridge({
      region: REGION,
      accountId: ACCOUNT,
      busName: 'csp-partner-platform',
      rules: [
        {
          name: 'platform',
          pattern: { source: [EVENT_SOURCE] },
          target: (e) => delivered.platform?.push(JSON.parse(e)),
        },
        {
          name: 'alerts',
          pattern: { 'detail-type': ['alert'] },
          target: (e) => delivered.alerts?.push(JSON.parse(e)),
        },
      ],
    });
    client = new EventBridgeClient(localClientConfig(bus.url));
  });
  afterAll(async () => {
    client?.destroy();
    await bus?.stop();
  });

  it('gives a matching rule’s target the event as AWS sends it, in the order of the entries', async () => {
    delivered.platform = [];
    delivered.alerts = [];
    const time = new Date('2026-03-04T05:06:07.890Z');

    const answer = await client.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: 'csp-partner-platform',
            Source: EVENT_SOURCE,
            DetailType: 'customer.created',
            Detail: '{"n":1}',
            Time: time,
          },
          {
            EventBusName: bus.busArn,
            Source: EVENT_SOURCE,
            DetailType: 'customer.updated',
            Detail: '{"n":2}',
            Resources: ['r'],
          },
        ],
      }),
    );

    expect(answer.FailedEntryCount).toBe(0);
    expect(delivered.platform).toEqual([
      {
        version: '0',
        id: answer.Entries?.[0]?.EventId,
        'detail-type': 'customer.created',
        source: EVENT_SOURCE,
        account: ACCOUNT,
        time: '2026-03-04T05:06:07Z',
        region: REGION,
        resources: [],
        detail: { n: 1 },
      },
      expect.objectContaining({ id: answer.Entries?.[1]?.EventId, resources: ['r'], detail: { n: 2 } }),
    ]);
    expect((delivered.platform[1] as { time: string }).time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(delivered.alerts).toEqual([]);
  });

  it('gives an event to no rule its pattern does not match', async () => {
    delivered.platform = [];
    delivered.alerts = [];

    const answer = await client.send(
      new PutEventsCommand({
        Entries: [
          { EventBusName: 'csp-partner-platform', Source: 'someone.else', DetailType: 'alert', Detail: '{}' },
        ],
      }),
    );

    expect(answer.FailedEntryCount).toBe(0);
    expect(delivered.platform).toEqual([]);
    expect(delivered.alerts).toHaveLength(1);
  });

  it('fails each entry on its own: an unknown bus, a Detail that is not a JSON object', async () => {
    delivered.platform = [];

    const answer = await client.send(
      new PutEventsCommand({
        Entries: [
          { EventBusName: 'no-such-bus', Source: EVENT_SOURCE, DetailType: 'x', Detail: '{}' },
          { EventBusName: 'csp-partner-platform', Source: EVENT_SOURCE, DetailType: 'x', Detail: '{}' },
          { EventBusName: 'csp-partner-platform', Source: EVENT_SOURCE, DetailType: 'x', Detail: '[1]' },
        ],
      }),
    );

    expect(answer.FailedEntryCount).toBe(2);
    expect(answer.Entries?.[0]).toEqual({
      ErrorCode: 'ResourceNotFoundException',
      ErrorMessage: 'Event bus no-such-bus does not exist.',
    });
    expect(answer.Entries?.[1]?.EventId).toEqual(expect.any(String));
    expect(answer.Entries?.[2]?.ErrorCode).toBe('MalformedDetail');
    expect(delivered.platform).toHaveLength(1);
  });

  it('refuses more than 10 entries in one request', async () => {
    const entry = {
      EventBusName: 'csp-partner-platform',
      Source: EVENT_SOURCE,
      DetailType: 'x',
      Detail: '{}',
    };

    await expect(
      client.send(new PutEventsCommand({ Entries: Array.from({ length: 11 }, () => entry) })),
    ).rejects.toMatchObject({ name: 'ValidationException' });
  });
});

describe('the local SQS and its Lambda poller', () => {
  const TIME_SCALE = 1000;
  let sqs: LocalSqs;
  let client: SQSClient;
  const failures: unknown[] = [];

  /** A queue (with its DLQ) fed to `handler`; answers its URL. */
  function queue(
    settings: { visibilityTimeoutSeconds: number; maxReceiveCount?: number; batchSize?: number },
    handler: (event: SQSEvent) => Promise<unknown>,
  ) {
    const name = `q-${randomUUID().slice(0, 8)}`;
    sqs.createQueue({ name: `${name}-dlq`, visibilityTimeoutSeconds: 30, retentionSeconds: 1_209_600 });
    const { url } = sqs.createQueue({
      name,
      visibilityTimeoutSeconds: settings.visibilityTimeoutSeconds,
      retentionSeconds: 345_600,
      deadLetterQueueName: `${name}-dlq`,
      maxReceiveCount: settings.maxReceiveCount ?? 10,
    });
    sqs.consume(name, { batchSize: settings.batchSize ?? 10, handler, onError: (_, e) => failures.push(e) });
    return { name, url };
  }

  beforeAll(async () => {
    sqs = await startSqs({ region: REGION, accountId: ACCOUNT, timeScale: TIME_SCALE });
    client = new SQSClient(localClientConfig(sqs.url));
  });
  afterAll(async () => {
    client?.destroy();
    await sqs?.stop();
  });

  it('hands a message sent with the SDK to the consumer as an SQSEvent, then deletes it', async () => {
    const events: SQSEvent[] = [];
    const q = queue({ visibilityTimeoutSeconds: 360 }, async (event) => {
      events.push(event);
    });

    const sent = await client.send(
      new SendMessageCommand({ QueueUrl: q.url, MessageBody: '{"hello":"world"}' }),
    );
    await eventually(() => events.length === 1);
    await sqs.idle();

    const record = events[0]?.Records[0] as SQSRecord;
    expect(events[0]?.Records).toHaveLength(1);
    expect(record).toEqual({
      messageId: sent.MessageId,
      receiptHandle: expect.any(String),
      body: '{"hello":"world"}',
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: expect.stringMatching(/^\d{13}$/),
        SenderId: ACCOUNT,
        ApproximateFirstReceiveTimestamp: expect.stringMatching(/^\d{13}$/),
      },
      messageAttributes: {},
      md5OfBody: sent.MD5OfMessageBody,
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:${REGION}:${ACCOUNT}:${q.name}`,
      awsRegion: REGION,
    });
    expect(sqs.messages(q.name)).toEqual([]);
    const { Attributes } = await client.send(
      new GetQueueAttributesCommand({ QueueUrl: q.url, AttributeNames: ['ApproximateNumberOfMessages'] }),
    );
    expect(Attributes).toEqual({ ApproximateNumberOfMessages: '0' });
    expect((await client.send(new GetQueueUrlCommand({ QueueName: q.name }))).QueueUrl).toBe(q.url);
  });

  it('keeps only the messages named in batchItemFailures, and hands them over again', async () => {
    const batches: SQSRecord[][] = [];
    let failOnce = true;
    const q = queue({ visibilityTimeoutSeconds: 100 }, async (event) => {
      batches.push(event.Records);
      const second = event.Records.find((r) => r.body === 'b');
      if (second && failOnce) {
        failOnce = false;
        return { batchItemFailures: [{ itemIdentifier: second.messageId }] };
      }
      return { batchItemFailures: [] };
    });

    for (const body of ['a', 'b', 'c']) sqs.send(q.name, body);
    await eventually(() => batches.length === 2);
    await sqs.drained();

    expect(batches[0]?.map((r) => r.body)).toEqual(['a', 'b', 'c']);
    expect(batches[1]?.map((r) => [r.body, r.attributes.ApproximateReceiveCount])).toEqual([['b', '2']]);
    expect(batches[1]?.[0]?.receiptHandle).not.toBe(batches[0]?.[1]?.receiptHandle);
    expect(sqs.messages(q.name)).toEqual([]);
  });

  it('brings a message back when ChangeMessageVisibility says, scaled by the time scale', async () => {
    const receivedAt: number[] = [];
    const q = queue({ visibilityTimeoutSeconds: 3600 }, async (event) => {
      receivedAt.push(Date.now());
      const [record] = event.Records;
      if (!record || receivedAt.length > 1) return;
      // 300 s at 1:1000 is 300 ms; the queue's own 3600 s would be 3.6 s.
      await client.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: q.url,
          ReceiptHandle: record.receiptHandle,
          VisibilityTimeout: 300,
        }),
      );
      throw new Error('the receiver is down');
    });

    sqs.send(q.name, 'retry me');
    await eventually(() => receivedAt.length === 2);

    const waited = (receivedAt[1] ?? 0) - (receivedAt[0] ?? 0);
    expect(waited).toBeGreaterThanOrEqual(290);
    expect(waited).toBeLessThan(1500);
    await sqs.drained();
  });

  it('answers the SDK’s errors for an unknown queue and receipt handles it did not give', async () => {
    const q = queue({ visibilityTimeoutSeconds: 30 }, async () => undefined);

    await expect(client.send(new GetQueueUrlCommand({ QueueName: 'no-such-queue' }))).rejects.toMatchObject({
      name: 'QueueDoesNotExist',
    });
    await expect(
      client.send(new DeleteMessageCommand({ QueueUrl: q.url, ReceiptHandle: 'not-a-handle' })),
    ).rejects.toMatchObject({ name: 'ReceiptHandleIsInvalid' });
  });

  it('answers MessageNotInflight for a receipt handle of an earlier receive', async () => {
    const handles: string[] = [];
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    // 30 s at 1:1000: back 30 ms after the first receive fails; the second receive is held.
    const q = queue({ visibilityTimeoutSeconds: 30 }, async (event) => {
      handles.push(event.Records[0]?.receiptHandle ?? '');
      if (handles.length === 1) throw new Error('fail once');
      await held;
    });
    sqs.send(q.name, 'x');
    await eventually(() => handles.length === 2);

    try {
      await expect(
        client.send(
          new ChangeMessageVisibilityCommand({
            QueueUrl: q.url,
            ReceiptHandle: handles[0],
            VisibilityTimeout: 0,
          }),
        ),
      ).rejects.toMatchObject({ name: 'MessageNotInflight' });
      await client.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: q.url,
          ReceiptHandle: handles[1],
          VisibilityTimeout: 60,
        }),
      );
    } finally {
      release();
    }
    await sqs.drained();
  });

  it('moves a message that keeps failing to the dead-letter queue after maxReceiveCount receives', async () => {
    let calls = 0;
    const q = queue({ visibilityTimeoutSeconds: 10, maxReceiveCount: 3 }, async () => {
      calls++;
      throw new Error('always failing');
    });

    sqs.send(q.name, 'poison');
    await eventually(() => sqs.messages(`${q.name}-dlq`).length === 1);

    expect(calls).toBe(3);
    expect(sqs.messages(q.name)).toEqual([]);
    expect(sqs.messages(`${q.name}-dlq`)).toEqual(['poison']);
    expect(failures.length).toBeGreaterThanOrEqual(3);
  });
});

describe('the reader of DynamoDB Local’s stream', () => {
  const TABLE = 'local-events-test';
  let client: DynamoDBClient;
  const readers: StreamReader[] = [];

  /** A reader of the whole stream with the consumer's filter shape, for items of one `type`. */
  async function reader(
    type: string,
    handler: (event: DynamoDBStreamEvent) => Promise<unknown>,
    batchSize = 10,
  ) {
    const started = await startStreamReader({
      endpoint: dynamo.endpoint,
      region: REGION,
      tableName: TABLE,
      filter: { eventName: ['INSERT'], dynamodb: { NewImage: { type: { S: [type] } } } },
      batchSize,
      handler,
      onError: () => undefined,
    });
    readers.push(started);
    return started;
  }

  const put = (pk: string, sk: string, type: string, extra: Record<string, unknown> = {}) =>
    client.send(
      new PutItemCommand({
        TableName: TABLE,
        Item: { pk: { S: pk }, sk: { S: sk }, type: { S: type }, ...(extra as object) },
      }),
    );

  beforeAll(() => {
    client = new DynamoDBClient(localClientConfig(dynamo.endpoint));
  });
  afterAll(async () => {
    await Promise.all(readers.map((r) => r.stop()));
    client?.destroy();
  });

  it('hands the matching INSERTs of a partition over in order, as Lambda shapes them, and skips the rest', async () => {
    const records: DynamoDBRecord[] = [];
    const sizes: number[] = [];
    const activity = await reader('activity-in-order', async (event) => {
      sizes.push(event.Records.length);
      records.push(...event.Records);
    });
    await put('ORG#1', 'ACT#000', 'activity-in-order', {
      n: { N: '1.50' },
      b: { B: new Uint8Array([1, 2, 3]) },
      l: { L: [{ NULL: true }, { BS: [new Uint8Array([4])] }] },
      // Empty maps and lists are values too (a user without licenses holds `licenses: {}`).
      m: { M: {} },
      nested: { M: { inner: { M: {} }, none: { L: [] } } },
    });
    for (let i = 1; i < 50; i++) {
      await put('ORG#1', `ACT#${String(i).padStart(3, '0')}`, 'activity-in-order');
      if (i % 10 === 0) await put('ORG#1', `OTHER#${i}`, 'not-activity');
    }
    await client.send(
      new UpdateItemCommand({
        TableName: TABLE,
        Key: { pk: { S: 'ORG#1' }, sk: { S: 'ACT#001' } },
        UpdateExpression: 'SET seen = :t',
        ExpressionAttributeValues: { ':t': { BOOL: true } },
      }),
    );

    await activity.idle();

    expect(records.map((r) => r.dynamodb?.Keys?.sk?.S)).toEqual(
      Array.from({ length: 50 }, (_, i) => `ACT#${String(i).padStart(3, '0')}`),
    );
    const sequences = records.map((r) => BigInt(r.dynamodb?.SequenceNumber ?? '0'));
    expect(sequences.every((s, i) => i === 0 || s > (sequences[i - 1] ?? 0n))).toBe(true);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(10);
    expect(records[0]).toEqual({
      eventID: expect.any(String),
      eventName: 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: REGION,
      dynamodb: {
        ApproximateCreationDateTime: expect.any(Number),
        Keys: { pk: { S: 'ORG#1' }, sk: { S: 'ACT#000' } },
        NewImage: {
          pk: { S: 'ORG#1' },
          sk: { S: 'ACT#000' },
          type: { S: 'activity-in-order' },
          n: { N: '1.5' },
          b: { B: 'AQID' },
          l: { L: [{ NULL: true }, { BS: ['BA=='] }] },
          m: { M: {} },
          nested: { M: { inner: { M: {} }, none: { L: [] } } },
        },
        SequenceNumber: expect.stringMatching(/^\d+$/),
        SizeBytes: expect.any(Number),
        StreamViewType: 'NEW_IMAGE',
      },
      eventSourceARN: expect.stringMatching(
        new RegExp(`^arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${TABLE}/stream/`),
      ),
    });
    const created = records[0]?.dynamodb?.ApproximateCreationDateTime ?? 0;
    expect(Math.abs(created - Date.now() / 1000)).toBeLessThan(120);
  });

  it('reads with the platform’s own filter: activity INSERTs only', async () => {
    const [spec] = streamConsumers;
    if (!spec) throw new Error('no stream consumer');
    const types: string[] = [];
    const platform = await startStreamReader({
      endpoint: dynamo.endpoint,
      region: REGION,
      tableName: TABLE,
      filter: spec.filter,
      batchSize: spec.batchSize,
      handler: async (event) => {
        types.push(...event.Records.map((r) => `${r.eventName} ${r.dynamodb?.NewImage?.type?.S}`));
      },
    });
    readers.push(platform);
    await put('ORG#2', 'ACT#1', 'activity');
    await put('ORG#2', 'WEBHOOK#1', 'webhook');
    await put('ORG#2', 'ACT#1', 'activity');

    await platform.idle();

    expect(types).toEqual(['INSERT activity']);
  });

  it('retries from the lowest failed sequence number, after a pause, and a batch that throws whole', async () => {
    // Written first: the reader, reading from TRIM_HORIZON, gets all six in its first batch.
    for (let i = 1; i <= 6; i++) await put('ORG#3', `R${i}`, 'activity-retry');
    const calls: Array<{ at: number; keys: string[] }> = [];
    let reported = false;
    let thrown = false;
    const retrying = await reader(
      'activity-retry',
      async (event) => {
        calls.push({ at: Date.now(), keys: event.Records.map((r) => r.dynamodb?.Keys?.sk?.S ?? '') });
        const sequenceOf = (sk: string) =>
          event.Records.find((r) => r.dynamodb?.Keys?.sk?.S === sk)?.dynamodb?.SequenceNumber;
        if (!reported) {
          reported = true;
          return {
            batchItemFailures: [{ itemIdentifier: sequenceOf('R5') }, { itemIdentifier: sequenceOf('R3') }],
          };
        }
        if (!thrown) {
          thrown = true;
          throw new Error('down for a moment');
        }
        return { batchItemFailures: [] };
      },
      6,
    );

    await retrying.idle();

    expect(calls.map((c) => c.keys)).toEqual([
      ['R1', 'R2', 'R3', 'R4', 'R5', 'R6'],
      // From the lowest failed sequence number: R3 and everything after it.
      ['R3', 'R4', 'R5', 'R6'],
      // The same again after the throw; then it succeeded and nothing more came.
      ['R3', 'R4', 'R5', 'R6'],
    ]);
    const [first, second, third] = calls.map((c) => c.at);
    expect((second ?? 0) - (first ?? 0)).toBeGreaterThanOrEqual(100);
    expect((third ?? 0) - (second ?? 0)).toBeGreaterThanOrEqual(200);
  });
});

describe('the local event pipeline, as the runtime wires it', () => {
  const TABLE = 'local-events-pipeline';
  let events: LocalEvents;
  let stopConsumers: () => Promise<void> = async () => undefined;
  const deliveries: unknown[] = [];
  let failDeliveries = false;

  const stream: StreamConsumerSpec = {
    name: 'publish-events',
    handler: 'publish',
    uses: ['table', 'eventBus'],
    filter: { eventName: ['INSERT'], dynamodb: { NewImage: { type: { S: ['activity'] } } } },
    batchSize: 100,
  };
  const queue: QueueConsumerSpec = {
    name: 'deliver-webhooks',
    handler: 'deliver',
    uses: ['deliveryQueue'],
    rule: { source: [EVENT_SOURCE] },
    batchSize: 10,
    timeoutSeconds: 60,
    visibilityTimeoutSeconds: 360,
    maxReceiveCount: 2,
    retentionSeconds: 345_600,
  };

  /** Stand-ins for the two functions: publish puts each record on the bus; deliver records the events. */
  const handlers: Record<string, (event: never) => Promise<unknown>> = {
    publish: async (event: DynamoDBStreamEvent) => {
      const bus = new EventBridgeClient(localClientConfig(events.env.AWS_ENDPOINT_URL_EVENTBRIDGE));
      try {
        const answer = await bus.send(
          new PutEventsCommand({
            Entries: event.Records.map((r) => ({
              EventBusName: 'csp-partner-platform',
              Source: EVENT_SOURCE,
              DetailType: 'activity.recorded',
              Detail: JSON.stringify({ sk: r.dynamodb?.NewImage?.sk?.S }),
            })),
          }),
        );
        if (answer.FailedEntryCount) throw new Error('PutEvents failed');
      } finally {
        bus.destroy();
      }
    },
    deliver: async (event: SQSEvent) => {
      if (failDeliveries) throw new Error('the receiver is down');
      deliveries.push(...event.Records.map((r) => JSON.parse(r.body)));
    },
  };

  beforeAll(async () => {
    const client = new DynamoDBClient(localClientConfig(dynamo.endpoint));
    await client.send(createTableInput(TABLE)).finally(() => client.destroy());
    events = await startLocalEvents({
      region: REGION,
      accountId: ACCOUNT,
      timeScale: 86_400,
      busName: 'csp-partner-platform',
      streamConsumers: [stream],
      queueConsumers: [queue],
    });
    stopConsumers = await events.startConsumers({
      dynamoDbEndpoint: dynamo.endpoint,
      tableName: TABLE,
      startingPosition: 'TRIM_HORIZON',
      invoke: (handler, event) => (handlers[handler] as (e: unknown) => Promise<unknown>)(event),
    });
  }, 60_000);
  afterAll(async () => {
    await stopConsumers();
    await events?.stop();
  });

  it('turns an activity record into an event delivered from the queue, and idle() waits for it', async () => {
    const client = new DynamoDBClient(localClientConfig(dynamo.endpoint));
    try {
      await client.send(
        new PutItemCommand({
          TableName: TABLE,
          Item: { pk: { S: 'ORG#1' }, sk: { S: 'ACT#1' }, type: { S: 'activity' } },
        }),
      );
      await client.send(
        new PutItemCommand({
          TableName: TABLE,
          Item: { pk: { S: 'ORG#1' }, sk: { S: 'WEBHOOK#1' }, type: { S: 'webhook' } },
        }),
      );
    } finally {
      client.destroy();
    }

    await events.idle(10_000);

    expect(deliveries).toEqual([
      expect.objectContaining({
        source: EVENT_SOURCE,
        'detail-type': 'activity.recorded',
        detail: { sk: 'ACT#1' },
      }),
    ]);
    expect(events.queueUrl('deliver-webhooks')).toMatch(/\/000000000000\/deliver-webhooks$/);
  });

  it('puts a delivery that keeps failing in the dead-letter queue', async () => {
    failDeliveries = true;
    const client = new DynamoDBClient(localClientConfig(dynamo.endpoint));
    try {
      await client.send(
        new PutItemCommand({
          TableName: TABLE,
          Item: { pk: { S: 'ORG#1' }, sk: { S: 'ACT#2' }, type: { S: 'activity' } },
        }),
      );
    } finally {
      client.destroy();
    }

    await eventually(() => events.deadLetters('deliver-webhooks').length === 1);

    const [dead] = events.deadLetters('deliver-webhooks');
    expect(JSON.parse(dead ?? '{}')).toMatchObject({ detail: { sk: 'ACT#2' } });
    failDeliveries = false;
  });
});

describe('the default bus and its function targets, as the runtime wires the mail event consumers', () => {
  let events: LocalEvents;
  let stopConsumers: () => Promise<void> = async () => undefined;
  const received: unknown[] = [];
  let failures = 0;

  const mail: MailEventConsumerSpec = {
    name: 'mail-feedback',
    handler: 'feedback',
    uses: ['table'],
    rule: { source: ['aws.ses'], detailType: ['Email Bounced'] },
  };

  beforeAll(async () => {
    events = await startLocalEvents({
      region: REGION,
      accountId: ACCOUNT,
      timeScale: 86_400,
      busName: 'csp-partner-platform',
      streamConsumers: [],
      queueConsumers: [],
      mailEventConsumers: [mail],
    });
  });
  afterAll(async () => {
    await stopConsumers();
    await events?.stop();
  });

  it('holds an event until the functions can be invoked, then hands it over as AWS shapes it', async () => {
    const published = events.publishMailEvent({
      detailType: 'Email Bounced',
      detail: { eventType: 'Bounce' },
    });
    await sleep(50);
    expect(received).toEqual([]);

    stopConsumers = await events.startConsumers({
      dynamoDbEndpoint: dynamo.endpoint,
      tableName: 'unused',
      startingPosition: 'TRIM_HORIZON',
      invoke: async (handler, event) => {
        expect(handler).toBe('feedback');
        if (failures > 0) {
          failures--;
          throw new Error('the table is down');
        }
        received.push(event);
      },
    });

    expect(await published.delivered).toEqual([{ consumer: 'mail-feedback', delivered: true }]);
    expect(received).toEqual([
      {
        version: '0',
        id: published.id,
        'detail-type': 'Email Bounced',
        source: 'aws.ses',
        account: ACCOUNT,
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
        region: REGION,
        resources: [],
        detail: { eventType: 'Bounce' },
      },
    ]);
  });

  it('gives no function an event its rule does not match', async () => {
    received.length = 0;

    const published = events.publishMailEvent({ detailType: 'Email Delivered', detail: {} });

    expect(await published.delivered).toEqual([]);
    await events.idle(5000);
    expect(received).toEqual([]);
  });

  it('retries a failed invocation twice, as Lambda does, then keeps the event in the dead letters', async () => {
    received.length = 0;
    failures = 2;
    const retried = events.publishMailEvent({ detailType: 'Email Bounced', detail: { n: 1 } });
    expect(await retried.delivered).toEqual([{ consumer: 'mail-feedback', delivered: true }]);
    expect(received).toHaveLength(1);

    failures = 3;
    const given = events.publishMailEvent({ detailType: 'Email Bounced', detail: { n: 2 } });
    await events.idle(5000);

    expect(await given.delivered).toEqual([
      { consumer: 'mail-feedback', delivered: false, error: 'Error: the table is down' },
    ]);
    expect(events.deadLetters('mail-feedback').map((e) => JSON.parse(e).detail)).toEqual([{ n: 2 }]);
  });

  it('refuses PutEvents from a caller naming an AWS source, as AWS does', async () => {
    const client = new EventBridgeClient(localClientConfig(events.env.AWS_ENDPOINT_URL_EVENTBRIDGE));
    try {
      const answer = await client.send(
        new PutEventsCommand({ Entries: [{ Source: 'aws.ses', DetailType: 'Email Bounced', Detail: '{}' }] }),
      );
      expect(answer.Entries?.[0]?.ErrorCode).toBe('NotAuthorizedForSourceException');
    } finally {
      client.destroy();
    }
  });
});
