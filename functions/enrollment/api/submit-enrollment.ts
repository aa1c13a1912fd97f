import { loadPrincipal } from '../../identity/principal.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { idempotencyKey } from '../../platform/http/idempotency.ts';
import { submitEnrollment } from '../domain/enrollments.ts';
import { enrollmentRoutes as routes } from '../routes.ts';
import { enrollmentDeps } from '../wiring.ts';
import { stepFunctionsReview } from '../workflow.ts';

export const handler = httpHandler(
  routes.submitEnrollment,
  async ({ principal, body }) => ({
    status: 202,
    body: await submitEnrollment(enrollmentDeps({ workflow: stepFunctionsReview }), principal, body),
  }),
  { loadPrincipal, idempotency: idempotencyKey },
);
