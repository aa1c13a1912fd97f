import { identityStore } from '../identity/wiring.ts';
import { notWired, requireEnv } from '../platform/config.ts';
import { emfBusinessCounts } from '../platform/metrics.ts';
import type { Mailer } from '../platform/ports.ts';
import { withPlatform } from '../platform/runtime.ts';
import type { EnrollmentApiDeps } from './domain/enrollments.ts';
import type { ReviewWorkflow } from './ports.ts';
import { enrollmentStore } from './store.ts';

/** The enrollment domain's ports (API handlers and workflow tasks); each passes the adapters its uses name. */
export function enrollmentDeps(
  ports: { mailer?: Mailer; workflow?: ReviewWorkflow } = {},
): EnrollmentApiDeps {
  return withPlatform(
    {
      enrollments: enrollmentStore,
      identity: identityStore,
      workflow: ports.workflow ?? notWired<ReviewWorkflow>('workflow', 'stateMachine'),
      metrics: emfBusinessCounts,
      get operatorAlertEmail() {
        return requireEnv('OPERATOR_ALERT_EMAIL');
      },
    },
    ports.mailer,
  );
}
