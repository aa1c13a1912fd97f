/**
 * The local Lambda event source mapping for the table's stream: reads DynamoDB Local's own stream
 * (the DynamoDB Streams API on the same endpoint) with `@aws-sdk/client-dynamodb-streams` and
 * hands its records to a consumer as Lambda does.
 *
 * - Shards: found with DescribeStream (again every second, to follow new shards); a shard is read
 *   from TRIM_HORIZON (or LATEST at the start, if asked) until GetRecords ends it (no
 *   NextShardIterator); a child shard waits until its parent is finished.
 * - Filter: records that do not match the consumer's filter (the Lambda filter pattern of
 *   functions/consumers.ts, exact-value lists, see pattern.ts) are skipped, never handed over.
 * - Batches: up to `batchSize` records of one shard, in order, one batch at a time per shard, as
 *   `DynamoDBStreamEvent` records shaped as Lambda gives them (attribute values in DynamoDB JSON,
 *   binary as base64, ApproximateCreationDateTime in epoch seconds, the mapping's region).
 * - Failures: `{ batchItemFailures: [{ itemIdentifier: <SequenceNumber> }] }` retries from the
 *   lowest sequence number named (it and everything after it in the shard); a throw, or an
 *   identifier that is not one of the batch's, retries the whole batch. Retries wait 100 ms,
 *   doubling up to 5 s, and go on until they succeed, as Lambda's default (until the record expires).
 */

import { setTimeout as wait } from 'node:timers/promises';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type AttributeValue as SdkAttributeValue,
  type _Record as SdkRecord,
  type Shard as SdkShard,
} from '@aws-sdk/client-dynamodb-streams';
import type { AttributeValue, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { assertExactPattern, type ExactPattern, matchesPattern } from './pattern.ts';

export interface StreamReaderOptions {
  endpoint: string;
  region: string;
  tableName: string;
  /** For messages: the consumer's name. */
  name?: string;
  /** The Lambda filter pattern of the consumer (exact-value lists only). */
  filter: object;
  batchSize: number;
  handler(event: DynamoDBStreamEvent): Promise<unknown>;
  /** Between two reads of the shards. @default 50 */
  pollMs?: number;
  /** Where a shard open at the start is read from; shards found later are read whole. @default 'TRIM_HORIZON' */
  startingPosition?: 'TRIM_HORIZON' | 'LATEST';
  /** Told when a batch fails or a read fails (default: a line on stderr). */
  onError?(error: unknown): void;
}

export interface StreamReader {
  /** Batches handed to the consumer since the start. */
  readonly invocations: number;
  /**
   * Resolves once every record written before the call has been read, and each one the filter
   * lets through has been handed over in a batch that succeeded: never while a batch keeps failing,
   * unless the reader stops or `signal` aborts.
   */
  idle(signal?: AbortSignal): Promise<void>;
  /** What keeps `idle()` waiting, a line per shard that is behind. */
  pending(): string[];
  stop(): Promise<void>;
}

interface ShardState {
  id: string;
  parentId?: string;
  /** Where the next GetRecords reads; undefined: get one (from `lastSequence`, or `position`). */
  iterator?: string;
  position: 'TRIM_HORIZON' | 'LATEST';
  lastSequence?: string;
  /** GetRecords answered no NextShardIterator: nothing more will come. */
  closed: boolean;
  /** Read and matching, not yet handed over successfully. */
  buffer: DynamoDBRecord[];
  /** A failed batch is handed over again at this time (epoch ms). */
  retryAt: number;
  failures: number;
  lastError?: string;
  /** When the last read that found nothing began, if the buffer has been empty since. */
  quietSince?: number;
}

const MAX_RECORDS_PER_READ = 1000;
const DESCRIBE_EVERY_MS = 1000;
const FIRST_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 5000;
const STOP_WAIT_MS = 5000;

const messageOf = (error: unknown) =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

/** An attribute value as Lambda writes it: the SDK's, with binary as base64. */
function lambdaValue(value: SdkAttributeValue): AttributeValue {
  const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
  if (value.B !== undefined) return { B: base64(value.B) };
  if (value.BS !== undefined) return { BS: value.BS.map(base64) };
  if (value.M !== undefined) return { M: lambdaImage(value.M) };
  if (value.L !== undefined) return { L: value.L.map(lambdaValue) };
  if (value.S !== undefined) return { S: value.S };
  if (value.N !== undefined) return { N: value.N };
  if (value.SS !== undefined) return { SS: value.SS };
  if (value.NS !== undefined) return { NS: value.NS };
  if (value.BOOL !== undefined) return { BOOL: value.BOOL };
  if (value.NULL !== undefined) return { NULL: value.NULL };
  // The SDK's deserializer drops the member of an empty map (`{"M":{}}` reads as `{}`); an empty
  // list stays `{ L: [] }` and no other type can be empty, so `{}` was an empty map.
  if (Object.keys(value).length === 0) return { M: {} };
  throw new Error(`Unknown attribute value type: ${Object.keys(value).join(', ')}`);
}

function lambdaImage(image: Record<string, SdkAttributeValue>): Record<string, AttributeValue> {
  return Object.fromEntries(Object.entries(image).map(([name, value]) => [name, lambdaValue(value)]));
}

/** A stream record as Lambda puts it in a DynamoDBStreamEvent. */
function lambdaRecord(record: SdkRecord, eventSourceARN: string, region: string): DynamoDBRecord {
  const stream = record.dynamodb ?? {};
  const created = stream.ApproximateCreationDateTime;
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion,
    eventSource: record.eventSource,
    awsRegion: region,
    dynamodb: {
      ...(created ? { ApproximateCreationDateTime: Math.floor(created.getTime() / 1000) } : {}),
      ...(stream.Keys ? { Keys: lambdaImage(stream.Keys) } : {}),
      ...(stream.NewImage ? { NewImage: lambdaImage(stream.NewImage) } : {}),
      ...(stream.OldImage ? { OldImage: lambdaImage(stream.OldImage) } : {}),
      SequenceNumber: stream.SequenceNumber,
      SizeBytes: stream.SizeBytes,
      StreamViewType: stream.StreamViewType,
    },
    // Time to live deletions name the service that made them.
    ...(record.userIdentity
      ? { userIdentity: { type: record.userIdentity.Type, principalId: record.userIdentity.PrincipalId } }
      : {}),
    eventSourceARN,
  };
}

/** The sequence numbers of a handler's `batchItemFailures`, or undefined when it names none. */
function failedSequences(result: unknown): unknown[] | undefined {
  if (typeof result !== 'object' || result === null) return undefined;
  const failures = (result as { batchItemFailures?: unknown }).batchItemFailures;
  if (!Array.isArray(failures) || failures.length === 0) return undefined;
  return failures.map((f: unknown) =>
    typeof f === 'object' && f !== null ? (f as { itemIdentifier?: unknown }).itemIdentifier : undefined,
  );
}

export async function startStreamReader(opts: StreamReaderOptions): Promise<StreamReader> {
  assertExactPattern(opts.filter, `filter of ${opts.name ?? 'the stream consumer'}`);
  const filter: ExactPattern = opts.filter;
  // DynamoDB Local keeps one database per access key and region (it runs without -sharedDb): the
  // reader signs as the functions and the runtime do, or it would find no table.
  const config = {
    endpoint: opts.endpoint,
    region: opts.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  };
  const table = new DynamoDBClient(config);
  const streams = new DynamoDBStreamsClient(config);
  const pollMs = opts.pollMs ?? 50;
  const label = `stream consumer ${opts.name ?? opts.tableName}`;
  const onError = opts.onError ?? ((error: unknown) => console.error(`[${label}]`, messageOf(error)));

  let streamArn: string;
  try {
    const { Table } = await table.send(new DescribeTableCommand({ TableName: opts.tableName }));
    if (!Table?.LatestStreamArn || !Table.StreamSpecification?.StreamEnabled)
      throw new Error(`Table ${opts.tableName} has no stream: create it with a StreamSpecification`);
    streamArn = Table.LatestStreamArn;
  } catch (error) {
    streams.destroy();
    throw error;
  } finally {
    table.destroy();
  }
  // DynamoDB Local writes its own region ("ddblocal") in the ARN; Lambda's events carry the real one.
  const eventSourceARN = streamArn.replace(/^(arn:aws:dynamodb:)[^:]*:/, `$1${opts.region}:`);

  /** Open shards, parents before children (in the order DescribeStream lists them). */
  const shards = new Map<string, ShardState>();
  /** Shards read to their end (or skipped at a LATEST start). */
  const finished = new Set<string>();
  let describedAt = 0;
  /** An `idle()` waits for shards listed after this time: the next sweep lists them. */
  let describeWanted = 0;
  let invocations = 0;
  let stopped = false;
  let first = true;

  const describe = async () => {
    const started = Date.now();
    const found: SdkShard[] = [];
    let start: string | undefined;
    do {
      const { StreamDescription } = await streams.send(
        new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: start }),
      );
      found.push(...(StreamDescription?.Shards ?? []));
      start = StreamDescription?.LastEvaluatedShardId;
    } while (start);
    for (const shard of found) {
      const id = shard.ShardId;
      if (!id || shards.has(id) || finished.has(id)) continue;
      const isOpen = !shard.SequenceNumberRange?.EndingSequenceNumber;
      const latest = first && opts.startingPosition === 'LATEST';
      if (latest && !isOpen) {
        finished.add(id);
        continue;
      }
      shards.set(id, {
        id,
        ...(shard.ParentShardId ? { parentId: shard.ParentShardId } : {}),
        position: latest ? 'LATEST' : 'TRIM_HORIZON',
        closed: false,
        buffer: [],
        retryAt: 0,
        failures: 0,
      });
    }
    first = false;
    describedAt = started;
  };

  /** Hands over the shard's buffer, a batch at a time, until it is empty or a batch fails. */
  const deliver = async (shard: ShardState) => {
    while (shard.buffer.length > 0 && !stopped && Date.now() >= shard.retryAt) {
      const batch = shard.buffer.slice(0, opts.batchSize);
      invocations++;
      let retryFrom = 0;
      try {
        const failed = failedSequences(await opts.handler({ Records: batch }));
        if (failed === undefined) {
          retryFrom = batch.length;
        } else {
          const indexes = failed.map((s) => batch.findIndex((r) => r.dynamodb?.SequenceNumber === s));
          // An identifier that is not one of the batch's fails it whole, as on Lambda.
          retryFrom = indexes.includes(-1) ? 0 : Math.min(...indexes);
          throw new Error(`${failed.length} record(s) reported as failed`);
        }
      } catch (error) {
        shard.buffer.splice(0, retryFrom);
        shard.failures++;
        shard.lastError = messageOf(error);
        shard.retryAt = Date.now() + Math.min(FIRST_BACKOFF_MS * 2 ** (shard.failures - 1), MAX_BACKOFF_MS);
        onError(new Error(`shard ${shard.id}: attempt ${shard.failures} failed: ${shard.lastError}`));
        return;
      }
      shard.buffer.splice(0, retryFrom);
      shard.failures = 0;
      shard.lastError = undefined;
    }
  };

  /** One read of the shard (after handing over what it holds); true when it has ended. */
  const read = async (shard: ShardState): Promise<boolean> => {
    await deliver(shard);
    if (shard.buffer.length > 0) return false;
    if (shard.closed) return true;
    const began = Date.now();
    try {
      if (!shard.iterator) {
        const { ShardIterator } = await streams.send(
          new GetShardIteratorCommand({
            StreamArn: streamArn,
            ShardId: shard.id,
            ...(shard.lastSequence
              ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: shard.lastSequence }
              : { ShardIteratorType: shard.position }),
          }),
        );
        shard.iterator = ShardIterator;
      }
      const { Records = [], NextShardIterator } = await streams.send(
        new GetRecordsCommand({ ShardIterator: shard.iterator, Limit: MAX_RECORDS_PER_READ }),
      );
      shard.iterator = NextShardIterator;
      if (!NextShardIterator) shard.closed = true;
      for (const record of Records) {
        shard.lastSequence = record.dynamodb?.SequenceNumber ?? shard.lastSequence;
        const event = lambdaRecord(record, eventSourceARN, opts.region);
        if (matchesPattern(filter, event)) shard.buffer.push(event);
      }
      shard.quietSince = Records.length === 0 ? began : undefined;
    } catch (error) {
      // An expired or otherwise bad iterator: the next read gets a new one after the last record read.
      shard.iterator = undefined;
      shard.quietSince = undefined;
      if (!stopped) onError(error);
      return false;
    }
    await deliver(shard);
    return shard.closed && shard.buffer.length === 0;
  };

  const loop = async () => {
    while (!stopped) {
      try {
        if (Date.now() - describedAt >= DESCRIBE_EVERY_MS || describedAt < describeWanted) await describe();
        for (const shard of [...shards.values()]) {
          if (stopped) break;
          if (shard.parentId && shards.has(shard.parentId)) continue;
          if (await read(shard)) {
            shards.delete(shard.id);
            finished.add(shard.id);
          }
        }
      } catch (error) {
        if (!stopped) onError(error);
      }
      await wait(pollMs);
    }
  };

  try {
    await describe();
  } catch (error) {
    streams.destroy();
    throw error;
  }
  const running = loop();

  const pending = (since = 0) => {
    const lines: string[] = [];
    if (describedAt < since) lines.push(`${label}: shards not listed again yet`);
    for (const shard of shards.values()) {
      if (shard.buffer.length > 0)
        lines.push(
          `${label}: shard ${shard.id}: ${shard.buffer.length} record(s) to hand over` +
            (shard.lastError ? ` (failing ${shard.failures} time(s): ${shard.lastError})` : ''),
        );
      else if (shard.quietSince === undefined || shard.quietSince < since)
        lines.push(`${label}: shard ${shard.id}: not read to its end yet`);
    }
    return lines;
  };

  return {
    get invocations() {
      return invocations;
    },
    async idle(signal) {
      const since = Date.now();
      describeWanted = Math.max(describeWanted, since);
      while (!stopped && !signal?.aborted && pending(since).length > 0) await wait(10);
    },
    pending: () => pending(),
    async stop() {
      if (stopped) return;
      stopped = true;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([running, new Promise((resolve) => (timer = setTimeout(resolve, STOP_WAIT_MS)))]);
      clearTimeout(timer);
      streams.destroy();
    },
  };
}
