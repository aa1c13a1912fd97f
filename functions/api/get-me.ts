import { identityDeps } from '../adapters/identity.ts';
import { publicOrganization, publicUser } from '../domain/identity-model.ts';
import { NotFoundError } from '../http/errors.ts';
import { httpHandler } from '../http/handler.ts';
import { loadPrincipal } from '../http/principal.ts';
import { identityRoutes as routes } from '../identity/routes.ts';

export const handler = httpHandler(
  routes.getMe,
  async ({ principal }) => {
    const org = await identityDeps().store.getOrganization(principal.user.orgId);
    if (!org) throw new NotFoundError('Your organization no longer exists.');
    const { status: _status, ...user } = publicUser(principal.user);
    return { status: 200, body: { user, organization: publicOrganization(org) } };
  },
  { loadPrincipal },
);
