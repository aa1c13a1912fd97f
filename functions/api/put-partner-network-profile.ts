import { enrollmentDeps } from '../adapters/enrollment.ts';
import { putPartnerProfile } from '../domain/enrollments.ts';
import { enrollmentRoutes as routes } from '../enrollment/routes.ts';
import { httpHandler } from '../http/handler.ts';

export const handler = httpHandler(routes.putPartnerNetworkProfile, async ({ params, body }) => ({
  status: 200,
  body: await putPartnerProfile(enrollmentDeps(), params.mpnId, body),
}));
