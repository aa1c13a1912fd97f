/**
 * The enrollment part of `npm run bench` (run.ts starts it as its own process): one happy-path
 * enrollment (submit → verify by the emailed link → operator approves) on a runtime started with
 * `meter: true`, then
 *
 * - its state transitions, counted from the execution's GetExecutionHistory (each `*StateEntered`
 *   event is one transition as Standard workflows bill them), and its task function invocations
 *   (TaskScheduled / LambdaFunctionScheduled events);
 * - what it asked of DynamoDB (the meter), the emails it sent (the mailbox), the wall time of its
 *   API requests, its activity records (events, stream consumer invocations) and the bytes its
 *   functions logged (log-meter.ts);
 * - its cost at the AWS list prices of cost.ts, per enrollment and per 1,000.
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
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import type { ActivityRecord } from '../../functions/platform/audit.ts';
import { stateMachineArnEnvName } from '../../functions/platform/resources.ts';
import type { DynamoDbMetrics } from '../../infra/local/meter.ts';
import { type LocalRuntime, startLocalRuntime } from '../../infra/local/runtime.ts';
import {
  ASSUMED_TASK_MS,
  accessLogLine,
  consumerInvocations,
  count,
  LAMBDA_MEMORY_GB,
  PRICES_NOTE,
  platformLogBytes,
  printCostTable,
  usageLines,
} from './cost.ts';
import { accessLogFormat, assemblyTemplates } from './floor.ts';
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
import { type LogMeter, startLogMeter } from './log-meter.ts';
import { activityWriteUnits } from './units.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/** Big enough that the first 3-day reminder (3 s) comes long after the approval (tens of ms later). */
const TIME_SCALE = 86_400;
const REMINDER_STATE = 'Still in review';
const AWAIT_DECISION_STATE = 'Await decision';

interface ApiCall {
  /** `METHOD /resource/path`, as the route table names it. */
  name: string;
  ms: number;
  status: number;
  responseLength: number;
}

async function timed(calls: ApiCall[], name: string, pending: () => Promise<Response>): Promise<Response> {
  const start = performance.now();
  const res = await pending();
  const ms = performance.now() - start;
  calls.push({ name, ms, status: Number(res.status), responseLength: Buffer.byteLength(res.body) });
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
  /** Bytes the functions logged (JSON and EMF lines). */
  appLogBytes: number;
  /** The enrollment's activity records (read back after the meter's snapshot) and the write units they cost. */
  activity: { operations: string[]; writeUnits: number };
}

/** One enrollment from submission to approval; the meter and the mailbox count from its submission on. */
async function happyPath(
  rt: LocalRuntime,
  sfn: SFNClient,
  logs: LogMeter,
  operatorToken: string,
): Promise<Measured> {
  const { metrics, resetMetrics } = rt;
  if (!metrics || !resetMetrics) throw new Error('the runtime was started without meter: true');
  const mpnId = await seedMpnProfile(rt.apiUrl, operatorToken);
  const account = await seedAccount(rt, { signIn: true });
  const contact = `paz@${account.domain}`;
  const stateMachineArn = rt.env[stateMachineArnEnvName('enrollment-review')] ?? '';

  // Everything the system does from here on is this enrollment's.
  await rt.events.idle(60_000);
  const mailBefore = new Set((await emailsSince(rt.mailboxUrl)).map((m) => m.messageId));
  const from = new Date().toISOString();
  resetMetrics();
  logs.reset();
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
  // The approval's activity record goes through the stream to its consumers (events, existing customers).
  await rt.events.idle(60_000);
  const dynamodb = metrics().dynamodb;
  const appLogBytes = logs.bytes();
  // Not counted (after the snapshot): the records this enrollment wrote, as its admin reads them.
  const log = await expectOk<{ items: ActivityRecord[] }>(
    'GET /activity',
    request(`${rt.apiUrl}/activity?from=${encodeURIComponent(from)}&limit=100`, { token: account.token }),
  );
  const records = log.items.reverse();
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
  return {
    executionArn,
    status,
    executionSeconds,
    apiCalls,
    events,
    dynamodb,
    emails,
    appLogBytes,
    activity,
  };
}

function report(m: Measured, format: { text: string; source: string }) {
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

  const consumers = consumerInvocations(m.activity.operations.map((operation) => ({ operation })));
  const consumerCalls = [...consumers.values()].reduce((a, b) => a + b, 0);
  const apiMs = m.apiCalls.reduce((sum, c) => sum + Math.ceil(c.ms), 0);
  const taskMs = (taskInvocations.length + consumerCalls) * ASSUMED_TASK_MS;
  const gbSeconds = ((apiMs + taskMs) / 1000) * LAMBDA_MEMORY_GB;
  const lambdaRequests = m.apiCalls.length + taskInvocations.length + consumerCalls;
  const accessLogBytes = m.apiCalls.reduce((sum, c) => {
    const [method = '', resourcePath = ''] = c.name.split(' ');
    return sum + Buffer.byteLength(accessLogLine(format.text, { ...c, method, resourcePath })) + 1;
  }, 0);
  const platformBytes = platformLogBytes() * lambdaRequests;
  const d = m.dynamodb;
  const ops = Object.entries(d.byOperation)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([op, o]) => {
      const items = o.items !== o.requests ? `${o.items} items, ` : '';
      const units = `${count(o.readRequestUnits + o.writeRequestUnits)} ${o.writeRequestUnits ? 'WRU' : 'RRU'}`;
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
  console.log(
    `  stream consumer invocations (one per activity record its filter matches): ${consumerCalls}: ${[...consumers].map(([name, n]) => `${name} ${n}`).join(', ')}`,
  );
  console.log(`  Lambda requests: ${lambdaRequests} (API + tasks + stream consumers)`);
  console.log(
    `  Lambda duration: ${apiMs} ms measured (API requests' wall time here, gateway included) + ${taskInvocations.length + consumerCalls} × ${ASSUMED_TASK_MS} ms assumed per task or consumer = ${((apiMs + taskMs) / 1000).toFixed(3)} s at ${LAMBDA_MEMORY_GB * 1024} MB = ${gbSeconds.toFixed(4)} GB-s`,
  );
  console.log(`  DynamoDB requests: ${d.requests}: ${ops.join(', ')}`);
  console.log(
    `  DynamoDB request units (as DynamoDB Local reports ConsumedCapacity, by item size, GSIs included, transactions doubled): ${count(d.readRequestUnits)} RRU, ${count(d.writeRequestUnits)} WRU`,
  );
  console.log(
    `  of which the activity log: ${m.activity.operations.length} records (${m.activity.operations.join(', ')}), ${count(m.activity.writeUnits)} WRU by item size = ${((100 * m.activity.writeUnits) / (d.writeRequestUnits || 1)).toFixed(0)}% of the WRU; without it: ${count(d.writeRequestUnits - m.activity.writeUnits)} WRU (write amplification ${(d.writeRequestUnits / (d.writeRequestUnits - m.activity.writeUnits || 1)).toFixed(2)}×)`,
  );
  console.log(`  emails sent (mailbox, per recipient): ${m.emails}`);

  console.log(
    `  events on the bus (one per activity record): ${m.activity.operations.length}; log bytes: ${m.appLogBytes} logged by the functions + ${accessLogBytes} access log (${format.source}) + ${platformBytes} Lambda START/END/REPORT`,
  );

  console.log(`\nCost per enrollment at ${PRICES_NOTE}:`);
  printCostTable(
    usageLines({
      apiRequests: m.apiCalls.length,
      lambdaRequests,
      lambdaGbSeconds: gbSeconds,
      transitions,
      readRequestUnits: d.readRequestUnits,
      writeRequestUnits: d.writeRequestUnits,
      emails: m.emails,
      events: m.activity.operations.length,
      // The execution is traced with the request that started it; stream consumers start their own traces.
      traces: m.apiCalls.length + consumerCalls,
      logBytes: m.appLogBytes + accessLogBytes + platformBytes,
    }),
    'enrollment',
    { n: 1_000, label: 'per 1,000' },
  );
  console.log(
    'X-Ray: every trace recorded (below 1 request/s the default sampling rule traces all). Not included: Cognito (sign-ins are not per enrollment), data transfer, the setup (account, MPN profile), reminders and retries that did not happen.',
  );
}

/**
 * The API stage's access log format: from `--templates <cdk.out>` when run.ts passes it, else the one
 * infra/stateless-stack.ts sets (CDK's JSON with standard fields).
 */
async function accessFormat(): Promise<{ text: string; source: string }> {
  const at = process.argv.indexOf('--templates');
  const dir = at >= 0 ? process.argv[at + 1] : undefined;
  const fromTemplates = dir ? accessLogFormat(await assemblyTemplates(dir)) : undefined;
  return fromTemplates
    ? { text: fromTemplates, source: `format from ${dir}` }
    : {
        text: AccessLogFormat.jsonWithStandardFields().toString(),
        source: "CDK's JSON with standard fields",
      };
}

async function main(): Promise<number> {
  const startedAt = performance.now();
  const format = await accessFormat();
  const logs = startLogMeter();
  const rt = await startLocalRuntime({
    port: 0,
    mailboxPort: 0,
    timeScale: TIME_SCALE,
    operator: { email: 'operator@bench.local', password: 'Operator-Bench-2026' },
    // Functions log at INFO, as deployed: their lines are counted (log-meter.ts), not shown.
    logLevel: 'INFO',
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
    await happyPath(rt, sfn, logs, operatorToken);
    const measured = await happyPath(rt, sfn, logs, operatorToken);
    logs.stop();
    report(measured, format);
    console.log(
      `Enrollment part (start, setup, two enrollments): ${((performance.now() - startedAt) / 1000).toFixed(1)} s`,
    );
    return 0;
  } finally {
    logs.stop();
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
