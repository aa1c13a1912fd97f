import { enrollmentApiDeps } from '../adapters/enrollment-api.ts';
import { decideEnrollment } from '../domain/enrollments.ts';
import { httpHandler } from '../http/handler.ts';
import { routes } from '../routes.ts';

export const handler = httpHandler(routes.decideEnrollment, async ({ caller, params, body }) => {
  await decideEnrollment(enrollmentApiDeps, caller.username, params.id, body);
  return { status: 202 };
});
