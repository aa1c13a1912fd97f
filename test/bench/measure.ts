/**
 * The benchmark's runner and its results table, shared by its parts: `measure` runs one case at
 * one concurrency after a warm-up, and counts every non-2xx outcome in `failures`, which makes
 * the run fail (exit 1) so that a broken endpoint is never benchmarked silently.
 */
import { performance } from 'node:perf_hooks';
import type { Outcome } from './http.ts';
import { type Summary, summarize } from './stats.ts';

export const WARM_UP = 50;

/** `i` numbers the calls of one case, warm-up first, so a case can give each call its own data. */
export type Operation = (i: number) => Promise<Outcome>;

export interface Result extends Summary {
  name: string;
  concurrency: number;
  /** Failed requests of this case, warm-up included. */
  errors: number;
}

export const failures: { count: number; first?: { name: string; status: number | string; body: string } } = {
  count: 0,
};

/** Runs `fn` `total` times with at most `concurrency` in flight, after a warm-up at the same concurrency. */
export async function measure(
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

export const ms = (x: number) => x.toFixed(2);
export const ratio = (a: number, b: number) => `${(a / b).toFixed(1)}x`;

/** The p50 of the case `name` at `concurrency` among `results` (NaN when it was not measured). */
export const p50Of = (results: readonly Result[], name: string, concurrency: number) =>
  results.find((r) => r.name === name && r.concurrency === concurrency)?.p50 ?? Number.NaN;

export function printTable(results: readonly Result[]) {
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
