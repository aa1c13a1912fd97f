import { loadPrincipal } from '../../identity/principal.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { updatePartnerLegal } from '../domain/profile.ts';
import { profileRoutes as routes } from '../profile-routes.ts';
import { profileDeps } from '../profile-wiring.ts';

export const handler = httpHandler(
  routes.updatePartnerLegal,
  async ({ principal, body }) => ({
    status: 200,
    body: await updatePartnerLegal(profileDeps(), principal, body),
  }),
  { loadPrincipal },
);
