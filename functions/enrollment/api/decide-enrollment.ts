import { httpHandler } from '../../platform/http/handler.ts';
import { decideEnrollment } from '../domain/enrollments.ts';
import { enrollmentRoutes as routes } from '../routes.ts';
import { enrollmentDeps } from '../wiring.ts';
import { stepFunctionsReview } from '../workflow.ts';

export const handler = httpHandler(routes.decideEnrollment, async ({ caller, params, body }) => {
  await decideEnrollment(enrollmentDeps({ workflow: stepFunctionsReview }), caller.username, params.id, body);
  return { status: 202 };
});
