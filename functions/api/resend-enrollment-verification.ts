import { enrollmentDeps } from '../adapters/enrollment.ts';
import { resendVerification } from '../domain/enrollments.ts';
import { httpHandler } from '../http/handler.ts';
import { routes } from '../routes.ts';

export const handler = httpHandler(routes.resendEnrollmentVerification, async ({ principal, params }) => {
  await resendVerification(enrollmentDeps, principal, params.id);
  return { status: 202 };
});
