/**
 * The commerce part of `npm run bench`, in the same runtime and run as the other cases:
 *
 * - `POST /customers/{customerId}/orders` by an indirect provider with 1 and with 10 lines, at
 *   concurrency 1 and 10, next to a raw DynamoDB GetItem measured at both concurrencies in this
 *   part. An order writes one transaction (the order, one subscription per line and one activity
 *   record), arms each subscription's Scheduler timers beforehand and emails the customer's and
 *   the reseller's global admins afterwards.
 * - `GET /customers/{customerId}/subscriptions?limit=25` as the provider for one customer with 10
 *   and then 5,000 subscriptions. The list is one Query on gsi1 (the provider's view of the
 *   customer) with Limit, so its p50 should not grow with the count (goal: p50(5,000) / p50(10)
 *   ≤ 1.2). The first 10 subscriptions come through the real path (one order of 10 lines); the
 *   rest are written by the commerce store in this process, 10 lines an order.
 *
 * It prints figures and ratios; it asserts no timing. Setup failures throw, and measured non-2xx
 * outcomes (or a list page that is not the expected one) count in `failures` and fail the run.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { orderRecords } from '../../functions/commerce/domain/orders.ts';
import type { ResellerOfRecord } from '../../functions/commerce/ports.ts';
import { commerceStore } from '../../functions/commerce/store.ts';
import { keys } from '../../functions/platform/data/table.ts';
import type { LocalRuntime } from '../../infra/local/runtime.ts';
import {
  approvedReseller,
  expectOk,
  linkToken,
  PASSWORD,
  pool,
  type Reseller,
  request,
  seedAccount,
} from './http.ts';
import { measure, type Operation, p50Of, printTable, type Result, ratio } from './measure.ts';

/**
 * Every line buys the sample offer for three years: a subscription's timers (its notice,
 * 7 days before the term's end, and the end) are then due in about 18 minutes at the bench's time
 * scale (86,400), after this runtime stops, so no notice or renewal work runs under the measures.
 */
const LINE = { offerId: 'm365-e3', termDuration: 'P3Y', billingCycle: 'ANNUAL' } as const;
/** POST orders: per line count and concurrency, `warmUp + total[c]` orders for one customer. */
const ORDERS = { lines: [1, 10], concurrencies: [1, 10], total: { 1: 40, 10: 100 }, warmUp: 10 } as const;
/** The list customer's subscriptions: the first `real` through HTTP, then seeded up to each size. */
const LIST = { real: 10, sizes: [10, 5_000], limit: 25, total: 300, warmUp: 50 } as const;
/** The large list read with a page as long as the small list, so both answer the same number of items. */
const SAME_PAGE = LIST.sizes[0];
/** Seeding: orders of this many lines through the commerce store, this many transactions in flight. */
const SEED = { lines: 10, parallel: 16 } as const;
/** GetItem at both concurrencies of the orders, in this part. */
const GET_ITEM = { total: { 1: 300, 10: 1000 }, warmUp: 50 } as const;

const n = (x: number) => x.toLocaleString('en-US');
const ORDER_NAME = (lines: number) => `POST /customers/{id}/orders (${lines} line${lines === 1 ? '' : 's'})`;
const LIST_NAME = (size: number, limit: number = LIST.limit) =>
  `GET /customers/{id}/subscriptions?limit=${limit} (${n(size)})`;
const GET_ITEM_NAME = 'DynamoDB GetItem';

export interface CommerceReport {
  results: Result[];
  setupSeconds: number;
  /** Subscriptions the orders' customer held at the end (every measured and warm-up order's). */
  orderedSubscriptions: number;
  /** Seconds spent writing each size's remainder through the store. */
  seeded: Array<{ size: number; orders: number; rows: number; seconds: number }>;
  /** Seconds spent waiting for the event pipeline before each list measure (undefined: it did not settle). */
  settled: Array<number | undefined>;
}

/** An indirect provider created by the operator, its admin past the first-sign-in password change. */
export async function indirectProvider(apiUrl: string, operatorToken: string): Promise<Reseller> {
  const domain = `bench-dist-${randomUUID().slice(0, 8)}.example`;
  const account = { domain, email: `pat@${domain}` };
  const created = await expectOk<{ organizationId: string; temporaryPassword: string }>(
    'POST /operator/indirect-providers',
    request(`${apiUrl}/operator/indirect-providers`, {
      method: 'POST',
      token: operatorToken,
      body: {
        organization: { name: `Distributor ${account.domain}`, domain: account.domain, country: 'ES' },
        admin: { firstName: 'Pat', lastName: 'Provider', email: account.email },
      },
    }),
  );
  const { session } = await expectOk<{ session: string }>(
    'POST /auth/sign-in (temporary password)',
    request(`${apiUrl}/auth/sign-in`, {
      method: 'POST',
      body: { email: account.email, password: created.temporaryPassword },
    }),
  );
  const { accessToken } = await expectOk<{ accessToken: string }>(
    'POST /auth/new-password',
    request(`${apiUrl}/auth/new-password`, {
      method: 'POST',
      body: { email: account.email, session, newPassword: PASSWORD },
    }),
  );
  return { ...account, token: accessToken, orgId: created.organizationId };
}

/** The provider invites the reseller; the reseller's admin accepts from the emailed link. */
export async function linkProviderAndReseller(
  urls: { apiUrl: string; mailboxUrl: string },
  provider: Reseller,
  reseller: Reseller,
) {
  const since = Date.now() / 1000 - 1;
  await expectOk(
    'POST /indirect-resellers/invitations',
    request(`${urls.apiUrl}/indirect-resellers/invitations`, {
      method: 'POST',
      token: provider.token,
      body: { email: reseller.email },
    }),
  );
  const token = await linkToken(
    urls.mailboxUrl,
    reseller.email,
    `${urls.apiUrl}/invitations/accept?token=`,
    since,
  );
  await expectOk(
    'POST /invitations/accept (reseller)',
    request(`${urls.apiUrl}/invitations/accept`, {
      method: 'POST',
      token: reseller.token,
      body: { token, authorize: true },
    }),
  );
}

/** A new verified customer (ES) that accepted the reseller's combined invitation with the provider; its org id. */
export async function sharedCustomer(
  urls: { apiUrl: string; mailboxUrl: string },
  reseller: Reseller,
  providerId: string,
): Promise<string> {
  const customer = await seedAccount(urls, { signIn: true });
  const { link } = await expectOk<{ link: string }>(
    'POST /indirect-providers/{providerId}/customer-invitations',
    request(`${urls.apiUrl}/indirect-providers/${providerId}/customer-invitations`, {
      method: 'POST',
      token: reseller.token,
      body: { customerEmail: customer.email },
    }),
  );
  await expectOk(
    'POST /invitations/accept (customer)',
    request(`${urls.apiUrl}/invitations/accept`, {
      method: 'POST',
      token: customer.token,
      body: { token: new URL(link).searchParams.get('token') ?? '', authorize: true },
    }),
  );
  const { organization } = await expectOk<{ organization: { id: string } }>(
    'GET /me',
    request(`${urls.apiUrl}/me`, { token: customer.token }),
  );
  return organization.id;
}

/** An order body of `lines` lines of the sample offer, quantities varying with `i`. */
const orderBody = (lines: number, i: number) => ({
  lineItems: Array.from({ length: lines }, (_, l) => ({ ...LINE, quantity: 1 + ((i * 7 + l) % 250) })),
});

interface PlacedOrder {
  orderId: string;
  providerId: string;
  resellerOfRecord: ResellerOfRecord;
  lineItems: Array<{ subscriptionId: string }>;
}

/** An order of `SEED.lines` lines as placeOrder builds it (orderRecords), for `commerceStore.placeOrder`. */
const seededOrder = (like: PlacedOrder, customerId: string, n: number) =>
  orderRecords({
    customerId,
    providerId: like.providerId,
    resellerOfRecord: like.resellerOfRecord,
    lines: Array.from({ length: SEED.lines }, (_, l) => ({
      offer: { offerId: LINE.offerId, name: 'Microsoft 365 E3', adminAgentOnly: false },
      quantity: 1 + ((n * 7 + l) % 250),
      termDuration: LINE.termDuration,
      billingCycle: LINE.billingCycle,
      friendlyName: `Microsoft 365 E3 (seeded ${n}.${l})`,
    })),
    now: new Date(),
  });

/** The provider's subscriptions of the customer, counted with the list's own key condition (gsi1). */
async function countSubscriptions(
  dynamo: DynamoDBDocumentClient,
  tableName: string,
  providerId: string,
  customerId: string,
) {
  const { gsi1pk } = keys.providerSubscriptions(providerId, customerId);
  let count = 0;
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamo.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': gsi1pk },
        Select: 'COUNT',
        ExclusiveStartKey,
      }),
    );
    count += page.Count ?? 0;
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return count;
}

/** Waits until the event pipeline has handed over what the writes so far produced; its seconds, or undefined. */
export async function settle(rt: LocalRuntime): Promise<number | undefined> {
  const started = performance.now();
  try {
    await rt.events.idle(60_000);
    return (performance.now() - started) / 1000;
  } catch {
    return undefined;
  }
}

/** Setup, then every measure of this part. */
export async function commercePart(
  rt: LocalRuntime,
  dynamo: DynamoDBDocumentClient,
  operatorToken: string,
  getItem: Operation,
): Promise<CommerceReport> {
  const { apiUrl } = rt;
  const tableName = rt.env.TABLE_NAME ?? '';
  const setupStarted = performance.now();

  const [provider, reseller] = await Promise.all([
    indirectProvider(apiUrl, operatorToken),
    approvedReseller(rt, operatorToken),
  ]);
  await linkProviderAndReseller(rt, provider, reseller);
  const [orderCustomer, listCustomer] = await Promise.all([
    sharedCustomer(rt, reseller, provider.orgId),
    sharedCustomer(rt, reseller, provider.orgId),
  ]);
  const placeOrder = (customerId: string, lines: number, i: number) =>
    request(`${apiUrl}/customers/${customerId}/orders`, {
      method: 'POST',
      token: provider.token,
      body: orderBody(lines, i),
    });
  // The list customer's first subscriptions, through the real path.
  const first = await expectOk<PlacedOrder>(
    'POST /customers/{id}/orders',
    placeOrder(listCustomer, LIST.real, 0),
  );
  const setupSeconds = (performance.now() - setupStarted) / 1000;

  const results: Result[] = [];
  for (const concurrency of ORDERS.concurrencies)
    results.push(
      await measure(GET_ITEM_NAME, concurrency, GET_ITEM.total[concurrency], getItem, GET_ITEM.warmUp),
    );

  let orderCalls = 0;
  for (const concurrency of ORDERS.concurrencies) {
    for (const lines of ORDERS.lines) {
      results.push(
        await measure(
          ORDER_NAME(lines),
          concurrency,
          ORDERS.total[concurrency],
          async () => {
            const i = orderCalls++;
            const res = await placeOrder(orderCustomer, lines, i);
            if (!res.ok) return res;
            const order = res.json() as PlacedOrder;
            return res.status === 201 && order.lineItems.length === lines
              ? res
              : { ok: false, status: `${res.status}, ${order.lineItems.length} lines`, body: res.body };
          },
          ORDERS.warmUp,
        ),
      );
    }
  }
  const orderedSubscriptions = await countSubscriptions(dynamo, tableName, provider.orgId, orderCustomer);

  const listPage =
    (size: number, limit: number): Operation =>
    async () => {
      const res = await request(`${apiUrl}/customers/${listCustomer}/subscriptions?limit=${limit}`, {
        token: provider.token,
      });
      if (!res.ok) return res;
      const { items, nextCursor } = res.json() as { items: unknown[]; nextCursor?: string };
      const full = size > limit;
      return items.length === Math.min(size, limit) && Boolean(nextCursor) === full
        ? res
        : { ok: false, status: `${items.length} items, cursor ${nextCursor ? 'yes' : 'no'}`, body: res.body };
    };
  const seeded: CommerceReport['seeded'] = [];
  const settled: CommerceReport['settled'] = [];
  let count: number = LIST.real;
  let seededOrders = 0;
  for (const size of LIST.sizes) {
    const started = performance.now();
    const orders = Math.ceil((size - count) / SEED.lines);
    await pool(
      Array.from({ length: orders }, (_, k) => seededOrder(first, listCustomer, seededOrders + k + 1)),
      SEED.parallel,
      ({ order, subscriptions }) => commerceStore.placeOrder(order, subscriptions),
    );
    seededOrders += orders;
    seeded.push({ size, orders, rows: orders * SEED.lines, seconds: (performance.now() - started) / 1000 });
    count = await countSubscriptions(dynamo, tableName, provider.orgId, listCustomer);
    if (count !== size) throw new Error(`the customer has ${count} subscriptions, expected ${size}`);

    // The orders' and the seeding's activity records go through the stream to the event consumers:
    // that work is done before the list is measured, at both sizes alike.
    settled.push(await settle(rt));
    results.push(await measure(LIST_NAME(size), 1, LIST.total, listPage(size, LIST.limit), LIST.warmUp));
    if (size > SAME_PAGE)
      results.push(
        await measure(LIST_NAME(size, SAME_PAGE), 1, LIST.total, listPage(size, SAME_PAGE), LIST.warmUp),
      );
  }

  return { results, setupSeconds, orderedSubscriptions, seeded, settled };
}

/** The part's table, how its data came to be, and its ratios. */
export function printCommerce(report: CommerceReport) {
  const { results } = report;
  const [small = 0, large = 0] = LIST.sizes;
  console.log('\nOrders and subscriptions (same runtime, after the cases above):');
  printTable(results);

  const ordersPerCase = ORDERS.concurrencies.map((c) => `${ORDERS.total[c]} at c=${c}`).join(', ');
  console.log(
    `Setup, not measured (${report.setupSeconds.toFixed(1)} s): an indirect provider created by the operator ` +
      '(first sign-in, new password), an approved reseller (enrollment, emailed verification, operator decision) linked to ' +
      "it through the emailed invitation, and two verified customers (ES) each accepting the reseller's combined invitation.",
  );
  console.log(
    `POST orders: ${ordersPerCase} per line count, each case after ${ORDERS.warmUp} warm-up orders, all for one customer ` +
      `(${n(report.orderedSubscriptions)} subscriptions at the end); every line ${LINE.offerId} ${LINE.termDuration} ` +
      `${LINE.billingCycle}, no Idempotency-Key. Each order: one TransactWriteItems (the order, a subscription per line, ` +
      "an activity record), the subscriptions' Scheduler timers before it, emails to both global admins after it.",
  );
  const direct = report.seeded
    .filter((s) => s.orders > 0)
    .map(
      (s) => `${n(s.rows)} subscriptions (to ${n(s.size)}) in ${s.orders} orders, ${s.seconds.toFixed(1)} s`,
    );
  const waits = report.settled.map((s) =>
    s === undefined ? 'did not settle within 60 s' : `${s.toFixed(1)} s`,
  );
  console.log(
    `Subscriptions list: the customer's first ${LIST.real} came with one order through HTTP; the remainder was written ` +
      `by commerceStore.placeOrder in this process (${direct.join(', ')}; ${SEED.lines}-line orders, ${SEED.parallel} ` +
      'transactions in flight, the same items and activity records as the HTTP path, without timers or emails). ' +
      `Before each size the event pipeline was left to settle (${waits.join(', ')}).`,
  );

  const p50 = (name: string, c: number) => p50Of(results, name, c);
  console.log('\nRatios (p50, this run):');
  for (const c of ORDERS.concurrencies) {
    const get = p50(GET_ITEM_NAME, c);
    console.log(
      `  c=${c} / GetItem (c=${c}): ` +
        ORDERS.lines.map((lines) => `order of ${lines} ${ratio(p50(ORDER_NAME(lines), c), get)}`).join(', '),
    );
  }
  const [c1 = 1, c10 = 10] = ORDERS.concurrencies;
  const [one = 1, ten = 10] = ORDERS.lines;
  for (const lines of ORDERS.lines)
    console.log(
      `  ${ORDER_NAME(lines)}: c=${c10} / c=${c1} ${ratio(p50(ORDER_NAME(lines), c10), p50(ORDER_NAME(lines), c1))}`,
    );
  for (const c of ORDERS.concurrencies)
    console.log(
      `  c=${c}: ${ten} lines / ${one} line ${ratio(p50(ORDER_NAME(ten), c), p50(ORDER_NAME(one), c))}`,
    );
  const listRatio = p50(LIST_NAME(large), 1) / p50(LIST_NAME(small), 1);
  console.log(
    `  GET subscriptions?limit=${LIST.limit}: ${n(large)} / ${n(small)} subscriptions ${listRatio.toFixed(2)}x ` +
      `(goal ≤ 1.2: ${listRatio <= 1.2 ? 'met' : 'NOT met'} in this run; the small list answers ${small} items, the large a full page of ${LIST.limit})`,
  );
  console.log(
    `  GET subscriptions, both answering ${SAME_PAGE} items: ${n(large)} (limit=${SAME_PAGE}) / ${n(small)} (limit=${LIST.limit}) ` +
      `${(p50(LIST_NAME(large, SAME_PAGE), 1) / p50(LIST_NAME(small), 1)).toFixed(2)}x`,
  );
  const get1 = p50(GET_ITEM_NAME, 1);
  console.log(
    `  c=1 / GetItem (c=1): list (${n(small)}) ${ratio(p50(LIST_NAME(small), 1), get1)}, ` +
      `list (${n(large)}) ${ratio(p50(LIST_NAME(large), 1), get1)}`,
  );
}
