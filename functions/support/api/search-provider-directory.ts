import { loadPrincipal } from '../../identity/principal.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { searchProviderDirectory } from '../domain/directory.ts';
import { profileRoutes as routes } from '../profile-routes.ts';
import { profileDeps } from '../profile-wiring.ts';

export const handler = httpHandler(
  routes.searchProviderDirectory,
  async ({ query }) => ({ status: 200, body: await searchProviderDirectory(profileDeps(), query) }),
  { loadPrincipal },
);
