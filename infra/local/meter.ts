/**
 * A counting HTTP proxy in front of DynamoDB Local, for `startLocalRuntime({ meter: true })`: every
 * request of the handlers passes through it, so a benchmark can say how many DynamoDB requests, items
 * and request units an operation costs.
 *
 * - Requests are counted by operation (`X-Amz-Target: DynamoDB_20120810.<Operation>`); TransactWriteItems,
 *   TransactGetItems, BatchWriteItem and BatchGetItem also count their items.
 * - Request units come from DynamoDB Local itself: the proxy adds `ReturnConsumedCapacity: TOTAL` to data
 *   requests that do not ask for it (the response then carries `ConsumedCapacity`, which the callers
 *   ignore) and sums what it reports: by item size, eventually consistent reads at half a unit, global
 *   secondary index writes included. DynamoDB Local does not double transactional requests as on-demand
 *   billing does; the meter does.
 * - A request that fails reports no capacity. A failed conditional write is still billed on AWS: it is
 *   counted as 1 write unit (2 in a transaction, per item) and as `estimated`.
 */
import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { readAll, withoutHopByHop } from './proxy.ts';

export interface OperationMetrics {
  requests: number;
  /** Items the requests named: 1 per single-item request or Query/Scan, each entry of a batch or transaction. */
  items: number;
  /** Responses other than 2xx. */
  errors: number;
  readRequestUnits: number;
  writeRequestUnits: number;
  /** Requests whose units are our estimate because DynamoDB Local reported none (failed writes). */
  estimated: number;
}

export interface DynamoDbMetrics {
  requests: number;
  readRequestUnits: number;
  writeRequestUnits: number;
  byOperation: Record<string, OperationMetrics>;
}

export interface DynamoDbMeter {
  endpoint: string;
  metrics(): DynamoDbMetrics;
  reset(): void;
  stop(): Promise<void>;
}

const TARGET_PREFIX = 'DynamoDB_20120810.';
const READS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan', 'TransactGetItems']);
const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);
const TRANSACTIONS = new Set(['TransactGetItems', 'TransactWriteItems']);
/** Errors for which AWS still consumes write capacity. */
const BILLED_WRITE_ERRORS = new Set(['ConditionalCheckFailedException', 'TransactionCanceledException']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function itemsOf(operation: string, body: Record<string, unknown>): number {
  const lengthOf = (value: unknown) => (Array.isArray(value) ? value.length : 0);
  switch (operation) {
    case 'TransactWriteItems':
    case 'TransactGetItems':
      return lengthOf(body.TransactItems);
    case 'BatchWriteItem':
      return isRecord(body.RequestItems)
        ? Object.values(body.RequestItems).reduce<number>((n, v) => n + lengthOf(v), 0)
        : 0;
    case 'BatchGetItem':
      return isRecord(body.RequestItems)
        ? Object.values(body.RequestItems).reduce<number>(
            (n, v) => n + (isRecord(v) ? lengthOf(v.Keys) : 0),
            0,
          )
        : 0;
    default:
      return 1;
  }
}

/** Sums `ConsumedCapacity` (one object, or one per table for batches and transactions). */
function capacityOf(response: unknown): number | undefined {
  if (!isRecord(response) || response.ConsumedCapacity === undefined) return undefined;
  const entries = Array.isArray(response.ConsumedCapacity)
    ? response.ConsumedCapacity
    : [response.ConsumedCapacity];
  return entries.reduce<number>(
    (sum, entry) =>
      sum + (isRecord(entry) && typeof entry.CapacityUnits === 'number' ? entry.CapacityUnits : 0),
    0,
  );
}

/** Starts the proxy on a free loopback port, forwarding to `target` (DynamoDB Local's endpoint). */
export async function startDynamoDbMeter(opts: { target: string }): Promise<DynamoDbMeter> {
  const target = new URL(opts.target);
  const agent = new Agent({ keepAlive: true });
  let byOperation = new Map<string, OperationMetrics>();

  const record = (operation: string, body: Record<string, unknown>, status: number, response: unknown) => {
    let m = byOperation.get(operation);
    if (!m) {
      m = { requests: 0, items: 0, errors: 0, readRequestUnits: 0, writeRequestUnits: 0, estimated: 0 };
      byOperation.set(operation, m);
    }
    const items = itemsOf(operation, body);
    const factor = TRANSACTIONS.has(operation) ? 2 : 1;
    m.requests += 1;
    m.items += items;
    let units = capacityOf(response);
    if (status < 200 || status >= 300) {
      m.errors += 1;
      const type = isRecord(response) && typeof response.__type === 'string' ? response.__type : '';
      if (
        units === undefined &&
        WRITES.has(operation) &&
        BILLED_WRITE_ERRORS.has(type.split('#').pop() ?? '')
      ) {
        units = items;
        m.estimated += 1;
      }
    }
    if (units === undefined) return;
    if (READS.has(operation)) m.readRequestUnits += units * factor;
    else if (WRITES.has(operation)) m.writeRequestUnits += units * factor;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const amzTarget = req.headers['x-amz-target'];
    const operation =
      typeof amzTarget === 'string' && amzTarget.startsWith(TARGET_PREFIX)
        ? amzTarget.slice(TARGET_PREFIX.length)
        : 'Other';
    let payload = await readAll(req);
    const parsed = parse(payload.toString('utf8'));
    const body = isRecord(parsed) ? parsed : {};
    if (
      (READS.has(operation) || WRITES.has(operation)) &&
      isRecord(parsed) &&
      parsed.ReturnConsumedCapacity === undefined
    ) {
      payload = Buffer.from(JSON.stringify({ ...parsed, ReturnConsumedCapacity: 'TOTAL' }));
    }
    const headers = {
      ...withoutHopByHop(req.headers),
      host: target.host,
      'content-length': String(payload.length),
    };
    const upstream = await new Promise<IncomingMessage>((resolve, reject) => {
      const forward = httpRequest(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent },
        resolve,
      );
      forward.on('error', reject);
      forward.end(payload);
    });
    const answer = await readAll(upstream);
    const status = upstream.statusCode ?? 502;
    record(operation, body, status, parse(answer.toString('utf8')));
    res.writeHead(status, { ...withoutHopByHop(upstream.headers), 'content-length': String(answer.length) });
    res.end(answer);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`DynamoDB meter: ${error instanceof Error ? error.message : String(error)}`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string')
    throw new Error('The DynamoDB meter has no TCP address');

  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    metrics() {
      const ops = Object.fromEntries([...byOperation].map(([name, m]) => [name, { ...m }]));
      const total = (field: 'requests' | 'readRequestUnits' | 'writeRequestUnits') =>
        Object.values(ops).reduce((sum, m) => sum + m[field], 0);
      return {
        requests: total('requests'),
        readRequestUnits: total('readRequestUnits'),
        writeRequestUnits: total('writeRequestUnits'),
        byOperation: ops,
      };
    },
    reset() {
      byOperation = new Map();
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
        agent.destroy();
      }),
  };
}
