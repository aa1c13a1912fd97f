import { enrollmentDeps } from '../adapters/enrollment.ts';
import { publicEnrollment } from '../domain/enrollment-model.ts';
import { enrollmentOf } from '../domain/enrollments.ts';
import { httpHandler } from '../http/handler.ts';
import { routes } from '../routes.ts';

export const handler = httpHandler(routes.getEnrollment, async ({ principal, params }) => ({
  status: 200,
  body: publicEnrollment(await enrollmentOf(enrollmentDeps, principal, params.id)),
}));
