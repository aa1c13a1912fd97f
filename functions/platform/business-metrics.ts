/**
 * The business counts the platform publishes as CloudWatch metrics (Powertools Metrics, EMF in the
 * function's log), from the code that does each thing; the operators' dashboard (infra/) reads them
 * under this namespace with the `service` dimension (the Powertools service name).
 */
export const METRICS_NAMESPACE = 'CspPartnerPlatform';

export const BUSINESS_METRICS = {
  enrollmentSubmitted: 'EnrollmentsSubmitted',
  enrollmentApproved: 'EnrollmentsApproved',
  invitationAccepted: 'InvitationsAccepted',
  orderPlaced: 'OrdersPlaced',
  licenseAssigned: 'LicensesAssigned',
} as const;

export type BusinessMetric = keyof typeof BUSINESS_METRICS;

/**
 * Counts what the business did, once it is written (never on an idempotent replay): the domain's
 * port, so its rules say when and its unit tests see what; metrics.ts publishes each count at once.
 */
export interface BusinessCounts {
  /** `n` of `metric` (1 by default; the number of licenses for `licenseAssigned`). */
  count(metric: BusinessMetric, n?: number): void;
}
