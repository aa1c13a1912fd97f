import { httpHandler } from '../../platform/http/handler.ts';
import { linkPage } from '../../platform/pages/results.ts';
import { peekEnrollmentVerification } from '../domain/enrollments.ts';
import { confirmEnrollmentPage } from '../pages/enrollment-verification.ts';
import { enrollmentRoutes as routes } from '../routes.ts';
import { enrollmentDeps } from '../wiring.ts';

export const handler = httpHandler(routes.showEnrollmentVerification, ({ query }) =>
  linkPage(query.token, async (token) =>
    confirmEnrollmentPage(token, await peekEnrollmentVerification(enrollmentDeps(), token)),
  ),
);
