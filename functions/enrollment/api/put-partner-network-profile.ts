import { httpHandler } from '../../platform/http/handler.ts';
import { putPartnerProfile } from '../domain/enrollments.ts';
import { enrollmentRoutes as routes } from '../routes.ts';
import { enrollmentDeps } from '../wiring.ts';

export const handler = httpHandler(routes.putPartnerNetworkProfile, async ({ params, body }) => ({
  status: 200,
  body: await putPartnerProfile(enrollmentDeps(), params.mpnId, body),
}));
