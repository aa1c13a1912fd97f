import { identityStore } from '../identity/wiring.ts';
import { notWired, requireEnv } from '../platform/config.ts';
import { linkStore } from '../platform/links/store.ts';
import type { Mailer } from '../platform/ports.ts';
import { publicBaseUrl, systemClock } from '../platform/runtime.ts';
import type { EnrollmentApiDeps } from './domain/enrollments.ts';
import type { ReviewWorkflow } from './ports.ts';
import { enrollmentStore } from './store.ts';

/** The enrollment domain's ports (API handlers and workflow tasks); each passes the adapters its uses name. */
export function enrollmentDeps(
  ports: { mailer?: Mailer; workflow?: ReviewWorkflow } = {},
): EnrollmentApiDeps {
  return {
    enrollments: enrollmentStore,
    identity: identityStore,
    links: linkStore,
    mailer: ports.mailer ?? notWired('mailer', 'mail'),
    workflow: ports.workflow ?? notWired('workflow', 'stateMachine'),
    clock: systemClock,
    get publicBaseUrl() {
      return publicBaseUrl();
    },
    get operatorAlertEmail() {
      return requireEnv('OPERATOR_ALERT_EMAIL');
    },
  };
}
