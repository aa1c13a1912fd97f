import { enrollmentDeps } from '../adapters/enrollment.ts';
import { putPartnerProfile } from '../domain/enrollments.ts';
import { httpHandler } from '../http/handler.ts';
import { routes } from '../routes.ts';

export const handler = httpHandler(routes.putPartnerNetworkProfile, async ({ params, body }) => ({
  status: 200,
  body: await putPartnerProfile(enrollmentDeps, params.mpnId, body),
}));
