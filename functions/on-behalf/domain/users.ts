import type { Principal } from '../../identity/domain/model.ts';
import { assertAdminAccess, type OnBehalfDeps } from './relationships.ts';

/** A customer's user as its partners see it on behalf (API.md). */
export const customerUser = (
  u: { id: string; email: string; firstName: string; lastName: string; adminRole: string; status: string },
  usageLocation: string,
) => ({
  id: u.id,
  email: u.email,
  firstName: u.firstName,
  lastName: u.lastName,
  usageLocation,
  adminRole: u.adminRole,
  state: u.status === 'ACTIVE' ? ('ACTIVE' as const) : ('INACTIVE' as const),
  // Licenses are assigned by the on-behalf license operations (not built yet): none is held.
  licenses: [] as Array<{ subscriptionId: string; offerName: string }>,
});

/** GET /customers/{customerId}/users: DIRECTORY_READER (any role of an active relationship reads). */
export async function listCustomerUsers(
  deps: OnBehalfDeps,
  actor: Principal,
  customerId: string,
  query: { limit: number; cursor?: string | undefined },
) {
  await assertAdminAccess(deps, actor, customerId, 'DIRECTORY_READER');
  const [customer, page] = await Promise.all([
    deps.organizations.getOrganization(customerId),
    deps.organizations.listUsers(customerId, query.limit, query.cursor),
  ]);
  const items = page.items.map((u) => customerUser(u, customer?.country ?? ''));
  return page.nextCursor ? { items, nextCursor: page.nextCursor } : { items };
}
