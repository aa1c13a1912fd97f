import { loadPrincipal } from '../../identity/principal.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { updatePartnerSupport } from '../domain/profile.ts';
import { profileRoutes as routes } from '../profile-routes.ts';
import { profileDeps } from '../profile-wiring.ts';

export const handler = httpHandler(
  routes.updatePartnerSupport,
  async ({ principal, body }) => ({
    status: 200,
    body: await updatePartnerSupport(profileDeps(), principal, body),
  }),
  { loadPrincipal },
);
