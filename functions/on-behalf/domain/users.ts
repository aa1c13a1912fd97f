import { randomUUID } from 'node:crypto';
import type { SubscriptionRecord } from '../../commerce/ports.ts';
import { existingOrganization, type Organizations } from '../../identity/domain/admins.ts';
import {
  type HeldLicense,
  identityErrors,
  type Principal,
  type UserRecord,
} from '../../identity/domain/model.ts';
import { generateTemporaryPassword, temporaryPasswordVerifier } from '../../identity/domain/passwords.ts';
import type { Directory, IdentityStore } from '../../identity/ports.ts';
import type { BusinessCounts } from '../../platform/business-metrics.ts';
import { DomainError, isDomainError } from '../../platform/errors.ts';
import type { AdminRole } from '../../platform/roles.ts';
import { emailOnDomain } from '../../platform/webmail.ts';
import type { CustomerUserStore, SubscriptionSeats } from '../ports.ts';
import type { DelegatedRole } from './model.ts';
import { assertAdminAccess, type OnBehalfDeps } from './relationships.ts';

/** What the on-behalf user and license operations use. */
export interface CustomerUserDeps extends Pick<OnBehalfDeps, 'adminRelationships' | 'customers' | 'clock'> {
  organizations: Organizations;
  users: Pick<IdentityStore, 'getUser' | 'getUserByEmail' | 'createUser' | 'deleteUser'>;
  customerUsers: CustomerUserStore;
  subscriptions: SubscriptionSeats;
  directory: Directory;
  /** Licenses assigned (the operators' dashboard). */
  metrics: BusinessCounts;
}

const DAY_MS = 86_400_000;
/** A deleted user can be restored for 30 days (then it is gone, as in Entra). */
export const RESTORE_DAYS = 30;
/** Reads again after a concurrent change at most this many times, then answers CONFLICT. */
const ATTEMPTS = 8;

/** A subscription whose licenses are held: ACTIVE, or SUSPENDED (its users keep their seats). */
export const holdsLicenses = (s: Pick<SubscriptionRecord, 'status'>) =>
  s.status === 'ACTIVE' || s.status === 'SUSPENDED';

/** A customer's user as its partners see it on behalf (API.md): licenses of ended subscriptions are not held. */
export const customerUser = (u: UserRecord, defaultLocation: string, live: ReadonlySet<string>) => ({
  id: u.id,
  email: u.email,
  firstName: u.firstName,
  lastName: u.lastName,
  usageLocation: u.usageLocation ?? defaultLocation,
  adminRole: u.adminRole,
  state: u.status === 'INACTIVE' ? ('INACTIVE' as const) : ('ACTIVE' as const),
  ...(u.deletedAt ? { deletedAt: u.deletedAt } : {}),
  licenses: Object.entries(u.licenses ?? {})
    .filter(([subscriptionId]) => live.has(subscriptionId))
    .map(([subscriptionId, held]) => ({ subscriptionId, offerName: held.offerName })),
});

/** The ids of the customer's subscriptions that hold licenses: its partition, read whole (a customer has few). */
async function liveSubscriptionIds(deps: CustomerUserDeps, customerId: string): Promise<Set<string>> {
  const live = new Set<string>();
  let cursor: string | undefined;
  do {
    const page = await deps.subscriptions.listSubscriptions(customerId, undefined, undefined, 100, cursor);
    for (const s of page.items) if (holdsLicenses(s)) live.add(s.subscriptionId);
    cursor = page.nextCursor;
  } while (cursor);
  return live;
}

/** A user of the customer's organization; any other id is 404. */
async function userOf(deps: CustomerUserDeps, customerId: string, userId: string): Promise<UserRecord> {
  const user = await deps.users.getUser(userId);
  if (!user || user.orgId !== customerId)
    throw new DomainError('NOT_FOUND', "No user with this id in the customer's organization.");
  return user;
}

/** As in Entra, a user administrator manages users other than global admins. */
const roleToManage = (adminRole: AdminRole): DelegatedRole =>
  adminRole === 'GLOBAL_ADMIN' ? 'GLOBAL_ADMINISTRATOR' : 'USER_ADMINISTRATOR';

/** USER_ADMINISTRATOR for everyone, and GLOBAL_ADMINISTRATOR too when the user is a global admin. */
async function assertMayManage(
  deps: CustomerUserDeps,
  actor: Principal,
  customerId: string,
  user: UserRecord,
) {
  if (roleToManage(user.adminRole) === 'GLOBAL_ADMINISTRATOR')
    await assertAdminAccess(deps, actor, customerId, 'GLOBAL_ADMINISTRATOR');
}

async function view(deps: CustomerUserDeps, customerId: string, user: UserRecord) {
  const [customer, live] = await Promise.all([
    existingOrganization(deps, customerId),
    liveSubscriptionIds(deps, customerId),
  ]);
  return customerUser(user, customer.country, live);
}

/** GET /customers/{customerId}/users: DIRECTORY_READER (any role of an active relationship reads). */
export async function listCustomerUsers(
  deps: CustomerUserDeps,
  actor: Principal,
  customerId: string,
  query: { limit: number; cursor?: string | undefined },
) {
  await assertAdminAccess(deps, actor, customerId, 'DIRECTORY_READER');
  const [customer, page, live] = await Promise.all([
    existingOrganization(deps, customerId),
    deps.organizations.listUsers(customerId, query.limit, query.cursor),
    liveSubscriptionIds(deps, customerId),
  ]);
  const items = page.items.map((u) => customerUser(u, customer.country, live));
  return page.nextCursor ? { items, nextCursor: page.nextCursor } : { items };
}

/** GET /customers/{customerId}/users/{userId}: DIRECTORY_READER. */
export async function getCustomerUser(
  deps: CustomerUserDeps,
  actor: Principal,
  customerId: string,
  userId: string,
) {
  await assertAdminAccess(deps, actor, customerId, 'DIRECTORY_READER');
  return view(deps, customerId, await userOf(deps, customerId, userId));
}

export interface CustomerUserInput {
  firstName: string;
  lastName: string;
  email: string;
  usageLocation: string;
  adminRole?: AdminRole | undefined;
}

/**
 * POST /customers/{customerId}/users: USER_ADMINISTRATOR (GLOBAL_ADMINISTRATOR for a global
 * admin). A user of the customer's organization, on its domain, whose temporary password is in this
 * answer only (its verifier is kept) and must be changed at the first sign-in.
 */
export async function createCustomerUser(
  deps: CustomerUserDeps,
  actor: Principal,
  customerId: string,
  input: CustomerUserInput,
) {
  const adminRole = input.adminRole ?? 'NONE';
  await assertAdminAccess(deps, actor, customerId, roleToManage(adminRole));
  const customer = await existingOrganization(deps, customerId);
  if (!emailOnDomain(input.email, customer.domain))
    throw identityErrors.emailDomainMismatch(input.email, customer.domain);
  const temporaryPassword = generateTemporaryPassword();
  const now = deps.clock.now();
  const user: UserRecord = {
    id: randomUUID(),
    orgId: customerId,
    email: input.email,
    firstName: input.firstName,
    lastName: input.lastName,
    agentRole: 'NONE',
    adminRole,
    status: 'ACTIVE',
    usageLocation: input.usageLocation,
    temporaryPasswordVerifier: temporaryPasswordVerifier(temporaryPassword),
    createdAt: now.toISOString(),
  };
  try {
    await deps.users.createUser(user, actor.user.orgId);
  } catch (error) {
    if (!isDomainError(error, 'EMAIL_TAKEN') || !(await purgedAfterWindow(deps, user.email, now)))
      throw error;
    await deps.users.createUser(user, actor.user.orgId);
  }
  try {
    await deps.directory.createUser(user.id, user.email, temporaryPassword, true);
  } catch (error) {
    await deps.users.deleteUser(user).catch(() => undefined);
    throw error;
  }
  return { user: customerUser(user, customer.country, new Set()), temporaryPassword };
}

/**
 * A user deleted more than 30 days ago can no longer be restored: its email is freed when someone
 * creates a user with it (the user and its sign-in are removed for good). True when it did that.
 */
async function purgedAfterWindow(deps: CustomerUserDeps, email: string, now: Date) {
  const holder = await deps.users.getUserByEmail(email);
  // Restorable up to and including its last instant (restoreCustomerUser): purged only after it.
  if (holder?.status !== 'INACTIVE' || !(now > restorableUntil(holder))) return false;
  await deps.users.deleteUser(holder);
  await deps.directory.deleteUser(holder.id);
  return true;
}

const restorableUntil = (user: UserRecord) =>
  new Date(new Date(user.deletedAt ?? 0).getTime() + RESTORE_DAYS * DAY_MS);

/**
 * DELETE /customers/{customerId}/users/{userId}: USER_ADMINISTRATOR (GLOBAL_ADMINISTRATOR for a
 * global admin). The user becomes INACTIVE, cannot sign in (its next call is refused too), and its
 * licenses go back to their subscriptions, in one transaction; repeating it changes nothing.
 */
export async function deleteCustomerUser(
  deps: CustomerUserDeps,
  actor: Principal,
  customerId: string,
  userId: string,
) {
  await assertAdminAccess(deps, actor, customerId, 'USER_ADMINISTRATOR');
  let user = await userOf(deps, customerId, userId);
  await assertMayManage(deps, actor, customerId, user);
  for (let attempt = 0; user.status === 'ACTIVE'; attempt++) {
    if (attempt === ATTEMPTS) throw new DomainError('CONFLICT', 'The user kept changing; try again.');
    // Made a global admin meanwhile: that takes GLOBAL_ADMINISTRATOR (the write checks the role read).
    if (attempt > 0) await assertMayManage(deps, actor, customerId, user);
    const live = await liveSubscriptionIds(deps, customerId);
    const release = Object.keys(user.licenses ?? {}).filter((id) => live.has(id));
    const moved = await deps.customerUsers.deactivate(
      user,
      release,
      deps.clock.now().toISOString(),
      actor.user.orgId,
    );
    if (!moved) break;
    user = await userOf(deps, customerId, userId);
  }
  // After the table (which sign-in and every call check): a retry of a failed call does it again.
  await deps.directory.disableUser(user.id);
}

/**
 * POST /customers/{customerId}/users/{userId}/restore: a deleted user is ACTIVE again, without
 * its licenses, within 30 days of its deletion.
 */
export async function restoreCustomerUser(
  deps: CustomerUserDeps,
  actor: Principal,
  customerId: string,
  userId: string,
) {
  await assertAdminAccess(deps, actor, customerId, 'USER_ADMINISTRATOR');
  const user = await userOf(deps, customerId, userId);
  await assertMayManage(deps, actor, customerId, user);
  if (user.status !== 'INACTIVE')
    throw new DomainError('USER_NOT_DELETED', `${user.email} is not deleted; there is nothing to restore.`);
  const until = restorableUntil(user);
  if (deps.clock.now() > until)
    throw new DomainError(
      'RESTORE_WINDOW_CLOSED',
      `${user.email} was deleted at ${user.deletedAt} and could be restored until ${until.toISOString()}; create the user again instead.`,
    );
  await deps.directory.enableUser(user.id);
  if (!(await deps.customerUsers.restore(user, deps.clock.now().toISOString(), actor.user.orgId))) {
    const now = await userOf(deps, customerId, userId);
    if (now.status !== 'ACTIVE')
      throw new DomainError('CONFLICT', 'The user changed meanwhile; reload and retry.');
  }
  const { deletedAt: _deletedAt, licenses: _licenses, ...restored } = user;
  return view(deps, customerId, { ...restored, status: 'ACTIVE' });
}

/** GET /customers/{customerId}/licenses: DIRECTORY_READER; the seats of each subscription that holds licenses. */
export async function listLicenses(
  deps: CustomerUserDeps,
  actor: Principal,
  customerId: string,
  query: { limit: number; cursor?: string | undefined },
) {
  await assertAdminAccess(deps, actor, customerId, 'DIRECTORY_READER');
  const page = await deps.subscriptions.listSubscriptions(
    customerId,
    undefined,
    undefined,
    query.limit,
    query.cursor,
  );
  const items = page.items.filter(holdsLicenses).map((s) => ({
    subscriptionId: s.subscriptionId,
    offerId: s.offerId,
    offerName: s.offerName,
    total: s.quantity,
    assigned: s.assignedLicenses,
    available: s.status === 'ACTIVE' ? Math.max(0, s.quantity - s.assignedLicenses) : 0,
    status: s.status,
  }));
  return page.nextCursor ? { items, nextCursor: page.nextCursor } : { items };
}

/**
 * POST /customers/{customerId}/users/{userId}/licenses: LICENSE_ADMINISTRATOR. Assigns and removes
 * all or nothing: one transaction of the user and each subscription's seat count, whose conditions
 * keep `assignedLicenses` ≤ `quantity` under any concurrency. Assigning a license held, or removing
 * one not held, changes nothing.
 */
export async function changeUserLicenses(
  deps: CustomerUserDeps,
  actor: Principal,
  customerId: string,
  userId: string,
  change: { assign?: string[] | undefined; remove?: string[] | undefined },
) {
  await assertAdminAccess(deps, actor, customerId, 'LICENSE_ADMINISTRATOR');
  const [assign, remove] = [change.assign ?? [], change.remove ?? []];
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const user = await userOf(deps, customerId, userId);
    if (user.status !== 'ACTIVE')
      throw new DomainError(
        'USER_INACTIVE',
        `${user.email} is deleted; restore the user (POST …/users/${user.id}/restore) before assigning licenses.`,
      );
    const held = user.licenses ?? {};
    const named = await subscriptionsNamed(deps, customerId, [
      ...new Set([...assign, ...remove, ...Object.keys(held)]),
    ]);
    const plan = planLicenses(held, named, { assign, remove }, deps.clock.now().toISOString());
    if (!plan.changed) return view(deps, customerId, user);
    const moved = await deps.customerUsers.changeLicenses(
      user,
      plan.after,
      plan.counts,
      deps.clock.now().toISOString(),
      actor.user.orgId,
    );
    if (!moved) {
      // Seats taken by this change only: one already held, or released, is not an assignment.
      if (plan.counts.assign.length > 0) deps.metrics.count('licenseAssigned', plan.counts.assign.length);
      return view(deps, customerId, { ...user, licenses: plan.after });
    }
  }
  throw new DomainError('CONFLICT', 'The licenses kept changing; try again.');
}

async function subscriptionsNamed(deps: CustomerUserDeps, customerId: string, ids: string[]) {
  const subs = await Promise.all(ids.map((id) => deps.subscriptions.getSubscription(customerId, id)));
  return new Map(ids.map((id, i) => [id, subs[i]]));
}

/**
 * What a license change writes, or the error why it cannot: each named subscription must be this
 * customer's (else 404), an assigned one ACTIVE with a seat free. Entries of ended subscriptions
 * are dropped on the way.
 */
export function planLicenses(
  held: Record<string, HeldLicense>,
  subs: Map<string, SubscriptionRecord | undefined>,
  change: { assign: string[]; remove: string[] },
  at: string,
) {
  const after: Record<string, HeldLicense> = {};
  for (const [id, license] of Object.entries(held)) {
    const s = subs.get(id);
    if (s && holdsLicenses(s) && !change.remove.includes(id)) after[id] = license;
  }
  const counts = { assign: [] as string[], release: [] as string[] };
  for (const id of change.remove) {
    if (!subs.get(id)) throw noSuchSubscription(id);
    if (held[id] && after[id] === undefined && holdsLicenses(subs.get(id) as SubscriptionRecord))
      counts.release.push(id);
  }
  change.assign.forEach((id, i) => {
    const s = subs.get(id);
    if (!s) throw noSuchSubscription(id);
    if (after[id]) return;
    if (s.status !== 'ACTIVE')
      throw new DomainError(
        'SUBSCRIPTION_NOT_ACTIVE',
        `${s.offerName} (${id}) is ${s.status}; only an active subscription's licenses can be assigned.`,
        { errors: [{ path: `body.assign.${i}`, message: `subscription is ${s.status}` }] },
      );
    if (s.assignedLicenses >= s.quantity)
      throw new DomainError(
        'LICENSES_EXHAUSTED',
        `Every license of ${s.offerName} (${id}) is assigned (${s.assignedLicenses} of ${s.quantity}); remove one or ask the provider to raise the quantity.`,
        { errors: [{ path: `body.assign.${i}`, message: `no license left of ${s.offerName}` }] },
      );
    after[id] = { offerName: s.offerName, assignedAt: at };
    counts.assign.push(id);
  });
  const changed =
    counts.assign.length + counts.release.length > 0 ||
    Object.keys(after).length !== Object.keys(held).length;
  return { after, counts, changed };
}

const noSuchSubscription = (id: string) =>
  new DomainError('NOT_FOUND', `The customer has no subscription ${id}.`);
