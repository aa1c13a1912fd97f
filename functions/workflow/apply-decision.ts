import { enrollmentDeps } from '../adapters/enrollment.ts';
import { sesMailer } from '../adapters/mail.ts';
import { stepApplyDecision } from '../domain/enrollments.ts';

/** enrollment-review › Apply decision / Reject automatically. */
export const handler = (event: { enrollmentId: string; automatedRejection?: string }) =>
  stepApplyDecision(enrollmentDeps({ mailer: sesMailer }), event.enrollmentId, event.automatedRejection);
