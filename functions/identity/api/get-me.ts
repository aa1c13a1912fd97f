import { DomainError } from '../../platform/errors.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { publicOrganization, publicUser } from '../domain/model.ts';
import { loadPrincipal } from '../principal.ts';
import { identityRoutes as routes } from '../routes.ts';
import { identityDeps } from '../wiring.ts';

export const handler = httpHandler(
  routes.getMe,
  async ({ principal }) => {
    const org = await identityDeps().store.getOrganization(principal.user.orgId);
    if (!org) throw new DomainError('NOT_FOUND', 'Your organization no longer exists.');
    const { status: _status, ...user } = publicUser(principal.user);
    return { status: 200, body: { user, organization: publicOrganization(org) } };
  },
  { loadPrincipal },
);
