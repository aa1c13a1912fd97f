/** Small statistics for the benchmark: nearest-rank percentiles over latencies in milliseconds. */

export interface Summary {
  count: number;
  p50: number;
  p99: number;
  mean: number;
  /** Requests per second over the wall time of the whole case. */
  throughput: number;
}

/** Nearest-rank percentile of ascending `sorted` values; `p` in (0, 100]. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(Math.max(rank, 1), sorted.length) - 1] ?? Number.NaN;
}

export function summarize(latencies: readonly number[], wallMs: number): Summary {
  const sorted = [...latencies].sort((a, b) => a - b);
  const total = sorted.reduce((sum, x) => sum + x, 0);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    mean: sorted.length ? total / sorted.length : Number.NaN,
    throughput: wallMs > 0 ? (sorted.length * 1000) / wallMs : Number.NaN,
  };
}
