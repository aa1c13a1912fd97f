/**
 * The provider directory part of `npm run bench`, in the same runtime and run as the other cases:
 * `GET /provider-directory?country=XX` (the default page of 25) with 10 and then 2,000 listings in
 * that one country, each size at concurrency 1. A search is one Query of the country's partition
 * with Limit, so its p50 should not grow with the number of listings (goal: p50(2,000) /
 * p50(10) ≤ 1.2). A second pair narrows to one service (its own partition), which the
 * seeded listings all offer.
 *
 * Setup (not measured): one indirect provider publishes its listing through HTTP (`PUT
 * /provider-listing`), the caller is a verified work account (any user may search); the other
 * listings are written into the table directly with the items the profile store writes
 * (`listingItem`, `directoryItems`): 2,000 listings over HTTP would need 2,000 indirect providers
 * created by the operator.
 *
 * It prints figures and ratios; it asserts no timing. Setup failures throw, and measured non-2xx
 * outcomes (or a page that does not hold the expected number of listings) count in `failures`.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ListingRecord } from '../../functions/support/profile-ports.ts';
import { directoryItems, listingItem } from '../../functions/support/profile-store.ts';
import type { LocalRuntime } from '../../infra/local/runtime.ts';
import { indirectProvider } from './commerce.ts';
import { expectOk, pool, request, seedAccount } from './http.ts';
import { failures, measure, printTable, type Result } from './measure.ts';

/** One country of its own for this part (no other part lists providers). */
const COUNTRY = 'LU';
const SERVICE = 'BILLING';
const SIZES = [10, 2_000] as const;
const SEARCH = { total: 300, warmUp: 50, page: 25 } as const;
/**
 * Calls before the first measure, not kept: the search function's first calls (and DynamoDB
 * Local's JIT) would otherwise weigh on the small size only, which is measured first.
 */
const FIRST_WARM_UP = 300;
/** BatchWriteItem's maximum of 25 items per request, this many requests in flight. */
const SEED = { batch: 25, parallel: 16 } as const;

const COUNTRY_NAME = (size: number) =>
  `GET /provider-directory?country=${COUNTRY} (${size.toLocaleString('en-US')})`;
const SERVICE_NAME = (size: number) =>
  `GET /provider-directory?country=${COUNTRY}&service=${SERVICE} (${size.toLocaleString('en-US')})`;

export interface DirectoryReport {
  results: Result[];
  setupSeconds: number;
  seeded: Array<{ size: number; listings: number; items: number; seconds: number }>;
}

/** A listing as `PUT /provider-listing` would store it for a provider that does not exist (the search never reads the organization). */
const seededListing = (n: number): ListingRecord => ({
  providerId: `bench-listing-${String(n).padStart(5, '0')}-${randomUUID().slice(0, 8)}`,
  name: `Bench Distributor ${String(n).padStart(5, '0')}`,
  description: `Seeded listing ${n}: distribution, billing and training`,
  countries: [COUNTRY],
  services: [SERVICE],
  contactEmail: `partners-${n}@bench-directory.example`,
  version: 1,
  updatedAt: new Date().toISOString(),
});

async function seedListings(dynamo: DynamoDBDocumentClient, tableName: string, from: number, count: number) {
  const items = Array.from({ length: count }, (_, i) => seededListing(from + i)).flatMap((l) => [
    listingItem(l),
    ...directoryItems(l),
  ]);
  const batches = Array.from({ length: Math.ceil(items.length / SEED.batch) }, (_, i) =>
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
  return items.length;
}

/** A search whose page must hold `expected` listings (a short page would be a broken search, not a fast one). */
function search(url: string, token: string, expected: number) {
  return async () => {
    const res = await request(url, { token });
    if (!res.ok) return res;
    const count = (res.json() as { items: unknown[] }).items.length;
    return count === expected
      ? res
      : { ok: false, status: `${count} listings, expected ${expected}`, body: res.body };
  };
}

/** Setup, then every measure of this part. */
export async function directoryPart(
  rt: LocalRuntime,
  dynamo: DynamoDBDocumentClient,
  operatorToken: string,
): Promise<DirectoryReport> {
  const setupStarted = performance.now();
  const [provider, searcher] = await Promise.all([
    indirectProvider(rt.apiUrl, operatorToken),
    seedAccount(rt, { signIn: true }),
  ]);
  await expectOk(
    'PUT /provider-listing',
    request(`${rt.apiUrl}/provider-listing`, {
      method: 'PUT',
      token: provider.token,
      body: {
        description: 'Distribution, billing and training (published through HTTP)',
        countries: [COUNTRY],
        services: [SERVICE],
        contactEmail: `partners@${provider.domain}`,
      },
    }),
  );
  const setupSeconds = (performance.now() - setupStarted) / 1000;
  const token = searcher.token ?? '';

  const results: Result[] = [];
  const seeded: DirectoryReport['seeded'] = [];
  let listings = 1;
  for (const size of SIZES) {
    const started = performance.now();
    const items = await seedListings(dynamo, rt.env.TABLE_NAME ?? '', listings, size - listings);
    seeded.push({ size, listings: size - listings, items, seconds: (performance.now() - started) / 1000 });
    listings = size;
    const expected = Math.min(size, SEARCH.page);
    const base = `${rt.apiUrl}/provider-directory?country=${COUNTRY}`;
    if (size === SIZES[0])
      for (const url of [base, `${base}&service=${SERVICE}`])
        await measure('warm-up', 1, FIRST_WARM_UP, search(url, token, expected), 0);
    results.push(
      await measure(COUNTRY_NAME(size), 1, SEARCH.total, search(base, token, expected), SEARCH.warmUp),
    );
    results.push(
      await measure(
        SERVICE_NAME(size),
        1,
        SEARCH.total,
        search(`${base}&service=${SERVICE}`, token, expected),
        SEARCH.warmUp,
      ),
    );
  }
  return { results, setupSeconds, seeded };
}

export function printDirectory(report: DirectoryReport) {
  const n = (x: number) => x.toLocaleString('en-US');
  const [small, large] = SIZES;
  console.log('\nProvider directory (same runtime, after the cases above):');
  printTable(report.results);
  console.log(
    `Setup, not measured (${report.setupSeconds.toFixed(1)} s): one indirect provider created by the operator published ` +
      `its listing through PUT /provider-listing; the caller is a verified work account. The other listings were written ` +
      `into the table directly (${report.seeded.map((s) => `${n(s.listings)} listings, ${n(s.items)} items, to ${n(s.size)}, in ${s.seconds.toFixed(1)} s`).join('; ')}) ` +
      `with BatchWriteItem and the profile store's own item builders (the listing and one entry per country and per country and service). ` +
      `Each search answers the default page (${SEARCH.page}, or all ${small} listings at the small size), checked on every call.`,
  );
  const p50 = (name: string) => report.results.find((r) => r.name === name)?.p50 ?? Number.NaN;
  const countryRatio = p50(COUNTRY_NAME(large)) / p50(COUNTRY_NAME(small));
  const serviceRatio = p50(SERVICE_NAME(large)) / p50(SERVICE_NAME(small));
  console.log('\nRatios (p50, this run):');
  console.log(
    `  GET /provider-directory?country=${COUNTRY}: ${n(large)} / ${n(small)} listings ${countryRatio.toFixed(2)}x (goal ≤ 1.2: ${countryRatio <= 1.2 ? 'met' : 'NOT met'} in this run)`,
  );
  console.log(
    `  GET /provider-directory?country=${COUNTRY}&service=${SERVICE}: ${n(large)} / ${n(small)} listings ${serviceRatio.toFixed(2)}x`,
  );
  if (failures.count > 0) console.log(`  (${failures.count} failed request(s) so far in this run)`);
}
