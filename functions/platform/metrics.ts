import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import {
  BUSINESS_METRICS,
  type BusinessCounts,
  type BusinessMetric,
  METRICS_NAMESPACE,
} from './business-metrics.ts';
import { once } from './config.ts';
import { correlationId } from './correlation.ts';

/**
 * Built on first count: its only dimension is Powertools' default `service`, which the operators'
 * dashboard reads (infra/monitoring.ts).
 */
const metrics = once(
  () =>
    new Metrics({
      namespace: METRICS_NAMESPACE,
      serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'csp-partner-platform',
    }),
);

/**
 * Publishes `n` of a business metric at once, as one EMF line on stdout (CloudWatch makes the
 * metric from the function's log; no API call, no resource). Published here rather than by a
 * middleware at the end of the invocation, so a count is never lost to a later failure of the same
 * invocation, and an invocation that counts nothing prints nothing. The line carries the
 * correlation id as metadata (not a dimension), so one story's log query finds its counts too.
 */
export function countBusiness(metric: BusinessMetric, n = 1): void {
  const m = metrics();
  m.addMetric(BUSINESS_METRICS[metric], MetricUnit.Count, n);
  const id = correlationId();
  if (id !== undefined) m.addMetadata('correlation_id', id);
  m.publishStoredMetrics();
}

/** The BusinessCounts port as the contexts' wiring plugs it in. */
export const emfBusinessCounts: BusinessCounts = { count: countBusiness };
