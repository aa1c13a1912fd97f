import { loadPrincipal } from '../../identity/principal.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { getPartnerProfile } from '../domain/profile.ts';
import { profileRoutes as routes } from '../profile-routes.ts';
import { profileDeps } from '../profile-wiring.ts';

export const handler = httpHandler(
  routes.getPartnerProfile,
  async ({ principal }) => ({ status: 200, body: await getPartnerProfile(profileDeps(), principal) }),
  { loadPrincipal },
);
