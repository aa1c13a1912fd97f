/**
 * The running-costs part of `npm run bench` (run.ts starts it as its own process with
 * `--templates cdk.out`, which it has just synthesized; alone, `npx tsx test/bench/running-costs.ts`
 * synthesizes into a temporary folder first): what the platform costs at AWS list prices
 *
 * - per 1,000 orders: an indirect provider's `POST /customers/{customerId}/orders` of one line, end
 *   to end (the order's transaction, its subscription's timers, both emails, its activity record
 *   through the stream to the bus);
 * - per 1M API calls: an authenticated read (`GET /me`) and a write (`PATCH /users/{id}`, a rename,
 *   with its activity record and event);
 * - the idle monthly floor, counted from the synthesized templates (floor.ts).
 *
 * Counted on a runtime started with `meter: true` (DynamoDB request units), the mailbox (emails), the
 * Scheduler stand-in (timers armed), the activity log (records, hence stream consumer invocations
 * and events) and the functions' own log lines (log-meter.ts); API wall times measured here stand
 * for Lambda's billed duration. Setup (accounts, the enrollment, the provider link, the customer)
 * and warm-up calls come before each window and are not counted.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ActivityRecord } from '../../functions/platform/audit.ts';
import type { DynamoDbMetrics } from '../../infra/local/meter.ts';
import { type LocalRuntime, startLocalRuntime } from '../../infra/local/runtime.ts';
import { synthesizePlatform } from '../support/synthesized.ts';
import { indirectProvider, linkProviderAndReseller, sharedCustomer } from './commerce.ts';
import {
  ASSUMED_TASK_MS,
  accessLogLine,
  consumerInvocations,
  count,
  LAMBDA_MEMORY_GB,
  PRICES_NOTE,
  platformLogBytes,
  printCostTable,
  type Usage,
  usageLines,
} from './cost.ts';
import { accessLogFormat, assemblyTemplates, idleFloor, printFloor, type Template } from './floor.ts';
import { approvedReseller, emailsSince, expectOk, type Response, request, signIn } from './http.ts';
import { type LogMeter, startLogMeter } from './log-meter.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const TIME_SCALE = 86_400;
/**
 * The README's sample line. A three-year term: its timers (notice and end) fall due long after this
 * process ends, so no timer task runs inside a window.
 */
const ORDER_LINE = { offerId: 'm365-e3', quantity: 10, termDuration: 'P3Y', billingCycle: 'ANNUAL' } as const;
const ORDERS = { warmUp: 3, measured: 10 } as const;
const CALLS = { warmUp: 5, measured: 20 } as const;

interface ApiCall {
  method: string;
  resourcePath: string;
  status: number;
  responseLength: number;
  ms: number;
}

interface Window {
  calls: ApiCall[];
  dynamodb: DynamoDbMetrics;
  /** Bytes the functions logged (JSON and EMF lines). */
  appLogBytes: number;
  timers: number;
  emails: number;
  records: ActivityRecord[];
}

/** One request, timed, that must answer 2xx. */
async function call(
  calls: ApiCall[],
  method: string,
  resourcePath: string,
  pending: () => Promise<Response>,
): Promise<Response> {
  const start = performance.now();
  const res = await pending();
  const ms = performance.now() - start;
  if (!res.ok) throw new Error(`${method} ${resourcePath} answered ${res.status}: ${res.body}`);
  calls.push({
    method,
    resourcePath,
    status: Number(res.status),
    responseLength: Buffer.byteLength(res.body),
    ms,
  });
  return res;
}

/**
 * Everything the system does from `run`'s first request until the event pipeline is idle again:
 * DynamoDB units, log bytes, timers armed, emails sent, and the activity records `log` lists.
 */
async function meteredWindow(
  rt: LocalRuntime,
  logs: LogMeter,
  run: (calls: ApiCall[]) => Promise<void>,
  log: (from: string) => Promise<ActivityRecord[]>,
): Promise<Window> {
  const { metrics, resetMetrics } = rt;
  if (!metrics || !resetMetrics) throw new Error('the runtime was started without meter: true');
  await rt.events.idle(60_000);
  const timersBefore = new Set(rt.timers.pending().map((t) => t.name));
  const mailBefore = new Set((await emailsSince(rt.mailboxUrl)).map((m) => m.messageId));
  const from = new Date().toISOString();
  resetMetrics();
  logs.reset();

  const calls: ApiCall[] = [];
  await run(calls);
  await rt.events.idle(60_000);

  const dynamodb = metrics().dynamodb;
  const appLogBytes = logs.bytes();
  // Not counted (after the snapshot): reading back what the window did.
  const timers = rt.timers.pending().filter((t) => !timersBefore.has(t.name)).length;
  const emails = (await emailsSince(rt.mailboxUrl))
    .filter((m) => !mailBefore.has(m.messageId))
    .reduce(
      (n, m) =>
        n + m.destination.to.length + (m.destination.cc?.length ?? 0) + (m.destination.bcc?.length ?? 0),
      0,
    );
  return { calls, dynamodb, appLogBytes, timers, emails, records: await log(from) };
}

/** An organization's activity records from `from` on, as its admin reads them (one page is plenty here). */
async function activitySince(apiUrl: string, token: string, from: string): Promise<ActivityRecord[]> {
  const { items } = await expectOk<{ items: ActivityRecord[] }>(
    'GET /activity',
    request(`${apiUrl}/activity?from=${encodeURIComponent(from)}&limit=100`, { token }),
  );
  return items;
}

/** A window's usage for one of its `n` operations. */
function usagePerOperation(w: Window, n: number, format: string | undefined) {
  const invocations = consumerInvocations(w.records);
  const consumerCalls = [...invocations.values()].reduce((a, b) => a + b, 0);
  const apiMs = w.calls.reduce((sum, c) => sum + Math.ceil(c.ms), 0);
  const lambdaRequests = w.calls.length + consumerCalls;
  const accessLogBytes = format
    ? w.calls.reduce((sum, c) => sum + Buffer.byteLength(accessLogLine(format, c)) + 1, 0)
    : 0;
  const platformBytes = platformLogBytes() * lambdaRequests;
  const usage: Usage = {
    apiRequests: w.calls.length / n,
    lambdaRequests: lambdaRequests / n,
    lambdaGbSeconds: (((apiMs + consumerCalls * ASSUMED_TASK_MS) / 1000) * LAMBDA_MEMORY_GB) / n,
    readRequestUnits: w.dynamodb.readRequestUnits / n,
    writeRequestUnits: w.dynamodb.writeRequestUnits / n,
    emails: w.emails / n,
    events: w.records.length / n,
    timers: w.timers / n,
    traces: (w.calls.length + consumerCalls) / n,
    logBytes: (w.appLogBytes + accessLogBytes + platformBytes) / n,
  };
  const ops = Object.entries(w.dynamodb.byOperation)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([op, o]) => `${op} ${count(o.requests / n)}`);
  const inputs = [
    `API requests ${count(w.calls.length / n)} (p50 wall ${median(w.calls.map((c) => c.ms)).toFixed(1)} ms, gateway included)`,
    `stream consumer invocations ${count(consumerCalls / n)} (${[...invocations].map(([name, k]) => `${name} ${count(k / n)}`).join(', ') || 'none'}; ${ASSUMED_TASK_MS} ms each assumed)`,
    `activity records ${count(w.records.length / n)} (${[...new Set(w.records.map((r) => r.operation))].join(', ') || 'none'})`,
    `DynamoDB requests ${count(w.dynamodb.requests / n)} (${ops.join(', ')})`,
    `log bytes ${count(w.appLogBytes / n)} logged by the functions + ${count(accessLogBytes / n)} access log + ${count(platformBytes / n)} Lambda START/END/REPORT`,
  ];
  return { usage, inputs };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN;
}

function report(
  title: string,
  w: Window,
  n: number,
  format: string | undefined,
  scale: { n: number; label: string },
  each: string,
) {
  const { usage, inputs } = usagePerOperation(w, n, format);
  console.log(`\n${title}`);
  for (const line of inputs) console.log(`  ${line}`);
  printCostTable(usageLines(usage), each, scale);
}

/** The templates to count the floor from: `--templates <cdk.out>` as run.ts passes it, else a fresh synthesis. */
async function templates(): Promise<{ templates: Template[]; source: string }> {
  const at = process.argv.indexOf('--templates');
  const given = at >= 0 ? process.argv[at + 1] : undefined;
  if (given)
    return { templates: await assemblyTemplates(given), source: `${given} (synthesized by this run)` };
  const dir = await mkdtemp(join(tmpdir(), 'csp-cost-cdk-out-'));
  await synthesizePlatform(dir);
  return { templates: await assemblyTemplates(dir), source: 'a synthesis of the app made for this part' };
}

async function main(): Promise<number> {
  const startedAt = performance.now();
  const assembly = await templates();
  const format = accessLogFormat(assembly.templates);
  // Functions log at INFO, as deployed (no POWERTOOLS_LOG_LEVEL is set there): their lines are counted, not shown.
  const logs = startLogMeter();
  const rt = await startLocalRuntime({
    port: 0,
    mailboxPort: 0,
    timeScale: TIME_SCALE,
    operator: { email: 'operator@bench.local', password: 'Operator-Bench-2026' },
    logLevel: 'INFO',
    meter: true,
  });
  try {
    const { apiUrl } = rt;
    const operatorToken = await signIn(apiUrl, rt.operator.email, rt.operator.password);
    const [provider, reseller] = await Promise.all([
      indirectProvider(apiUrl, operatorToken),
      approvedReseller(rt, operatorToken),
    ]);
    await linkProviderAndReseller(rt, provider, reseller);
    const customerId = await sharedCustomer(rt, reseller, provider.orgId);
    const { user } = await expectOk<{ user: { id: string } }>(
      'POST /users',
      request(`${apiUrl}/users`, {
        method: 'POST',
        token: reseller.token,
        body: {
          firstName: 'Eve',
          lastName: 'Cost',
          email: `eve@${reseller.domain}`,
          agentRole: 'HELPDESK_AGENT',
          adminRole: 'NONE',
        },
      }),
    );

    const placeOrder = (calls: ApiCall[]) =>
      call(calls, 'POST', '/customers/{customerId}/orders', () =>
        request(`${apiUrl}/customers/${customerId}/orders`, {
          method: 'POST',
          token: provider.token,
          body: { lineItems: [ORDER_LINE] },
        }),
      );
    const getMe = (calls: ApiCall[]) =>
      call(calls, 'GET', '/me', () => request(`${apiUrl}/me`, { token: reseller.token }));
    let renames = 0;
    const rename = (calls: ApiCall[]) =>
      call(calls, 'PATCH', '/users/{id}', () =>
        request(`${apiUrl}/users/${user.id}`, {
          method: 'PATCH',
          token: reseller.token,
          body: { firstName: `Eve${renames++}` },
        }),
      );
    const repeat = async (n: number, fn: (calls: ApiCall[]) => Promise<unknown>, calls: ApiCall[] = []) => {
      for (let i = 0; i < n; i++) await fn(calls);
    };

    // Warm-up: every function these windows call is loaded, as warm Lambdas would be.
    await repeat(ORDERS.warmUp, placeOrder);
    await repeat(CALLS.warmUp, getMe);
    await repeat(CALLS.warmUp, rename);

    const orders = await meteredWindow(
      rt,
      logs,
      (calls) => repeat(ORDERS.measured, placeOrder, calls),
      (from) => activitySince(apiUrl, provider.token, from),
    );
    const reads = await meteredWindow(
      rt,
      logs,
      (calls) => repeat(CALLS.measured, getMe, calls),
      (from) => activitySince(apiUrl, reseller.token, from),
    );
    const writes = await meteredWindow(
      rt,
      logs,
      (calls) => repeat(CALLS.measured, rename, calls),
      (from) => activitySince(apiUrl, reseller.token, from),
    );
    const floor = idleFloor(assembly.templates);

    logs.stop();
    console.log(`Running costs at ${PRICES_NOTE}; metered runtime, time scale ${TIME_SCALE}.`);
    console.log(
      'Lambda duration: API wall time measured here (gateway included, a local stand-in: indicative); X-Ray: every ' +
        'request and stream invocation traced (the default sampling rule traces the first request each second, so below ' +
        '1 request/s that is all of them; above, about 5 %); logs: functions at INFO as deployed.',
    );
    report(
      `Per order: POST /customers/{customerId}/orders, 1 line (${ORDER_LINE.offerId} × ${ORDER_LINE.quantity}, ${ORDER_LINE.termDuration} ${ORDER_LINE.billingCycle}), ${ORDERS.measured} orders after ${ORDERS.warmUp} warm-up ones, no webhook subscribed`,
      orders,
      ORDERS.measured,
      format,
      { n: 1_000, label: 'per 1,000' },
      'order',
    );
    console.log(
      "  Timers are priced as the Scheduler invocations they become; the timer tasks' own work later (a notice, a renewal) is the subscription's, not the order's. A subscribed webhook adds a queue message, a deliver-webhooks invocation and its write units per event (see the events part).",
    );
    report(
      `Per API call, read: GET /me as a reseller's global admin, ${CALLS.measured} calls after ${CALLS.warmUp} warm-up ones`,
      reads,
      CALLS.measured,
      format,
      { n: 1_000_000, label: 'per 1M' },
      'call',
    );
    report(
      `Per API call, write: PATCH /users/{id} (a rename) as the same admin, with its activity record through the stream to the bus, ${CALLS.measured} calls after ${CALLS.warmUp} warm-up ones`,
      writes,
      CALLS.measured,
      format,
      { n: 1_000_000, label: 'per 1M' },
      'call',
    );
    if (!format)
      console.log('  No API stage with an access log format was found: access log bytes are not counted.');
    console.log(
      'Not included: Cognito (sign-ins are not per call), KMS and Secrets Manager requests (cached per warm function), data transfer, free tiers.\n',
    );

    printFloor(floor, assembly.source);
    console.log(
      `Running-costs part (synthesis or reading, start, setup, measures): ${((performance.now() - startedAt) / 1000).toFixed(1)} s`,
    );
    return 0;
  } finally {
    logs.stop();
    await rt.stop();
  }
}

try {
  process.exitCode = await main();
} catch (error) {
  console.error(`Running-costs benchmark failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
