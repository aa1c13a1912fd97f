import { loadPrincipal } from '../../identity/principal.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { putProviderListing } from '../domain/directory.ts';
import { profileRoutes as routes } from '../profile-routes.ts';
import { profileDeps } from '../profile-wiring.ts';

export const handler = httpHandler(
  routes.putProviderListing,
  async ({ principal, body }) => ({
    status: 200,
    body: await putProviderListing(profileDeps(), principal, body),
  }),
  { loadPrincipal },
);
