import { afterEach, describe, expect, it, vi } from 'vitest';
import { BUSINESS_METRICS, METRICS_NAMESPACE } from '../../functions/platform/business-metrics.ts';
import { withCorrelation } from '../../functions/platform/correlation.ts';
import { countBusiness } from '../../functions/platform/metrics.ts';

/** Every line the code prints, on stdout and on stderr (where a Powertools warning would go). */
function captureOutput() {
  const out: string[] = [];
  const err: string[] = [];
  const grab = (into: string[]) => (chunk: string | Uint8Array) => {
    into.push(...String(chunk).split('\n').filter(Boolean));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(grab(out));
  vi.spyOn(process.stderr, 'write').mockImplementation(grab(err));
  return { out, err };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('countBusiness', () => {
  it('prints one EMF line per count: the namespace, the metric as a Count, the service as its only dimension', () => {
    const { out, err } = captureOutput();

    countBusiness('licenseAssigned', 3);
    countBusiness('orderPlaced');

    expect(err).toEqual([]);
    expect(out).toHaveLength(2);
    const [licenses, order] = out.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(licenses).toEqual({
      _aws: {
        Timestamp: expect.any(Number),
        CloudWatchMetrics: [
          {
            Namespace: METRICS_NAMESPACE,
            Dimensions: [['service']],
            Metrics: [{ Name: BUSINESS_METRICS.licenseAssigned, Unit: 'Count' }],
          },
        ],
      },
      service: 'csp-partner-platform',
      LicensesAssigned: 3,
    });
    // Published at once: the second line holds only its own metric.
    expect(order).toMatchObject({ OrdersPlaced: 1 });
    expect(order).not.toHaveProperty('LicensesAssigned');
  });

  it('carries the correlation id as metadata, never as a dimension', async () => {
    const { out } = captureOutput();

    await withCorrelation('req-42', async () => countBusiness('enrollmentApproved'));

    const line = JSON.parse(out[0] ?? '{}') as {
      _aws: { CloudWatchMetrics: Array<{ Dimensions: string[][] }> };
      correlation_id?: string;
      EnrollmentsApproved?: number;
    };
    expect(line.correlation_id).toBe('req-42');
    expect(line.EnrollmentsApproved).toBe(1);
    expect(line._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([['service']]);
  });
});
