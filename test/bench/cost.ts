/**
 * What the metered parts of `npm run bench` price and how they print it: AWS list prices, the
 * usage one operation was counted to cause, and the cost table (per operation and per 1,000 or
 * per 1M). Prices are assumed, not fetched: see PRICES.
 */
import { streamConsumers } from '../../functions/consumers.ts';

/** `usd` per `per` units of `unit`. */
export interface Price {
  usd: number;
  per: number;
  unit: string;
}

/**
 * AWS list prices, us-east-1, as assumed on `asOf` (not fetched at run time; check before quoting).
 * Free tiers are ignored. Monthly prices are per resource-month, prorated by the hour on the bill.
 */
export const PRICES = {
  region: 'us-east-1',
  asOf: '2025-06-01',
  apiGatewayRestRequests: { usd: 3.5, per: 1_000_000, unit: 'REST API request (first 333M/month)' },
  lambdaRequests: { usd: 0.2, per: 1_000_000, unit: 'Lambda request' },
  lambdaArmDuration: { usd: 0.0000133334, per: 1, unit: 'GB-second, Arm (first 7.5B GB-s/month)' },
  stepFunctionsStandardTransitions: { usd: 0.025, per: 1_000, unit: 'state transition, Standard' },
  dynamoDbReadRequestUnits: { usd: 0.125, per: 1_000_000, unit: 'read request unit, on-demand' },
  dynamoDbWriteRequestUnits: { usd: 0.625, per: 1_000_000, unit: 'write request unit, on-demand' },
  sesEmails: { usd: 0.1, per: 1_000, unit: 'email (per recipient), SES outbound' },
  eventBridgeCustomEvents: { usd: 1, per: 1_000_000, unit: 'custom event published (per 64 KB)' },
  schedulerInvocations: { usd: 1, per: 1_000_000, unit: 'EventBridge Scheduler invocation' },
  wafRequests: { usd: 0.6, per: 1_000_000, unit: 'request inspected by a web ACL' },
  xrayTraces: { usd: 5, per: 1_000_000, unit: 'X-Ray trace recorded' },
  logsIngestion: { usd: 0.5, per: 1024 ** 3, unit: 'ingested, CloudWatch Logs (quantity in bytes)' },
  wafWebAcl: { usd: 5, per: 1, unit: 'WAF web ACL-month' },
  wafRule: { usd: 1, per: 1, unit: 'WAF rule-month (a managed rule group is one)' },
  kmsKey: { usd: 1, per: 1, unit: 'KMS customer managed key-month' },
  secret: { usd: 0.4, per: 1, unit: 'Secrets Manager secret-month' },
  alarmMetric: { usd: 0.1, per: 1, unit: 'standard alarm metric-month (metric math: each metric)' },
  highResolutionAlarmMetric: { usd: 0.3, per: 1, unit: 'high-resolution alarm metric-month' },
  compositeAlarm: { usd: 0.5, per: 1, unit: 'composite alarm-month' },
  dashboard: { usd: 3, per: 1, unit: 'CloudWatch dashboard-month' },
  customMetric: { usd: 0.3, per: 1, unit: 'custom metric-month (first 10,000), while it gets data' },
  snsEmails: { usd: 2, per: 100_000, unit: 'SNS email notification' },
} as const satisfies { region: string; asOf: string } & Record<string, Price | string>;

/** Lambda memory of every function (infra/function.ts default, Arm). */
export const LAMBDA_MEMORY_GB = 512 / 1024;

/**
 * Assumed billed duration of one invocation that is not an API request (a workflow task, a stream
 * consumer; warm, a DynamoDB call or two and maybe an SES send). Not measured: locally they run in
 * other workers while the API's wall time is what a client waits for.
 */
export const ASSUMED_TASK_MS = 100;

/** The note every cost table carries. */
export const PRICES_NOTE = `AWS list prices (${PRICES.region}, as assumed on ${PRICES.asOf}, not fetched; free tiers ignored)`;

/** What one operation was counted to cause; `undefined` lines do not apply to it. */
export interface Usage {
  /** API Gateway requests, each also inspected by the WAF. */
  apiRequests: number;
  lambdaRequests: number;
  lambdaGbSeconds: number;
  transitions?: number;
  readRequestUnits: number;
  writeRequestUnits: number;
  emails: number;
  /** Entries put on the platform's EventBridge bus. */
  events?: number;
  /** EventBridge Scheduler timers armed (each is invoked once, when due). */
  timers?: number;
  traces: number;
  logBytes: number;
}

export interface CostLine {
  name: string;
  quantity: number;
  price: Price;
}

/** The priced lines of a usage, in a fixed order. */
export function usageLines(u: Usage): CostLine[] {
  const lines: Array<[string, number | undefined, Price]> = [
    ['API Gateway requests', u.apiRequests, PRICES.apiGatewayRestRequests],
    ['WAF requests', u.apiRequests, PRICES.wafRequests],
    ['Lambda requests', u.lambdaRequests, PRICES.lambdaRequests],
    ['Lambda duration (GB-s)', u.lambdaGbSeconds, PRICES.lambdaArmDuration],
    ['Step Functions transitions', u.transitions, PRICES.stepFunctionsStandardTransitions],
    ['DynamoDB read request units', u.readRequestUnits, PRICES.dynamoDbReadRequestUnits],
    ['DynamoDB write request units', u.writeRequestUnits, PRICES.dynamoDbWriteRequestUnits],
    ['SES emails', u.emails, PRICES.sesEmails],
    ['EventBridge events', u.events, PRICES.eventBridgeCustomEvents],
    ['Scheduler invocations (timers)', u.timers, PRICES.schedulerInvocations],
    ['X-Ray traces', u.traces, PRICES.xrayTraces],
    ['CloudWatch Logs (bytes)', u.logBytes, PRICES.logsIngestion],
  ];
  return lines.flatMap(([name, quantity, price]) =>
    quantity === undefined ? [] : [{ name, quantity, price }],
  );
}

export const costOf = (line: CostLine) => (line.quantity * line.price.usd) / line.price.per;

export const usd = (x: number) => (x === 0 ? '$0' : `$${x < 0.01 ? x.toPrecision(3) : x.toFixed(4)}`);
export const count = (x: number) =>
  Number.isInteger(x) ? String(x) : x < 1 ? String(Number(x.toPrecision(3))) : x.toFixed(1);
const perText = (p: Price) => `$${p.usd} / ${p.per === 1024 ** 3 ? 'GB' : p.per.toLocaleString('en-US')}`;

/** A markdown table: first column left-aligned, the others right-aligned. */
export function printRows(rows: string[][]) {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((row) => row[i]?.length ?? 0))) ?? [];
  const line = (row: readonly string[]) =>
    `| ${row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join(' | ')} |`;
  console.log(line(rows[0] ?? []));
  console.log(`|${widths.map((w, i) => `${'-'.repeat(w + 1)}${i === 0 ? '-' : ':'}`).join('|')}|`);
  for (const row of rows.slice(1)) console.log(line(row));
}

/**
 * Prints the cost of `lines` (quantities of one `each`) and of `scale` of them, with each line's
 * share; answers the cost of one.
 */
export function printCostTable(lines: CostLine[], each: string, scale: { n: number; label: string }) {
  const costs = lines.map((line) => ({ ...line, usd: costOf(line) }));
  const total = costs.reduce((sum, c) => sum + c.usd, 0);
  printRows([
    ['item', `per ${each}`, 'price', `cost per ${each}`, scale.label, 'share'],
    ...costs.map((c) => [
      c.name,
      count(c.quantity),
      `${perText(c.price)} ${c.price.unit}`,
      usd(c.usd),
      usd(c.usd * scale.n),
      `${total > 0 ? ((c.usd / total) * 100).toFixed(0) : '0'}%`,
    ]),
    ['total', '', '', usd(total), usd(total * scale.n), '100%'],
  ]);
  return total;
}

/**
 * How many times each stream consumer is invoked for `records` (activity records, by operation):
 * a record reaches a consumer when its filter (functions/consumers.ts) matches the record's INSERT.
 * One invocation per matching record, as at low traffic where each write is its own stream batch
 * (an upper bound: under load Lambda batches records).
 */
export function consumerInvocations(records: ReadonlyArray<{ operation: string }>): Map<string, number> {
  const invocations = new Map<string, number>();
  for (const consumer of streamConsumers) {
    const { eventName, dynamodb } = consumer.filter;
    if (!eventName.includes('INSERT')) continue;
    const matching = records.filter((r) => {
      const image: Record<string, string> = { type: 'activity', operation: r.operation };
      return Object.entries(dynamodb.NewImage).every(([attribute, { S }]) => {
        const value = image[attribute];
        return value !== undefined && S.includes(value);
      });
    }).length;
    if (matching > 0) invocations.set(consumer.name, matching);
  }
  return invocations;
}

/**
 * Bytes of the lines Lambda itself writes to a function's log per invocation (text format, active
 * tracing): START, END and REPORT with its XRAY line, with values of realistic length.
 */
export function platformLogBytes(): number {
  const id = '6f1e5c9a-2b4d-4c3e-9f7a-1a2b3c4d5e6f';
  const lines = [
    `START RequestId: ${id} Version: $LATEST`,
    `END RequestId: ${id}`,
    `REPORT RequestId: ${id}\tDuration: 42.17 ms\tBilled Duration: 43 ms\tMemory Size: 512 MB\tMax Memory Used: 98 MB\t`,
    'XRAY TraceId: 1-6756a1b2-0123456789abcdef01234567\tSegmentId: 0123456789abcdef\tSampled: true\t',
  ];
  return lines.reduce((n, line) => n + Buffer.byteLength(line) + 1, 0);
}

/**
 * One API access log line as API Gateway writes it with `format` (the stage's AccessLogSetting,
 * `$context.*` variables): the given values, realistic stand-ins for the others ('-' if unknown).
 */
export function accessLogLine(
  format: string,
  request: { method: string; resourcePath: string; status: number; responseLength: number },
): string {
  const values: Record<string, string> = {
    requestId: 'c0ffee00-1234-4abc-8def-0123456789ab',
    'identity.sourceIp': '203.0.113.10',
    'identity.user': '-',
    'identity.caller': '-',
    requestTime: '02/Dec/2026:10:15:30 +0000',
    httpMethod: request.method,
    resourcePath: request.resourcePath,
    status: String(request.status),
    protocol: 'HTTP/1.1',
    responseLength: String(request.responseLength),
  };
  return format.replace(/\$context\.([A-Za-z0-9_.]+[A-Za-z0-9])/g, (_, name: string) => values[name] ?? '-');
}
