import { enrollmentDeps } from '../adapters/enrollment.ts';
import { stepFunctionsReview } from '../adapters/review-workflow.ts';
import { submitEnrollment } from '../domain/enrollments.ts';
import { enrollmentRoutes as routes } from '../enrollment/routes.ts';
import { httpHandler } from '../http/handler.ts';
import { idempotencyKey } from '../http/idempotency.ts';
import { loadPrincipal } from '../http/principal.ts';

export const handler = httpHandler(
  routes.submitEnrollment,
  async ({ principal, body }) => ({
    status: 202,
    body: await submitEnrollment(enrollmentDeps({ workflow: stepFunctionsReview }), principal, body),
  }),
  { loadPrincipal, idempotency: idempotencyKey },
);
