import { enrollmentDeps } from '../adapters/enrollment.ts';
import { publicEnrollment } from '../domain/enrollment-model.ts';
import { enrollmentOf } from '../domain/enrollments.ts';
import { enrollmentRoutes as routes } from '../enrollment/routes.ts';
import { httpHandler } from '../http/handler.ts';
import { loadPrincipal } from '../http/principal.ts';

export const handler = httpHandler(
  routes.getEnrollment,
  async ({ principal, params }) => ({
    status: 200,
    body: publicEnrollment(await enrollmentOf(enrollmentDeps(), principal, params.id)),
  }),
  { loadPrincipal },
);
