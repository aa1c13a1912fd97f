import { correlatedTask } from '../../platform/correlation.ts';
import { sesMailer } from '../../platform/mail/ses.ts';
import { stepApplyDecision } from '../domain/enrollments.ts';
import { enrollmentDeps } from '../wiring.ts';

/** enrollment-review › Apply decision / Reject automatically. */
export const handler = correlatedTask((event: { enrollmentId: string; automatedRejection?: string }) =>
  stepApplyDecision(enrollmentDeps({ mailer: sesMailer }), event.enrollmentId, event.automatedRejection),
);
