import { httpHandler } from '../../platform/http/handler.ts';
import { asPageWhenForm } from '../../platform/pages/results.ts';
import { verifyEnrollment } from '../domain/enrollments.ts';
import { enrollmentVerifiedPage } from '../pages/enrollment-verification.ts';
import { enrollmentRoutes as routes } from '../routes.ts';
import { enrollmentDeps } from '../wiring.ts';
import { stepFunctionsReview } from '../workflow.ts';

export const handler = httpHandler(routes.verifyEnrollment, ({ body, headers }) =>
  asPageWhenForm(
    headers,
    () => verifyEnrollment(enrollmentDeps({ workflow: stepFunctionsReview }), body.token),
    enrollmentVerifiedPage,
  ),
);
