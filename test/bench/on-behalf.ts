/**
 * The on-behalf part of `npm run bench` (issue #12), in the same runtime and run as the other cases:
 *
 * - The relationship check's cost. Every on-behalf call checks the caller's organization against
 *   an ACTIVE admin relationship holding the role: one strongly consistent Query of its grants in
 *   the customer's organization (assertAdminAccess, never a cached flag). Measured at concurrency
 *   1 and 20, next to each other: (a) `GET /customers/{id}/licenses?limit=25` as the reseller (on
 *   behalf: permission, grants Query, the customer's subscriptions Query); (b) `GET
 *   /customers/{id}/subscriptions?limit=25` as the same reseller (its ordinary customer
 *   relationship checked by one Query, then the reseller's view of the same subscriptions, no
 *   admin grant check), so (a) − (b) approximates the on-behalf check in the full path; (c) the
 *   grants Query alone, `adminRelationshipStore.grants` run in this process; (d) a raw GetItem.
 * - License assignment under contention: ATTEMPTS customer users, each assigned a license of one
 *   subscription of SEATS seats by its own `POST /customers/{id}/users/{userId}/licenses`, at
 *   concurrency 20. Exactly SEATS answer 200 and the rest 409 LICENSES_EXHAUSTED, and the
 *   subscription ends with SEATS assigned, held by SEATS users.
 *
 * Setup (not measured): an indirect provider and a reseller linked, one customer that accepted
 * the reseller's combined invitation (delegated admin by default, so the reseller and the provider
 * get an ACTIVE "Default" relationship from a stream consumer, waited for), one subscription of
 * SEATS seats ordered by the provider, and the ATTEMPTS users created through HTTP as the reseller.
 *
 * It prints figures and ratios; it asserts no timing. Setup failures throw; a measured non-2xx, a
 * contention answer other than 200 or 409 LICENSES_EXHAUSTED, successes ≠ seats, or a final seat
 * count ≠ seats counts in `failures` and fails the run.
 */
import { performance } from 'node:perf_hooks';
import { adminRelationshipStore } from '../../functions/on-behalf/store.ts';
import type { LocalRuntime } from '../../infra/local/runtime.ts';
import { indirectProvider, linkProviderAndReseller, settle, sharedCustomer } from './commerce.ts';
import { approvedReseller, expectOk, type Outcome, poll, pool, type Reseller, request } from './http.ts';
import { failures, measure, type Operation, p50Of, printTable, type Result, ratio } from './measure.ts';
import { summarize } from './stats.ts';

/**
 * The subscription: the sample offer for three years, so its timers fall due after this runtime
 * stops (as commerce.ts's LINE). The Default relationships (P730D) end about 12 minutes after the
 * setup at the bench's time scale (86,400), long after this part's measures.
 */
const SEATS = 50;
const LINE = { offerId: 'm365-e3', termDuration: 'P3Y', billingCycle: 'ANNUAL', quantity: SEATS } as const;
/** License contention: this many users, one assignment each, this many in flight, on the one subscription. */
const CONTENTION = { attempts: 100, concurrency: 20 } as const;
/** The relationship check's cases: per concurrency, `warmUp + total[c]` calls. */
const CHECK = { concurrencies: [1, 20], total: { 1: 300, 20: 1000 }, warmUp: 50, limit: 25 } as const;
/** Customer users created through HTTP (setup), this many in flight. */
const SETUP_CONCURRENCY = 10;

const LICENSES_NAME = `GET /customers/{id}/licenses?limit=${CHECK.limit} (on behalf)`;
const SUBSCRIPTIONS_NAME = `GET /customers/{id}/subscriptions?limit=${CHECK.limit} (reseller)`;
const GRANTS_NAME = 'grants Query (in-process)';
const GET_ITEM_NAME = 'DynamoDB GetItem';
const ASSIGN_NAME = 'POST /customers/{id}/users/{userId}/licenses';

interface License {
  subscriptionId: string;
  total: number;
  assigned: number;
  available: number;
  status: string;
}

export interface OnBehalfReport {
  results: Result[];
  /** The contention's answers: all of them, the 200s, the 409s (c=20, no warm-up in the rows). */
  contention: Result[];
  setupSeconds: number;
  /** Seconds spent creating the users through HTTP, and waiting for the Default relationship. */
  usersSeconds: number;
  relationshipSeconds: number;
  /** Seconds spent waiting for the event pipeline before the measures (undefined: it did not settle). */
  settled: number | undefined;
  successes: number;
  exhausted: number;
  /** Answers other than 200 and 409 LICENSES_EXHAUSTED, by status and code. */
  unexpected: Record<string, number>;
  /** The subscription's seats after the contention, and how many users hold its license. */
  final: { total: number; assigned: number; available: number } | undefined;
  holders: number;
}

/** Counts an unexpected outcome in the run's failures (as `measure` does for a non-2xx). */
function fail(name: string, status: number | string, body: string) {
  failures.count++;
  failures.first ??= { name, status, body };
}

const codeOf = (body: string): string | undefined => {
  try {
    return (JSON.parse(body) as { code?: string }).code;
  } catch {
    return undefined;
  }
};

/** The customer's seats of `subscriptionId` as the reseller reads them on behalf. */
async function seatsOf(apiUrl: string, reseller: Reseller, customerId: string, subscriptionId: string) {
  const { items } = await expectOk<{ items: License[] }>(
    'GET /customers/{id}/licenses',
    request(`${apiUrl}/customers/${customerId}/licenses?limit=100`, { token: reseller.token }),
  );
  return items.find((l) => l.subscriptionId === subscriptionId);
}

/** How many of the customer's users hold a license of `subscriptionId`, every page of the users list read. */
async function holdersOf(apiUrl: string, reseller: Reseller, customerId: string, subscriptionId: string) {
  let holders = 0;
  let cursor: string | undefined;
  do {
    const page = await expectOk<{
      items: Array<{ licenses: Array<{ subscriptionId: string }> }>;
      nextCursor?: string;
    }>(
      'GET /customers/{id}/users',
      request(
        `${apiUrl}/customers/${customerId}/users?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        { token: reseller.token },
      ),
    );
    holders += page.items.filter((u) => u.licenses.some((l) => l.subscriptionId === subscriptionId)).length;
    cursor = page.nextCursor;
  } while (cursor);
  return holders;
}

/** Setup, then every measure of this part. */
export async function onBehalfPart(
  rt: LocalRuntime,
  operatorToken: string,
  getItem: Operation,
): Promise<OnBehalfReport> {
  const { apiUrl } = rt;
  const setupStarted = performance.now();

  const [provider, reseller] = await Promise.all([
    indirectProvider(apiUrl, operatorToken),
    approvedReseller(rt, operatorToken),
  ]);
  await linkProviderAndReseller(rt, provider, reseller);
  const customerId = await sharedCustomer(rt, reseller, provider.orgId);
  const customerPath = `${apiUrl}/customers/${customerId}`;

  // The Default relationships are made by a stream consumer after the acceptance: 403 until then.
  const relationshipStarted = performance.now();
  await poll(
    "the reseller's Default admin relationship",
    async () => {
      const res = await request(`${customerPath}/users?limit=1`, { token: reseller.token });
      if (res.ok) return true;
      if (res.status === 403) return undefined;
      throw new Error(`GET /customers/{id}/users answered ${res.status}: ${res.body}`);
    },
    30_000,
  );
  const relationshipSeconds = (performance.now() - relationshipStarted) / 1000;

  const { domain } = await expectOk<{ domain: string }>(
    'GET /customers/{id}',
    request(customerPath, { token: reseller.token }),
  );
  const order = await expectOk<{ lineItems: Array<{ subscriptionId: string }> }>(
    'POST /customers/{id}/orders',
    request(`${customerPath}/orders`, {
      method: 'POST',
      token: provider.token,
      body: { lineItems: [LINE] },
    }),
  );
  const subscriptionId = order.lineItems[0]?.subscriptionId ?? '';
  const initial = await seatsOf(apiUrl, reseller, customerId, subscriptionId);
  if (initial?.total !== SEATS || initial.assigned !== 0)
    throw new Error(`the new subscription's seats are ${JSON.stringify(initial)}, expected ${SEATS} free`);

  const usersStarted = performance.now();
  const users = await pool(
    Array.from({ length: CONTENTION.attempts }, (_, i) => i),
    SETUP_CONCURRENCY,
    async (i) => {
      const created = await expectOk<{ user: { id: string } }>(
        'POST /customers/{id}/users',
        request(`${customerPath}/users`, {
          method: 'POST',
          token: reseller.token,
          body: {
            firstName: 'Seat',
            lastName: `Holder ${i}`,
            email: `seat-${i}@${domain}`,
            usageLocation: 'ES',
          },
        }),
      );
      return created.user.id;
    },
  );
  const usersSeconds = (performance.now() - usersStarted) / 1000;
  const setupSeconds = (performance.now() - setupStarted) / 1000;
  // The users' and the order's activity records go through the stream first, not under the measures.
  const settled = await settle(rt);

  // 1. The relationship check's cost.
  const licenses: Operation = async () => {
    const res = await request(`${customerPath}/licenses?limit=${CHECK.limit}`, { token: reseller.token });
    if (!res.ok) return res;
    const { items } = res.json() as { items: License[] };
    return items.length === 1 && items[0]?.subscriptionId === subscriptionId
      ? res
      : { ok: false, status: `${items.length} licenses`, body: res.body };
  };
  const subscriptions: Operation = async () => {
    const res = await request(`${customerPath}/subscriptions?limit=${CHECK.limit}`, {
      token: reseller.token,
    });
    if (!res.ok) return res;
    const { items } = res.json() as { items: Array<{ subscriptionId: string }> };
    return items.length === 1 && items[0]?.subscriptionId === subscriptionId
      ? res
      : { ok: false, status: `${items.length} subscriptions`, body: res.body };
  };
  const grants: Operation = async (): Promise<Outcome> => {
    const found = await adminRelationshipStore.grants(reseller.orgId, customerId);
    const ok = found.some((g) => g.roles.includes('LICENSE_ADMINISTRATOR'));
    return { ok, status: ok ? 200 : `${found.length} grants`, body: JSON.stringify(found) };
  };
  const cases: Array<[string, Operation]> = [
    [LICENSES_NAME, licenses],
    [SUBSCRIPTIONS_NAME, subscriptions],
    [GRANTS_NAME, grants],
    [GET_ITEM_NAME, getItem],
  ];
  const results: Result[] = [];
  for (const concurrency of CHECK.concurrencies)
    for (const [name, fn] of cases)
      results.push(await measure(name, concurrency, CHECK.total[concurrency], fn, CHECK.warmUp));

  // 2. License contention. The handler is warmed first by removing a license nobody holds (200,
  // nothing written), one call per user of the first `concurrency`, all at once.
  const change = (userId: string, body: { assign?: string[]; remove?: string[] }) =>
    request(`${customerPath}/users/${userId}/licenses`, { method: 'POST', token: reseller.token, body });
  await pool(users.slice(0, CONTENTION.concurrency), CONTENTION.concurrency, async (userId) => {
    const res = await change(userId, { remove: [subscriptionId] });
    if (!res.ok) fail(`${ASSIGN_NAME} (warm-up, remove)`, res.status, res.body);
  });

  const latencies = { all: [] as number[], ok: [] as number[], exhausted: [] as number[] };
  const unexpected: Record<string, number> = {};
  const started = performance.now();
  await pool(users, CONTENTION.concurrency, async (userId) => {
    const t0 = performance.now();
    let res: Outcome;
    try {
      res = await change(userId, { assign: [subscriptionId] });
    } catch (error) {
      res = { ok: false, status: 'exception', body: String(error) };
    }
    const ms = performance.now() - t0;
    latencies.all.push(ms);
    const code = res.ok ? undefined : codeOf(res.body);
    if (res.status === 200) latencies.ok.push(ms);
    else if (res.status === 409 && code === 'LICENSES_EXHAUSTED') latencies.exhausted.push(ms);
    else {
      const key = `${res.status}${code ? ` ${code}` : ''}`;
      unexpected[key] = (unexpected[key] ?? 0) + 1;
      fail(ASSIGN_NAME, res.status, res.body);
    }
  });
  const wallMs = performance.now() - started;
  const unexpectedCount = Object.values(unexpected).reduce((a, b) => a + b, 0);
  const row = (name: string, xs: number[], errors: number): Result => ({
    name,
    concurrency: CONTENTION.concurrency,
    errors,
    ...summarize(xs, wallMs),
  });
  const contention = [
    row(`${ASSIGN_NAME} (all)`, latencies.all, unexpectedCount),
    row(`${ASSIGN_NAME} → 200`, latencies.ok, 0),
    row(`${ASSIGN_NAME} → 409 LICENSES_EXHAUSTED`, latencies.exhausted, 0),
  ];

  const successes = latencies.ok.length;
  if (successes !== SEATS)
    fail(ASSIGN_NAME, `${successes} successes for ${SEATS} seats`, JSON.stringify(unexpected));
  const seats = await seatsOf(apiUrl, reseller, customerId, subscriptionId);
  const final = seats && { total: seats.total, assigned: seats.assigned, available: seats.available };
  if (final?.assigned !== SEATS || final.total !== SEATS)
    fail('GET /customers/{id}/licenses (after)', `assigned ${final?.assigned} of ${final?.total}`, '');
  const holders = await holdersOf(apiUrl, reseller, customerId, subscriptionId);
  if (holders !== SEATS)
    fail('GET /customers/{id}/users (after)', `${holders} holders of ${SEATS} seats`, '');

  return {
    results,
    contention,
    setupSeconds,
    usersSeconds,
    relationshipSeconds,
    settled,
    successes,
    exhausted: latencies.exhausted.length,
    unexpected,
    final,
    holders,
  };
}

/** The part's tables, how its data came to be, and its ratios. */
export function printOnBehalf(report: OnBehalfReport) {
  const { results } = report;
  console.log(
    '\nOn behalf: the relationship check and license contention (same runtime, after the cases above):',
  );
  printTable(results);
  console.log(
    `Setup, not measured (${report.setupSeconds.toFixed(1)} s): an indirect provider and an approved reseller linked, one ` +
      "verified customer (ES) accepting the reseller's combined invitation (delegated admin by default; the Default " +
      `relationship answered ${report.relationshipSeconds.toFixed(1)} s after the acceptance), one order by the provider of ` +
      `${LINE.offerId} ${LINE.termDuration} ${LINE.billingCycle} × ${SEATS}, and ${CONTENTION.attempts} customer users created ` +
      `through POST /customers/{id}/users as the reseller, ${SETUP_CONCURRENCY} in flight (${report.usersSeconds.toFixed(1)} s). ` +
      `Then the event pipeline was left to settle (${report.settled === undefined ? 'did not settle within 60 s' : `${report.settled.toFixed(1)} s`}).`,
  );
  console.log(
    `Each case after ${CHECK.warmUp} warm-up calls. (a) licenses: permission, grants Query (strongly consistent), the ` +
      "customer's subscriptions Query; (b) subscriptions: the reseller's customer relationship Query, the reseller's " +
      'view (gsi2) of the same subscriptions; (c) adminRelationshipStore.grants(reseller, customer) in this process; (d) GetItem.',
  );

  const p50 = (name: string, c: number) => p50Of(results, name, c);
  console.log('\nRatios (p50, this run):');
  for (const c of CHECK.concurrencies) {
    const [a, b, grants, get] = [
      p50(LICENSES_NAME, c),
      p50(SUBSCRIPTIONS_NAME, c),
      p50(GRANTS_NAME, c),
      p50(GET_ITEM_NAME, c),
    ];
    console.log(
      `  c=${c}: licenses / GetItem ${ratio(a, get)}, grants Query / GetItem ${ratio(grants, get)}, ` +
        `licenses / subscriptions ${ratio(a, b)} (licenses − subscriptions ${(a - b).toFixed(2)} ms, ` +
        `grants Query ${grants.toFixed(2)} ms)`,
    );
  }

  console.log(
    `\nLicense contention: ${CONTENTION.attempts} assignments of one subscription with ${SEATS} seats, each by its own user, ` +
      `c=${CONTENTION.concurrency}, after ${CONTENTION.concurrency} warm-up calls (remove of a license not held); req/s over the whole burst:`,
  );
  printTable(report.contention);
  const others = Object.entries(report.unexpected).map(([k, v]) => `${v} × ${k}`);
  const final = report.final;
  console.log(
    `  successes ${report.successes} / seats ${SEATS} (${report.successes === SEATS ? 'as expected' : 'WRONG'}), ` +
      `409 LICENSES_EXHAUSTED ${report.exhausted}, other answers ${others.length ? others.join(', ') : 'none'}; ` +
      `final seats assigned ${final?.assigned ?? '?'} / total ${final?.total ?? '?'} (available ${final?.available ?? '?'}), ` +
      `users holding the license ${report.holders}`,
  );
  const [, ok, exhausted] = report.contention;
  if (ok && exhausted)
    console.log(
      `  200 p50 ${ok.p50.toFixed(2)} ms p99 ${ok.p99.toFixed(2)} ms; 409 p50 ${exhausted.p50.toFixed(2)} ms ` +
        `p99 ${exhausted.p99.toFixed(2)} ms; 200 p50 / GetItem (c=20) ${ratio(ok.p50, p50(GET_ITEM_NAME, 20))}`,
    );
}
