import { enrollmentApiDeps } from '../adapters/enrollment-api.ts';
import { verifyEnrollment } from '../domain/enrollments.ts';
import { httpHandler } from '../http/handler.ts';
import { enrollmentVerifiedPage } from '../pages/enrollment-verification.ts';
import { asPageWhenForm } from '../pages/results.ts';
import { routes } from '../routes.ts';

export const handler = httpHandler(routes.verifyEnrollment, ({ body, headers }) =>
  asPageWhenForm(headers, () => verifyEnrollment(enrollmentApiDeps, body.token), enrollmentVerifiedPage),
);
