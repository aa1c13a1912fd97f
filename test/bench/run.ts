/**
 * `npm run bench`: latency and throughput of a few representative operations against the
 * local runtime, each at concurrency 1 and 20, and of `POST /enrollments` (100 submissions from
 * 100 verified accounts, concurrency 10), in one run. Then, in a second process with a metered
 * runtime (enrollment.ts), one enrollment's state transitions and its cost at AWS list prices.
 * It prints figures and ratios measured in this run; it asserts no timing. It fails (exit 1) if
 * any request is not 2xx, so that a broken endpoint is never benchmarked silently.
 */
import { spawn } from 'node:child_process';
import { availableParallelism, cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../../functions/data/table.ts';
import { startLocalRuntime } from '../../infra/local/runtime.ts';
import {
  type Account,
  enrollmentBody,
  type Outcome,
  PASSWORD,
  pool,
  request,
  seedAccount,
  seedMpnProfile,
  signIn,
} from './http.ts';
import { type Summary, summarize } from './stats.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
/** The environment before the runtime adds its own: the enrollment part starts from this one. */
const cleanEnv = { ...process.env };

const WARM_UP = 50;
const CONCURRENCIES = [1, 20] as const;
/** POST /enrollments: each submission needs its own verified account and MPN profile (setup, not measured). */
const SUBMISSIONS = { total: 100, warmUp: 10, concurrency: 10 } as const;

/** `i` numbers the calls of one case, warm-up first, so a case can give each call its own data. */
type Operation = (i: number) => Promise<Outcome>;

interface Result extends Summary {
  name: string;
  concurrency: number;
  /** Failed requests of this case, warm-up included. */
  errors: number;
}

const failures: { count: number; first?: { name: string; status: number | string; body: string } } = {
  count: 0,
};

/** Runs `fn` `total` times with at most `concurrency` in flight, after a warm-up at the same concurrency. */
async function measure(
  name: string,
  concurrency: number,
  total: number,
  fn: Operation,
  warmUp = Math.min(WARM_UP, total),
): Promise<Result> {
  let errors = 0;
  let calls = 0;
  const run = async (count: number, latencies?: number[]) => {
    let next = 0;
    const worker = async () => {
      while (next < count) {
        next++;
        const i = calls++;
        const start = performance.now();
        let outcome: Outcome;
        try {
          outcome = await fn(i);
        } catch (error) {
          outcome = { ok: false, status: 'exception', body: String(error) };
        }
        latencies?.push(performance.now() - start);
        if (!outcome.ok) {
          errors++;
          failures.count++;
          failures.first ??= { name, status: outcome.status, body: outcome.body };
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  };
  await run(warmUp);
  const latencies: number[] = [];
  const started = performance.now();
  await run(total, latencies);
  const wallMs = performance.now() - started;
  return { name, concurrency, errors, ...summarize(latencies, wallMs) };
}

const ms = (x: number) => x.toFixed(2);
const ratio = (a: number, b: number) => `${(a / b).toFixed(1)}x`;

function printTable(results: readonly Result[]) {
  const rows = [
    ['operation', 'c', 'n', 'p50 ms', 'p99 ms', 'mean ms', 'req/s', 'errors'],
    ...results.map((r) => [
      r.name,
      String(r.concurrency),
      String(r.count),
      ms(r.p50),
      ms(r.p99),
      ms(r.mean),
      r.throughput.toFixed(0),
      String(r.errors),
    ]),
  ];
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((row) => row[i]?.length ?? 0))) ?? [];
  const line = (row: readonly string[]) =>
    `| ${row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join(' | ')} |`;
  console.log(line(rows[0] ?? []));
  console.log(
    `|${widths.map((w, i) => (i === 0 ? `${'-'.repeat(w + 1)}-` : `${'-'.repeat(w + 1)}:`)).join('|')}|`,
  );
  for (const row of rows.slice(1)) console.log(line(row));
}

async function main(): Promise<number> {
  console.log(
    'Note: local stand-ins (DynamoDB Local on Java, in-process handlers, cognito-local); the ratios matter, not absolute times.',
  );
  console.log(
    `Node ${process.version}, ${availableParallelism()} CPUs (${cpus()[0]?.model.trim() ?? 'unknown'}), ${process.platform}/${process.arch}`,
  );

  const startedAt = performance.now();
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

    const cases: Array<{
      name: string;
      totals: Record<(typeof CONCURRENCIES)[number], number>;
      fn: Operation;
    }> = [
      { name: 'GET /health', totals: { 1: 300, 20: 1000 }, fn: () => request(`${rt.apiUrl}/health`) },
      {
        name: 'DynamoDB GetItem',
        totals: { 1: 300, 20: 1000 },
        fn: async () => {
          const { Item } = await dynamo.send(new GetCommand({ TableName: tableName, Key: probe }));
          return { ok: Item !== undefined, status: Item ? 200 : 'missing item', body: JSON.stringify(Item) };
        },
      },
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

    // POST /enrollments, last: each submission starts an execution whose first task (the verification
    // email) then runs in this same process, as it would in another Lambda on AWS.
    const setupStarted = performance.now();
    const operatorToken = await signIn(rt.apiUrl, rt.operator.email, rt.operator.password);
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

    const p50 = (name: string, concurrency: number) =>
      results.find((r) => r.name === name && r.concurrency === concurrency)?.p50 ?? Number.NaN;
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

    if (failures.count > 0) {
      const first = failures.first;
      console.error(
        `\nFAILED: ${failures.count} request(s) were not 2xx; first: ${first?.name} ${first?.status} ${first?.body}`,
      );
      return 1;
    }
    return 0;
  } finally {
    dynamo.destroy();
    await rt.stop();
  }
}

/**
 * The enrollment's transitions and cost come from a second process: its runtime meters DynamoDB
 * through a proxy, which must not sit under the latencies above, and handlers read the runtime's
 * endpoints once per process.
 */
function enrollmentPart(): Promise<number> {
  const script = fileURLToPath(new URL('./enrollment.ts', import.meta.url));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: 'inherit', env: cleanEnv });
    child.once('error', (error) => {
      console.error(`Enrollment benchmark failed to start: ${error.message}`);
      resolve(1);
    });
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

try {
  const first = await main();
  console.log('');
  const second = await enrollmentPart();
  process.exitCode = first || second;
} catch (error) {
  console.error(`Benchmark failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
