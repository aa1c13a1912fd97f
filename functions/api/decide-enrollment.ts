import { enrollmentDeps } from '../adapters/enrollment.ts';
import { stepFunctionsReview } from '../adapters/review-workflow.ts';
import { decideEnrollment } from '../domain/enrollments.ts';
import { enrollmentRoutes as routes } from '../enrollment/routes.ts';
import { httpHandler } from '../http/handler.ts';

export const handler = httpHandler(routes.decideEnrollment, async ({ caller, params, body }) => {
  await decideEnrollment(enrollmentDeps({ workflow: stepFunctionsReview }), caller.username, params.id, body);
  return { status: 202 };
});
