import { enrollmentDeps } from '../adapters/enrollment.ts';
import { stepFunctionsReview } from '../adapters/review-workflow.ts';
import { verifyEnrollment } from '../domain/enrollments.ts';
import { enrollmentRoutes as routes } from '../enrollment/routes.ts';
import { httpHandler } from '../http/handler.ts';
import { enrollmentVerifiedPage } from '../pages/enrollment-verification.ts';
import { asPageWhenForm } from '../pages/results.ts';

export const handler = httpHandler(routes.verifyEnrollment, ({ body, headers }) =>
  asPageWhenForm(
    headers,
    () => verifyEnrollment(enrollmentDeps({ workflow: stepFunctionsReview }), body.token),
    enrollmentVerifiedPage,
  ),
);
