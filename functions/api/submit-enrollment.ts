import { enrollmentApiDeps } from '../adapters/enrollment-api.ts';
import { submitEnrollment } from '../domain/enrollments.ts';
import { httpHandler } from '../http/handler.ts';
import { routes } from '../routes.ts';

export const handler = httpHandler(routes.submitEnrollment, async ({ principal, body }) => ({
  status: 202,
  body: await submitEnrollment(enrollmentApiDeps, principal, body),
}));
