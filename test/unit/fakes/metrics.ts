import type { BusinessCounts, BusinessMetric } from '../../../functions/platform/business-metrics.ts';

/** Records every business count, in order. */
export class FakeBusinessCounts implements BusinessCounts {
  readonly counted: Array<{ metric: BusinessMetric; n: number }> = [];

  count(metric: BusinessMetric, n = 1): void {
    this.counted.push({ metric, n });
  }

  /** The sum of `metric`'s counts so far. */
  total(metric: BusinessMetric): number {
    return this.counted.filter((c) => c.metric === metric).reduce((sum, c) => sum + c.n, 0);
  }
}
