import { enrollmentDeps } from '../adapters/enrollment.ts';
import { peekEnrollmentVerification } from '../domain/enrollments.ts';
import { enrollmentRoutes as routes } from '../enrollment/routes.ts';
import { httpHandler } from '../http/handler.ts';
import { confirmEnrollmentPage } from '../pages/enrollment-verification.ts';
import { linkPage } from '../pages/results.ts';

export const handler = httpHandler(routes.showEnrollmentVerification, ({ query }) =>
  linkPage(query.token, async (token) =>
    confirmEnrollmentPage(token, await peekEnrollmentVerification(enrollmentDeps(), token)),
  ),
);
