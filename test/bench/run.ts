/**
 * `npm run bench`: latency and throughput of a few representative operations against the
 * local runtime, each at concurrency 1 and 20, in one run. It prints figures and ratios
 * measured in this run; it asserts no timing. It fails (exit 1) if any request is not 2xx,
 * so that a broken endpoint is never benchmarked silently.
 */
import { randomUUID } from 'node:crypto';
import { availableParallelism, cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../../functions/data/table.ts';
import { type LocalRuntime, startLocalRuntime } from '../../infra/local/runtime.ts';
import { type Summary, summarize } from './stats.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const PASSWORD = 'Bench-Passw0rd-2026';
const WARM_UP = 50;
const CONCURRENCIES = [1, 20] as const;

/** One request's outcome: `ok` is false for a non-2xx status (or a missing probe item). */
interface Outcome {
  ok: boolean;
  status: number | string;
  body: string;
}
type Operation = () => Promise<Outcome>;

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
async function measure(name: string, concurrency: number, total: number, fn: Operation): Promise<Result> {
  let errors = 0;
  const run = async (count: number, latencies?: number[]) => {
    let next = 0;
    const worker = async () => {
      while (next < count) {
        next++;
        const start = performance.now();
        let outcome: Outcome;
        try {
          outcome = await fn();
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
  await run(Math.min(WARM_UP, total));
  const latencies: number[] = [];
  const started = performance.now();
  await run(total, latencies);
  const wallMs = performance.now() - started;
  return { name, concurrency, errors, ...summarize(latencies, wallMs) };
}

/** A JSON request with Node's fetch (undici, keep-alive); the body is always read so the socket is reused. */
async function request(
  url: string,
  init: { method?: string; token?: string; body?: unknown } = {},
): Promise<Outcome & { json: () => unknown }> {
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const body = await res.text();
  return { ok: res.ok, status: res.status, body, json: () => JSON.parse(body) };
}

async function expectOk<T>(what: string, pending: Promise<Outcome & { json: () => unknown }>): Promise<T> {
  const res = await pending;
  if (!res.ok) throw new Error(`${what} answered ${res.status}: ${res.body}`);
  return res.json() as T;
}

interface StoredEmail {
  destination: { to: string[] };
  subject: string;
  body: { text?: string; html?: string };
}

/** Polls the mailbox for the verification link sent to `email` and returns its token. */
async function verificationToken(mailboxUrl: string, apiUrl: string, email: string): Promise<string> {
  const deadline = Date.now() + 10_000;
  const prefix = `${apiUrl}/accounts/verify?token=`;
  while (Date.now() < deadline) {
    const { emails } = await expectOk<{ emails: StoredEmail[] }>(
      'mailbox',
      request(`${mailboxUrl}/store?since=0`),
    );
    const mail = emails.filter((m) => m.destination.to.includes(email)).at(-1);
    const text = `${mail?.body.text ?? ''} ${mail?.body.html ?? ''}`;
    const link = [...text.matchAll(/https?:\/\/[^\s"'<>)]+/g)]
      .map((m) => m[0].replaceAll('&amp;', '&'))
      .find((l) => l.startsWith(prefix));
    if (link) return new URL(link).searchParams.get('token') ?? '';
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no verification email to ${email} within 10 s`);
}

/** A verified work account through HTTP only, as a user would: create, confirm the emailed link. */
async function seedAccount(rt: LocalRuntime): Promise<string> {
  const domain = `bench-${randomUUID().slice(0, 8)}.example`;
  const email = `ada@${domain}`;
  await expectOk(
    'POST /accounts',
    request(`${rt.apiUrl}/accounts`, {
      method: 'POST',
      body: {
        organization: { name: `Bench ${domain}`, domain, country: 'ES' },
        admin: { firstName: 'Ada', lastName: 'Bench', email, password: PASSWORD },
      },
    }),
  );
  const token = await verificationToken(rt.mailboxUrl, rt.apiUrl, email);
  await expectOk(
    'POST /accounts/verify',
    request(`${rt.apiUrl}/accounts/verify`, { method: 'POST', body: { token } }),
  );
  return email;
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
    const email = await seedAccount(rt);
    const { accessToken } = await expectOk<{ accessToken: string }>(
      'POST /auth/sign-in',
      request(`${rt.apiUrl}/auth/sign-in`, { method: 'POST', body: { email, password: PASSWORD } }),
    );

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

    console.log(
      `Whole run (start, seed, warm-ups, measures): ${((performance.now() - startedAt) / 1000).toFixed(1)} s\n`,
    );
    printTable(results);

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

try {
  process.exitCode = await main();
} catch (error) {
  console.error(`Benchmark failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
