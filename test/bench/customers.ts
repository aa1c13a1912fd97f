/**
 * The customer part of `npm run bench`, in the same runtime and run as the other cases:
 *
 * - `GET /customers?limit=25` for one approved reseller with 100 and then 10,000 customers, and
 *   `GET /customers/{id}` at both sizes. The list is one Query on the reseller's partition with
 *   Limit, so its p50 should not grow with the count (goal: p50(10,000) / p50(100) ≤ 1.2). The
 *   first customers come through the real path; the rest are written into the table directly.
 * - `POST /invitations/accept` at concurrency 1 and 10, each call a distinct pending relationship
 *   request accepted by its own verified customer (the requests are setup, not measured).
 *
 * It prints figures and ratios; it asserts no timing. Setup failures throw, and measured non-2xx
 * outcomes (or a list page that is not a full page) count in `failures` and fail the run.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { BatchWriteCommand, type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../../functions/platform/data/table.ts';
import { INVITATIONS_PER_HOUR } from '../../functions/relationships/domain/invitations.ts';
import type { CustomerLink } from '../../functions/relationships/domain/model.ts';
import type { LocalRuntime } from '../../infra/local/runtime.ts';
import {
  type Account,
  approvedReseller,
  expectOk,
  pool,
  type Reseller,
  request,
  seedAccount,
} from './http.ts';
import { measure, type Operation, p50Of, printTable, type Result, ratio } from './measure.ts';

/** The list reseller's customers: the first `real` through HTTP, then seeded up to each size. */
const LIST = { real: 20, sizes: [100, 10_000], limit: 25, total: 300, warmUp: 50 } as const;
/** Seeding: BatchWriteItem's maximum of 25 items per request, this many requests in flight. */
const SEED = { batch: 25, parallel: 16 } as const;
/** POST /invitations/accept: per concurrency, `warmUp + total` distinct pending requests. */
const ACCEPTS = { concurrencies: [1, 10], warmUp: 10, total: 100 } as const;
/** GetItem at the accepts' higher concurrency (run.ts measures it at 1 and 20). */
const GET_ITEM = { concurrency: 10, total: 1000, warmUp: 50 } as const;
/** Setup requests in flight. */
const SETUP_CONCURRENCY = 10;

const LIST_NAME = (size: number) => `GET /customers?limit=${LIST.limit} (${size.toLocaleString('en-US')})`;
const GET_NAME = (size: number) => `GET /customers/{customerId} (${size.toLocaleString('en-US')})`;
const ACCEPT_NAME = 'POST /invitations/accept';
const GET_ITEM_NAME = 'DynamoDB GetItem';

export interface CustomersReport {
  results: Result[];
  setupSeconds: number;
  resellers: number;
  customerAccounts: number;
  /** Seconds spent writing each size's remainder into the table directly. */
  seeded: Array<{ size: number; rows: number; seconds: number }>;
}

const tokenOf = (link: string) => new URL(link).searchParams.get('token') ?? '';

/** The reseller asks `customer` for a relationship (delegated admin by default); returns the link's token. */
async function requestRelationship(apiUrl: string, reseller: Reseller, customer: Account): Promise<string> {
  const { link } = await expectOk<{ link: string }>(
    'POST /customers/relationship-requests',
    request(`${apiUrl}/customers/relationship-requests`, {
      method: 'POST',
      token: reseller.token,
      body: { customerEmail: customer.email },
    }),
  );
  return tokenOf(link);
}

/** The customer's global admin accepts, ticking the box, with its own bearer token. */
const accept = (apiUrl: string, token: string, customer: Account) =>
  request(`${apiUrl}/invitations/accept`, {
    method: 'POST',
    token: customer.token,
    body: { token, authorize: true },
  });

/** A customer row as relationship-store writes it on accept: `{ ...key, type, v, ...CustomerLink }`. */
function customerItem(resellerId: string, n: number) {
  const customerId = randomUUID();
  const data: CustomerLink = {
    customerId,
    name: `Seeded customer ${n}`,
    domain: `seeded-${n}-${customerId.slice(0, 8)}.example`,
    country: 'ES',
    delegatedAdmin: true,
    since: new Date().toISOString(),
  };
  return {
    ...keys.relationship(resellerId, 'CUSTOMER', customerId),
    type: 'relationship:CUSTOMER',
    v: 1,
    ...data,
  };
}

/** Writes `count` customer rows into the reseller's partition; returns their customer ids. */
async function seedCustomers(
  dynamo: DynamoDBDocumentClient,
  tableName: string,
  resellerId: string,
  from: number,
  count: number,
): Promise<string[]> {
  const items = Array.from({ length: count }, (_, i) => customerItem(resellerId, from + i));
  const batches = Array.from({ length: Math.ceil(count / SEED.batch) }, (_, i) =>
    items.slice(i * SEED.batch, (i + 1) * SEED.batch),
  );
  await pool(batches, SEED.parallel, async (batch) => {
    let pending: Record<string, unknown>[] = batch.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt === 10) throw new Error(`BatchWriteItem left ${pending.length} items unprocessed`);
      if (attempt > 0) await new Promise((r) => setTimeout(r, 10 * 2 ** attempt));
      const { UnprocessedItems } = await dynamo.send(
        new BatchWriteCommand({ RequestItems: { [tableName]: pending } }),
      );
      pending = (UnprocessedItems?.[tableName] ?? []) as Record<string, unknown>[];
    }
  });
  return items.map((item) => item.customerId);
}

/** Customer rows in the reseller's partition, counted with the list's own key condition. */
async function countCustomers(dynamo: DynamoDBDocumentClient, tableName: string, resellerId: string) {
  const { pk, sk } = keys.relationship(resellerId, 'CUSTOMER');
  let count = 0;
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamo.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': pk, ':prefix': sk },
        Select: 'COUNT',
        ExclusiveStartKey,
      }),
    );
    count += page.Count ?? 0;
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return count;
}

/** Setup, then every measure of this part, at concurrency 1 unless said otherwise. */
export async function customersPart(
  rt: LocalRuntime,
  dynamo: DynamoDBDocumentClient,
  operatorToken: string,
  getItem: Operation,
): Promise<CustomersReport> {
  const { apiUrl } = rt;
  const tableName = rt.env.TABLE_NAME ?? '';
  const setupStarted = performance.now();

  // A reseller sends at most INVITATIONS_PER_HOUR requests an hour, so the accepts' pending
  // requests are spread over as many approved resellers as that takes (none shares the list's).
  const acceptCount = ACCEPTS.concurrencies.length * (ACCEPTS.warmUp + ACCEPTS.total);
  const senders = Math.ceil(acceptCount / INVITATIONS_PER_HOUR);
  const [resellers, customers] = await Promise.all([
    Promise.all(Array.from({ length: 1 + senders }, () => approvedReseller(rt, operatorToken))),
    pool(Array.from({ length: LIST.real + acceptCount }), SETUP_CONCURRENCY, () =>
      seedAccount(rt, { signIn: true }),
    ),
  ]);
  const [listReseller, ...acceptResellers] = resellers as [Reseller, ...Reseller[]];

  // The list reseller's first customers, through the real path.
  const realIds = await pool(customers.slice(0, LIST.real), SETUP_CONCURRENCY, async (customer) => {
    await expectOk(
      'POST /invitations/accept',
      accept(apiUrl, await requestRelationship(apiUrl, listReseller, customer), customer),
    );
    const { organization } = await expectOk<{ organization: { id: string } }>(
      'GET /me',
      request(`${apiUrl}/me`, { token: customer.token }),
    );
    return organization.id;
  });

  // The accepts' pending requests, INVITATIONS_PER_HOUR per sending reseller.
  const pending = await pool(
    customers.slice(LIST.real).map((customer, i) => ({ customer, i })),
    SETUP_CONCURRENCY,
    async ({ customer, i }) => {
      const sender = acceptResellers[Math.floor(i / INVITATIONS_PER_HOUR)] as Reseller;
      return { customer, token: await requestRelationship(apiUrl, sender, customer) };
    },
  );
  const setupSeconds = (performance.now() - setupStarted) / 1000;

  const results: Result[] = [];
  const seeded: CustomersReport['seeded'] = [];
  const ids = [...realIds];
  const listPage: Operation = async () => {
    const res = await request(`${apiUrl}/customers?limit=${LIST.limit}`, { token: listReseller.token });
    if (!res.ok) return res;
    const { items, nextCursor } = res.json() as { items: unknown[]; nextCursor?: string };
    return items.length === LIST.limit && nextCursor
      ? res
      : { ok: false, status: `${items.length} items, cursor ${nextCursor ? 'yes' : 'no'}`, body: res.body };
  };
  for (const size of LIST.sizes) {
    const started = performance.now();
    const rows = size - ids.length;
    ids.push(...(await seedCustomers(dynamo, tableName, listReseller.orgId, ids.length, rows)));
    seeded.push({ size, rows, seconds: (performance.now() - started) / 1000 });
    const count = await countCustomers(dynamo, tableName, listReseller.orgId);
    if (count !== size) throw new Error(`the reseller has ${count} customer rows, expected ${size}`);

    results.push(await measure(LIST_NAME(size), 1, LIST.total, listPage, LIST.warmUp));
    // Each call reads another customer, spread over the whole partition (7919 is a prime).
    results.push(
      await measure(
        GET_NAME(size),
        1,
        LIST.total,
        (i) => request(`${apiUrl}/customers/${ids[(i * 7919) % ids.length]}`, { token: listReseller.token }),
        LIST.warmUp,
      ),
    );
  }

  let offset = 0;
  for (const concurrency of ACCEPTS.concurrencies) {
    const mine = pending.slice(offset, offset + ACCEPTS.warmUp + ACCEPTS.total);
    offset += mine.length;
    results.push(
      await measure(
        ACCEPT_NAME,
        concurrency,
        ACCEPTS.total,
        async (i) => {
          const p = mine[i];
          return p ? accept(apiUrl, p.token, p.customer) : { ok: false, status: 'no invitation', body: '' };
        },
        ACCEPTS.warmUp,
      ),
    );
  }
  results.push(await measure(GET_ITEM_NAME, GET_ITEM.concurrency, GET_ITEM.total, getItem, GET_ITEM.warmUp));

  return { results, setupSeconds, resellers: resellers.length, customerAccounts: customers.length, seeded };
}

/** The part's table, how its data came to be, and its ratios; `main` holds run.ts's results (GetItem at c=1). */
export function printCustomers(report: CustomersReport, main: readonly Result[]) {
  const { results } = report;
  const [small, large] = LIST.sizes;
  const n = (x: number) => x.toLocaleString('en-US');
  console.log('\nCustomers and invitations (same runtime, after the cases above):');
  printTable(results);

  const direct = report.seeded.map((s) => `${n(s.rows)} rows (to ${n(s.size)}) in ${s.seconds.toFixed(1)} s`);
  console.log(
    `Setup, not measured (${report.setupSeconds.toFixed(1)} s): ${report.resellers} resellers approved through HTTP ` +
      `(enrollment, emailed verification, operator decision) and ${report.customerAccounts} verified customer accounts. ` +
      `The list reseller's first ${LIST.real} customers came through the real path (POST /customers/relationship-requests, ` +
      'then each customer POSTs /invitations/accept with its own token).',
  );
  console.log(
    `The remainder was seeded into the table directly: ${direct.join(', ')}, with BatchWriteItem (${SEED.batch} per batch, ` +
      `${SEED.parallel} batches in flight), keys.relationship and the item shape relationship-store writes on accept ` +
      `(only the reseller's CUSTOMER row: all that both GETs read). Why: ${n(large ?? 0)} accepts over HTTP would need as many ` +
      `verified accounts and, at ${INVITATIONS_PER_HOUR} requests per reseller an hour, ${n((large ?? 0) / INVITATIONS_PER_HOUR)} hours.`,
  );
  console.log(
    `${ACCEPT_NAME}: at each concurrency ${ACCEPTS.total} accepts after ${ACCEPTS.warmUp} warm-up ones, each of a distinct ` +
      `pending request (created in the setup, spread over ${report.resellers - 1} resellers because of the ` +
      `${INVITATIONS_PER_HOUR}-an-hour limit) by its own customer; each is one TransactWriteItems (the invitation, the CUSTOMER and the PARTNER rows).`,
  );

  const p50 = (name: string, c: number) => p50Of(results, name, c);
  const listRatio = p50(LIST_NAME(large ?? 0), 1) / p50(LIST_NAME(small ?? 0), 1);
  console.log('\nRatios (p50, this run):');
  console.log(
    `  GET /customers?limit=${LIST.limit}: ${n(large ?? 0)} / ${n(small ?? 0)} customers ${listRatio.toFixed(2)}x (goal ≤ 1.2: ${listRatio <= 1.2 ? 'met' : 'NOT met'} in this run)`,
  );
  console.log(
    `  GET /customers/{customerId}: ${n(large ?? 0)} / ${n(small ?? 0)} customers ${(p50(GET_NAME(large ?? 0), 1) / p50(GET_NAME(small ?? 0), 1)).toFixed(2)}x`,
  );
  const get1 = p50Of(main, GET_ITEM_NAME, 1);
  console.log(
    `  c=1 / GetItem (c=1): list (${n(small ?? 0)}) ${ratio(p50(LIST_NAME(small ?? 0), 1), get1)}, ` +
      `list (${n(large ?? 0)}) ${ratio(p50(LIST_NAME(large ?? 0), 1), get1)}, ` +
      `GET one (${n(large ?? 0)}) ${ratio(p50(GET_NAME(large ?? 0), 1), get1)}, ` +
      `accept ${ratio(p50(ACCEPT_NAME, 1), get1)}`,
  );
  const c = GET_ITEM.concurrency;
  console.log(`  c=${c} / GetItem (c=${c}): accept ${ratio(p50(ACCEPT_NAME, c), p50(GET_ITEM_NAME, c))}`);
  const [c1, c10] = ACCEPTS.concurrencies;
  console.log(`  ${ACCEPT_NAME}: c=${c10} / c=${c1} ${ratio(p50(ACCEPT_NAME, c10), p50(ACCEPT_NAME, c1))}`);
}
