/**
 * `npm run bench`: latency and throughput of a few representative operations against the
 * local runtime, each at concurrency 1 and 20; customer lists at 100 and 10,000 customers and
 * invitation accepts (customers.ts); orders of 1 and 10 lines at concurrency 1 and 10, and one
 * customer's subscriptions at 10 and 5,000 (commerce.ts); an on-behalf call's relationship check
 * vs GetItem and 100 license assignments at c=20 on 50 seats (on-behalf.ts); the provider directory's
 * search with 10 and 2,000 listings in one country (directory.ts); and `POST /enrollments` (100 submissions
 * from 100 verified accounts, concurrency 10), in one run. Then, in a second process with a metered
 * runtime (enrollment.ts), one enrollment's state transitions and its cost at AWS list prices; in
 * a third (events.ts), change → webhook delivery latency and the write units of a change; and in a
 * fourth (running-costs.ts), the cost per 1,000 orders and per 1M API calls and the idle monthly
 * floor counted from the templates synthesized into cdk.out first.
 * It prints figures and ratios measured in this run; it asserts no timing. It fails (exit 1) if
 * any request is not 2xx, so that a broken endpoint is never benchmarked silently.
 */
import { spawn } from 'node:child_process';
import { availableParallelism, cpus } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../../functions/platform/data/table.ts';
import { REPO_ROOT } from '../../infra/bundle.ts';
import { startLocalRuntime } from '../../infra/local/runtime.ts';
import { coldStartPart } from './cold-start.ts';
import { commercePart, printCommerce } from './commerce.ts';
import { customersPart, printCustomers } from './customers.ts';
import { directoryPart, printDirectory } from './directory.ts';
import {
  type Account,
  enrollmentBody,
  PASSWORD,
  pool,
  request,
  seedAccount,
  seedMpnProfile,
  signIn,
} from './http.ts';
import { isMetricsLine, startLogMeter } from './log-meter.ts';
import { failures, measure, type Operation, p50Of, printTable, type Result, ratio } from './measure.ts';
import { onBehalfPart, printOnBehalf } from './on-behalf.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
/** The environment before the runtime adds its own: the enrollment part starts from this one. */
const cleanEnv = { ...process.env };

const CONCURRENCIES = [1, 20] as const;
/** POST /enrollments: each submission needs its own verified account and MPN profile (setup, not measured). */
const SUBMISSIONS = { total: 100, warmUp: 10, concurrency: 10 } as const;

async function main(): Promise<number> {
  console.log(
    'Note: local stand-ins (DynamoDB Local on Java, each function in its own worker, cognito-local); the ratios matter, not absolute times.',
  );
  console.log(
    `Node ${process.version}, ${availableParallelism()} CPUs (${cpus()[0]?.model.trim() ?? 'unknown'}), ${process.platform}/${process.arch}`,
  );

  const startedAt = performance.now();
  // Functions print a metrics (EMF) line per order, enrollment or license: thousands here, kept off the output.
  const emf = startLogMeter(isMetricsLine);
  const rt = await startLocalRuntime({
    port: 0,
    mailboxPort: 0,
    timeScale: 86400,
    operator: { email: 'operator@bench.local', password: 'Operator-Bench-2026' },
    logLevel: 'ERROR',
  });
  console.log(`Local runtime started in ${((performance.now() - startedAt) / 1000).toFixed(1)} s`);

  const dynamo = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: rt.env.AWS_ENDPOINT_URL_DYNAMODB,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
  );
  try {
    const tableName = rt.env.TABLE_NAME;
    const probe = keys.probe('bench');
    await dynamo.send(new PutCommand({ TableName: tableName, Item: { ...probe, type: 'probe', v: 1 } }));
    const { email, token: accessToken } = await seedAccount(rt, { signIn: true });
    const getItem: Operation = async () => {
      const { Item } = await dynamo.send(new GetCommand({ TableName: tableName, Key: probe }));
      return { ok: Item !== undefined, status: Item ? 200 : 'missing item', body: JSON.stringify(Item) };
    };

    const cases: Array<{
      name: string;
      totals: Record<(typeof CONCURRENCIES)[number], number>;
      fn: Operation;
    }> = [
      { name: 'GET /health', totals: { 1: 300, 20: 1000 }, fn: () => request(`${rt.apiUrl}/health`) },
      { name: 'DynamoDB GetItem', totals: { 1: 300, 20: 1000 }, fn: getItem },
      {
        name: 'POST /auth/sign-in',
        totals: { 1: 100, 20: 200 },
        fn: () =>
          request(`${rt.apiUrl}/auth/sign-in`, { method: 'POST', body: { email, password: PASSWORD } }),
      },
      {
        name: 'GET /me',
        totals: { 1: 300, 20: 1000 },
        fn: () => request(`${rt.apiUrl}/me`, { token: accessToken }),
      },
    ];

    const results: Result[] = [];
    for (const c of cases) {
      for (const concurrency of CONCURRENCIES)
        results.push(await measure(c.name, concurrency, c.totals[concurrency], c.fn));
    }

    const operatorToken = await signIn(rt.apiUrl, rt.operator.email, rt.operator.password);
    // Customers and invitations (customers.ts), before the enrollments: their resellers' reviews end
    // at approval, whereas the submissions below leave reviews running (and reminding) afterwards.
    const customers = await customersPart(rt, dynamo, operatorToken, getItem);
    // Orders and subscriptions (commerce.ts), also before the enrollments; their subscriptions'
    // timers (P3Y terms) fall due after this runtime stops.
    const commerce = await commercePart(rt, dynamo, operatorToken, getItem);
    // On behalf (on-behalf.ts): the relationship check's cost and license contention, also before the enrollments.
    const onBehalf = await onBehalfPart(rt, operatorToken, getItem);
    // The provider directory (directory.ts): search with 10 and 2,000 listings in one country.
    const directory = await directoryPart(rt, dynamo, operatorToken);

    // POST /enrollments, last: each submission starts an execution whose first task (the verification
    // email) then runs in this same process, as it would in another Lambda on AWS.
    const setupStarted = performance.now();
    const submitters = await pool(
      Array.from({ length: SUBMISSIONS.warmUp + SUBMISSIONS.total }),
      SUBMISSIONS.concurrency,
      async () => ({
        account: await seedAccount(rt, { signIn: true }),
        mpnId: await seedMpnProfile(rt.apiUrl, operatorToken),
      }),
    );
    const setupSeconds = (performance.now() - setupStarted) / 1000;
    const submit = (submitter: { account: Account; mpnId: string } | undefined) =>
      request(`${rt.apiUrl}/enrollments`, {
        method: 'POST',
        token: submitter?.account.token,
        body: submitter ? enrollmentBody(submitter.account, submitter.mpnId) : {},
      });
    results.push(
      await measure(
        'POST /enrollments',
        SUBMISSIONS.concurrency,
        SUBMISSIONS.total,
        (i) => submit(submitters[i]),
        SUBMISSIONS.warmUp,
      ),
    );

    console.log(
      `Whole run (start, seed, warm-ups, measures): ${((performance.now() - startedAt) / 1000).toFixed(1)} s\n`,
    );
    printTable(results);
    console.log(
      `POST /enrollments: ${SUBMISSIONS.total} submissions (after ${SUBMISSIONS.warmUp} warm-up ones) from as many verified accounts, ` +
        `each with its own MPN profile; that setup (${setupSeconds.toFixed(1)} s) is not measured. Each submission ` +
        'starts a review whose first task (verification email) runs in this process meanwhile.',
    );

    const p50 = (name: string, concurrency: number) => p50Of(results, name, concurrency);
    console.log('\nRatios (p50, this run):');
    for (const concurrency of CONCURRENCIES) {
      const get = p50('DynamoDB GetItem', concurrency);
      console.log(
        `  c=${concurrency}: health / GetItem ${ratio(p50('GET /health', concurrency), get)}, ` +
          `sign-in / GetItem ${ratio(p50('POST /auth/sign-in', concurrency), get)}, ` +
          `/me / GetItem ${ratio(p50('GET /me', concurrency), get)}`,
      );
    }
    for (const c of cases) console.log(`  ${c.name}: c=20 / c=1 ${ratio(p50(c.name, 20), p50(c.name, 1))}`);
    printCustomers(customers, results);
    printCommerce(commerce);
    printOnBehalf(onBehalf);
    printDirectory(directory);
    console.log(
      `\n(${emf.lines()} metrics lines the functions printed, ${(emf.bytes() / 1024).toFixed(0)} KB, were kept off this output.)`,
    );

    if (failures.count > 0) {
      const first = failures.first;
      console.error(
        `\nFAILED: ${failures.count} request(s) were not 2xx; first: ${first?.name} ${first?.status} ${first?.body}`,
      );
      return 1;
    }
    return 0;
  } finally {
    emf.stop();
    dynamo.destroy();
    await rt.stop();
  }
}

/**
 * The enrollment's transitions and cost, and the events' latency and write units, come from
 * processes of their own: their runtimes meter DynamoDB through a proxy, which must not sit under
 * the latencies above, and handlers read the runtime's endpoints once per process.
 */
function meteredPart(file: string, what: string, args: string[] = []): Promise<number> {
  const script = fileURLToPath(new URL(file, import.meta.url));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      stdio: 'inherit',
      env: cleanEnv,
    });
    child.once('error', (error) => {
      console.error(`${what} benchmark failed to start: ${error.message}`);
      resolve(1);
    });
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

try {
  const coldStartFailures = await coldStartPart();
  const first = (await main()) || (coldStartFailures > 0 ? 1 : 0);
  // The cold-start part synthesized the app there: the cost parts read its templates.
  const templates = ['--templates', join(REPO_ROOT, 'cdk.out')];
  console.log('');
  const second = await meteredPart('./enrollment.ts', 'Enrollment', templates);
  console.log('');
  const third = await meteredPart('./events.ts', 'Events');
  console.log('');
  const fourth = await meteredPart('./running-costs.ts', 'Running costs', templates);
  process.exitCode = first || second || third || fourth;
} catch (error) {
  console.error(`Benchmark failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
