/**
 * The enrollment part of `npm run bench` (run.ts starts it as its own process): one happy-path
 * enrollment (submit → verify by the emailed link → operator approves) on a runtime started with
 * `meter: true`, then
 *
 * - its state transitions, counted from the execution's GetExecutionHistory (each `*StateEntered`
 *   event is one transition as Standard workflows bill them), and its task function invocations
 *   (TaskScheduled / LambdaFunctionScheduled events);
 * - what it asked of DynamoDB (the meter), the emails it sent (the mailbox) and the wall time of its
 *   API requests;
 * - its cost at the AWS list prices in PRICES, per enrollment and per 1,000.
 *
 * Setup (the operator's MPN profile, the partner's verified account, sign-ins) happens before the
 * meter is reset and is not counted.
 */
import { performance } from 'node:perf_hooks';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  SFNClient,
} from '@aws-sdk/client-sfn';
import type { ActivityRecord } from '../../functions/platform/audit.ts';
import { stateMachineArnEnvName } from '../../functions/platform/resources.ts';
import type { DynamoDbMetrics } from '../../infra/local/meter.ts';
import { type LocalRuntime, startLocalRuntime } from '../../infra/local/runtime.ts';
import {
  emailsSince,
  enrollmentBody,
  expectOk,
  linkToken,
  poll,
  type Response,
  request,
  seedAccount,
  seedMpnProfile,
  signIn,
} from './http.ts';
import { activityWriteUnits } from './units.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/**
 * AWS list prices, us-east-1, as assumed on `asOf` (not fetched at run time; check before quoting).
 * Free tiers are ignored. Each price is `usd` per `per` units of `unit`.
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
} as const;

/** Lambda memory of every function (infra/function.ts default, Arm). */
const LAMBDA_MEMORY_GB = 512 / 1024;
/**
 * Assumed billed duration of one task function invocation (warm; a DynamoDB call or two and maybe an
 * SES send). Not measured: locally they run in-process, and a cold start would add its billed init.
 */
const ASSUMED_TASK_MS = 100;
/** Big enough that the first 3-day reminder (3 s) comes long after the approval (tens of ms later). */
const TIME_SCALE = 86_400;
const REMINDER_STATE = 'Still in review';
const AWAIT_DECISION_STATE = 'Await decision';

interface ApiCall {
  name: string;
  ms: number;
}

async function timed(calls: ApiCall[], name: string, pending: () => Promise<Response>): Promise<Response> {
  const start = performance.now();
  const res = await pending();
  calls.push({ name, ms: performance.now() - start });
  if (!res.ok) throw new Error(`${name} answered ${res.status}: ${res.body}`);
  return res;
}

/** The whole history, in pages of 100 as a client would read it. */
async function history(sfn: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 100, nextToken }));
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

interface Measured {
  executionArn: string;
  status: string;
  executionSeconds: number;
  apiCalls: ApiCall[];
  events: HistoryEvent[];
  dynamodb: DynamoDbMetrics;
  emails: number;
  /** The enrollment's activity records (read back after the meter's snapshot) and the write units they cost. */
  activity: { operations: string[]; writeUnits: number };
}

/** One enrollment from submission to approval; the meter and the mailbox count from its submission on. */
async function happyPath(rt: LocalRuntime, sfn: SFNClient, operatorToken: string): Promise<Measured> {
  const { metrics, resetMetrics } = rt;
  if (!metrics || !resetMetrics) throw new Error('the runtime was started without meter: true');
  const mpnId = await seedMpnProfile(rt.apiUrl, operatorToken);
  const account = await seedAccount(rt, { signIn: true });
  const contact = `paz@${account.domain}`;
  const stateMachineArn = rt.env[stateMachineArnEnvName('enrollment-review')] ?? '';

  // Everything the system does from here on is this enrollment's.
  const mailBefore = new Set((await emailsSince(rt.mailboxUrl)).map((m) => m.messageId));
  resetMetrics();
  const apiCalls: ApiCall[] = [];
  const since = Date.now() / 1000 - 1;

  const submitted = await timed(apiCalls, 'POST /enrollments', () =>
    request(`${rt.apiUrl}/enrollments`, {
      method: 'POST',
      token: account.token,
      body: enrollmentBody(account, mpnId),
    }),
  );
  const { enrollmentId } = submitted.json() as { enrollmentId: string };
  const executionArn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${enrollmentId}`;

  // The contact opens the emailed link (a page), then confirms.
  const token = await linkToken(rt.mailboxUrl, contact, `${rt.apiUrl}/enrollments/verify?token=`, since);
  await timed(apiCalls, 'GET /enrollments/verify', () =>
    request(`${rt.apiUrl}/enrollments/verify?token=${encodeURIComponent(token)}`),
  );
  await timed(apiCalls, 'POST /enrollments/verify', () =>
    request(`${rt.apiUrl}/enrollments/verify`, { method: 'POST', body: { token } }),
  );

  // The operator decides while the review waits for a decision, as days later on AWS (deciding
  // earlier takes the DecisionAlreadyMade path, which enters the same states).
  await poll('the review to wait for a decision', async () => {
    const events = await history(sfn, executionArn);
    const entered = events.findLastIndex((e) => e.stateEnteredEventDetails?.name === AWAIT_DECISION_STATE);
    return entered >= 0 && events.slice(entered).some((e) => e.type === 'TaskSubmitted') ? true : undefined;
  });
  await timed(apiCalls, 'POST /operator/enrollments/{id}/decision', () =>
    request(`${rt.apiUrl}/operator/enrollments/${enrollmentId}/decision`, {
      method: 'POST',
      token: operatorToken,
      body: { decision: 'APPROVE' },
    }),
  );

  const described = await poll('the execution to end', async () => {
    const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    return execution.status === 'RUNNING' ? undefined : execution;
  });
  const dynamodb = metrics().dynamodb;
  // Not counted (after the snapshot): the records this enrollment wrote, as its admin reads them.
  const log = await expectOk<{ items: ActivityRecord[] }>(
    'GET /activity',
    request(`${rt.apiUrl}/activity?resourceType=enrollment&limit=100`, { token: account.token }),
  );
  const records = log.items.filter((r) => r.resourceId === enrollmentId).reverse();
  const activity = {
    operations: records.map((r) => r.operation),
    writeUnits: records.reduce((n, r) => n + activityWriteUnits(r), 0),
  };
  const emails = (await emailsSince(rt.mailboxUrl))
    .filter((m) => !mailBefore.has(m.messageId))
    .reduce(
      (n, m) =>
        n + m.destination.to.length + (m.destination.cc?.length ?? 0) + (m.destination.bcc?.length ?? 0),
      0,
    );
  const events = await history(sfn, executionArn);

  // Not counted (after the snapshot): the partner sees the result.
  const { status } = await expectOk<{ status: string }>(
    'GET /enrollments/{id}',
    request(`${rt.apiUrl}/enrollments/${enrollmentId}`, { token: account.token }),
  );
  if (described.status !== 'SUCCEEDED' || status !== 'APPROVED') {
    throw new Error(`the enrollment ended ${status} with the execution ${described.status}`);
  }
  const executionSeconds =
    ((described.stopDate?.getTime() ?? Number.NaN) - (described.startDate?.getTime() ?? Number.NaN)) / 1000;
  return { executionArn, status, executionSeconds, apiCalls, events, dynamodb, emails, activity };
}

const usd = (x: number) => `$${x < 0.01 ? x.toPrecision(3) : x.toFixed(4)}`;
const count = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(1));

function table(rows: string[][]) {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((row) => row[i]?.length ?? 0))) ?? [];
  const line = (row: readonly string[]) =>
    `| ${row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join(' | ')} |`;
  console.log(line(rows[0] ?? []));
  console.log(`|${widths.map((w, i) => `${'-'.repeat(w + 1)}${i === 0 ? '-' : ':'}`).join('|')}|`);
  for (const row of rows.slice(1)) console.log(line(row));
}

function report(m: Measured) {
  const entered = m.events.filter((e) => e.type?.endsWith('StateEntered'));
  const transitions = entered.length;
  const reminders = entered.filter((e) => e.stateEnteredEventDetails?.name === REMINDER_STATE).length;
  const taskInvocations = m.events.filter(
    (e) =>
      (e.type === 'TaskScheduled' && e.taskScheduledEventDetails?.resourceType === 'lambda') ||
      e.type === 'LambdaFunctionScheduled',
  );
  const functionOf = (e: HistoryEvent) => {
    const parameters = e.taskScheduledEventDetails?.parameters;
    const arn = parameters
      ? String((JSON.parse(parameters) as { FunctionName?: unknown }).FunctionName)
      : e.lambdaFunctionScheduledEventDetails?.resource;
    return (
      arn
        ?.split(':')
        .pop()
        ?.replace(/^enrollment-review-/, '') ?? '?'
    );
  };
  const byType = new Map<string, number>();
  for (const e of m.events) byType.set(e.type ?? '?', (byType.get(e.type ?? '?') ?? 0) + 1);

  console.log(
    `Enrollment review, one happy path (submit → verify → approve) after a warm-up one, time scale ${TIME_SCALE} (a day per second), metered runtime`,
  );
  console.log(
    `  execution ${m.executionArn.split(':').pop()}: ${m.status}, ran ${m.executionSeconds.toFixed(2)} s`,
  );
  console.log(
    `  history: ${m.events.length} events (${[...byType].map(([type, n]) => `${type} ${n}`).join(', ')})`,
  );
  console.log(
    `  state transitions (counted: *StateEntered events of GetExecutionHistory): ${transitions}\n    ${entered.map((e) => e.stateEnteredEventDetails?.name).join(' → ')}`,
  );
  console.log(
    `  "${REMINDER_STATE}" reminders: ${reminders}${reminders === 0 ? ' (approved before the first 3-day reminder; each reminder would add 2 transitions, 2 task invocations and 1 email)' : ' (included in the counts below)'}`,
  );

  const apiMs = m.apiCalls.reduce((sum, c) => sum + Math.ceil(c.ms), 0);
  const taskMs = taskInvocations.length * ASSUMED_TASK_MS;
  const gbSeconds = ((apiMs + taskMs) / 1000) * LAMBDA_MEMORY_GB;
  const lambdaRequests = m.apiCalls.length + taskInvocations.length;
  const d = m.dynamodb;
  const ops = Object.entries(d.byOperation)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([op, o]) => {
      const items = o.items !== o.requests ? `${o.items} items, ` : '';
      const units = `${count(o.readRequestUnits + o.writeRequestUnits)} ${o.readRequestUnits ? 'RRU' : 'WRU'}`;
      const failed = o.errors ? `; ${o.errors} failed${o.estimated ? `, ${o.estimated} estimated` : ''}` : '';
      return `${op} ${o.requests} (${items}${units}${failed})`;
    });

  console.log('\nCounted inputs of this enrollment:');
  console.log(
    `  API requests (API Gateway + one Lambda each): ${m.apiCalls.length}: ${m.apiCalls.map((c) => `${c.name} ${c.ms.toFixed(1)} ms`).join(', ')}`,
  );
  console.log(
    `  task function invocations (TaskScheduled/LambdaFunctionScheduled in the history): ${taskInvocations.length}: ${taskInvocations.map(functionOf).join(', ')}`,
  );
  console.log(`  Lambda requests: ${lambdaRequests} (API + tasks)`);
  console.log(
    `  Lambda duration: ${apiMs} ms measured (API requests' wall time here, gateway included) + ${taskInvocations.length} × ${ASSUMED_TASK_MS} ms assumed per task = ${((apiMs + taskMs) / 1000).toFixed(3)} s at ${LAMBDA_MEMORY_GB * 1024} MB = ${gbSeconds.toFixed(4)} GB-s`,
  );
  console.log(`  DynamoDB requests: ${d.requests}: ${ops.join(', ')}`);
  console.log(
    `  DynamoDB request units (as DynamoDB Local reports ConsumedCapacity, by item size, GSIs included, transactions doubled): ${count(d.readRequestUnits)} RRU, ${count(d.writeRequestUnits)} WRU`,
  );
  console.log(
    `  of which the activity log: ${m.activity.operations.length} records (${m.activity.operations.join(', ')}), ${count(m.activity.writeUnits)} WRU by item size = ${((100 * m.activity.writeUnits) / (d.writeRequestUnits || 1)).toFixed(0)}% of the WRU; without it: ${count(d.writeRequestUnits - m.activity.writeUnits)} WRU (write amplification ${(d.writeRequestUnits / (d.writeRequestUnits - m.activity.writeUnits || 1)).toFixed(2)}×)`,
  );
  console.log(`  emails sent (mailbox, per recipient): ${m.emails}`);

  const lines: Array<[string, number, { usd: number; per: number; unit: string }]> = [
    ['API Gateway requests', m.apiCalls.length, PRICES.apiGatewayRestRequests],
    ['Lambda requests', lambdaRequests, PRICES.lambdaRequests],
    ['Lambda duration (GB-s)', gbSeconds, PRICES.lambdaArmDuration],
    ['Step Functions transitions', transitions, PRICES.stepFunctionsStandardTransitions],
    ['DynamoDB read request units', d.readRequestUnits, PRICES.dynamoDbReadRequestUnits],
    ['DynamoDB write request units', d.writeRequestUnits, PRICES.dynamoDbWriteRequestUnits],
    ['SES emails', m.emails, PRICES.sesEmails],
  ];
  const costs = lines.map(([name, quantity, price]) => ({
    name,
    quantity,
    price,
    usd: (quantity * price.usd) / price.per,
  }));
  const total = costs.reduce((sum, c) => sum + c.usd, 0);
  console.log(
    `\nCost per enrollment at AWS list prices (${PRICES.region}, as assumed on ${PRICES.asOf}; free tiers ignored):`,
  );
  table([
    ['item', 'quantity', 'price', 'per enrollment', 'per 1,000', 'share'],
    ...costs.map((c) => [
      c.name,
      c.name.includes('GB-s') ? c.quantity.toFixed(4) : count(c.quantity),
      `$${c.price.usd} / ${c.price.per.toLocaleString('en-US')} ${c.price.unit}`,
      usd(c.usd),
      usd(c.usd * 1000),
      `${((c.usd / total) * 100).toFixed(0)}%`,
    ]),
    ['total', '', '', usd(total), usd(total * 1000), '100%'],
  ]);
  console.log(
    'Not included: CloudWatch Logs and X-Ray, Cognito (sign-ins are not per enrollment), data transfer, the setup (account, MPN profile), reminders and retries that did not happen.',
  );
}

async function main(): Promise<number> {
  const startedAt = performance.now();
  const rt = await startLocalRuntime({
    port: 0,
    mailboxPort: 0,
    timeScale: TIME_SCALE,
    operator: { email: 'operator@bench.local', password: 'Operator-Bench-2026' },
    logLevel: 'ERROR',
    meter: true,
  });
  const sfn = new SFNClient({
    endpoint: rt.env.AWS_ENDPOINT_URL_SFN,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    const operatorToken = await signIn(rt.apiUrl, rt.operator.email, rt.operator.password);
    // A first enrollment loads every handler (module import, SDK clients), as warm Lambdas would have.
    await happyPath(rt, sfn, operatorToken);
    report(await happyPath(rt, sfn, operatorToken));
    console.log(
      `Enrollment part (start, setup, two enrollments): ${((performance.now() - startedAt) / 1000).toFixed(1)} s`,
    );
    return 0;
  } finally {
    sfn.destroy();
    await rt.stop();
  }
}

try {
  process.exitCode = await main();
} catch (error) {
  console.error(`Enrollment benchmark failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
