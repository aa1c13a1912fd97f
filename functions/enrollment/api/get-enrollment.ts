import { loadPrincipal } from '../../identity/principal.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { enrollmentOf } from '../domain/enrollments.ts';
import { publicEnrollment } from '../domain/model.ts';
import { enrollmentRoutes as routes } from '../routes.ts';
import { enrollmentDeps } from '../wiring.ts';

export const handler = httpHandler(
  routes.getEnrollment,
  async ({ principal, params }) => ({
    status: 200,
    body: publicEnrollment(await enrollmentOf(enrollmentDeps(), principal, params.id)),
  }),
  { loadPrincipal },
);
