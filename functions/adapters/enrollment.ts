import { requireEnv } from '../config.ts';
import type { EnrollmentDeps } from '../domain/enrollments.ts';
import { enrollmentStore } from './enrollment-store.ts';
import { identityStore } from './identity-store.ts';
import { sesMailer } from './mail.ts';
import { publicBaseUrl, systemClock } from './runtime.ts';

/** The enrollment domain's ports, wired once per cold start (task functions use exactly these). */
export const enrollmentDeps: EnrollmentDeps = {
  enrollments: enrollmentStore,
  identity: identityStore,
  mailer: sesMailer,
  clock: systemClock,
  get publicBaseUrl() {
    return publicBaseUrl();
  },
  get operatorAlertEmail() {
    return requireEnv('OPERATOR_ALERT_EMAIL');
  },
};
