import { beforeEach, describe, expect, it } from 'vitest';
import type { SubscriptionRecord } from '../../../functions/commerce/ports.ts';
import type { OrganizationRecord, Principal, UserRecord } from '../../../functions/identity/domain/model.ts';
import { matchesVerifier } from '../../../functions/identity/domain/passwords.ts';
import type { DelegatedRole } from '../../../functions/on-behalf/domain/model.ts';
import {
  answerAdminRelationship,
  type OnBehalfDeps,
  requestAdminRelationship,
  terminateAdminRelationship,
} from '../../../functions/on-behalf/domain/relationships.ts';
import type { AdminRelationshipTimer } from '../../../functions/on-behalf/domain/terms.ts';
import {
  type CustomerUserDeps,
  changeUserLicenses,
  createCustomerUser,
  deleteCustomerUser,
  getCustomerUser,
  listCustomerUsers,
  listLicenses,
  planLicenses,
  restoreCustomerUser,
} from '../../../functions/on-behalf/domain/users.ts';
import { FakeAdminRelationshipStore } from '../fakes/admin-relationship-store.ts';
import {
  FakeCommerceStore,
  FakeCustomerLinks,
  FakeTimers,
  subscriptionRecord,
} from '../fakes/commerce-store.ts';
import { FakeCustomerUserStore } from '../fakes/customer-user-store.ts';
import { addOrganization, addUser, type FakePorts, fakePorts, PUBLIC_BASE_URL, T0 } from '../fakes/deps.ts';
import { expectCode } from '../fakes/expect-code.ts';

const DAY = 86_400;
const tokenOf = (link: string) => new URL(link).searchParams.get('token') ?? '';

describe('customer users and licenses on behalf', () => {
  let p: FakePorts;
  let commerce: FakeCommerceStore;
  let customerUsers: FakeCustomerUserStore;
  let onBehalf: OnBehalfDeps & { timers: FakeTimers<AdminRelationshipTimer> };
  let deps: CustomerUserDeps;
  let partner: { org: OrganizationRecord; admin: Principal };
  let customer: { org: OrganizationRecord; admin: Principal };
  let outsider: { org: OrganizationRecord; admin: Principal };
  let grants = 0;

  /** An ACTIVE admin relationship of the partner with the customer holding `roles` (90 days). */
  const grant = async (roles: DelegatedRole[]) => {
    grants += 1;
    const requested = await requestAdminRelationship(onBehalf, partner.admin, customer.org.id, {
      displayName: `Ops ${grants}`,
      roles,
      duration: 'P90D',
    });
    const answered = await answerAdminRelationship(
      onBehalf,
      tokenOf(requested.approvalLink),
      customer.admin,
      'APPROVE',
    );
    expect(answered.status).toBe('ACTIVE');
    return requested.relationshipId;
  };

  /** A subscription of the customer (or of `customerId`), stored directly. */
  const subscription = (id: string, over: Partial<SubscriptionRecord> = {}): SubscriptionRecord => {
    const s = subscriptionRecord(
      T0,
      { customerId: customer.org.id, providerId: partner.org.id, reseller: partner.org },
      {
        subscriptionId: id,
        offerId: `offer-${id}`,
        offerName: `Offer ${id}`,
        friendlyName: `Friendly ${id}`,
        quantity: 2,
        termEndDate: new Date(T0.getTime() + 30 * DAY * 1000).toISOString(),
        ...over,
      },
    );
    commerce.subscriptions.set(id, s);
    return s;
  };

  const sub = (id: string) => {
    const s = commerce.subscriptions.get(id);
    if (!s) throw new Error(`no subscription ${id}`);
    return s;
  };
  const stored = (userId: string): UserRecord => {
    const u = p.identity.users.get(userId);
    if (!u) throw new Error(`no user ${userId}`);
    return u;
  };
  const customerOrg = () => {
    const o = p.identity.organizations.get(customer.org.id);
    if (!o) throw new Error('no customer');
    return o;
  };
  const snapshot = () => [p.identity.dump(), commerce.dump(), JSON.stringify([...p.directory.accounts])];

  const input = (name: string, over: Record<string, unknown> = {}) => ({
    firstName: name,
    lastName: 'Example',
    email: `${name}@${customer.org.domain}`,
    usageLocation: 'PT',
    ...over,
  });
  const create = (name: string, over: Record<string, unknown> = {}) =>
    createCustomerUser(deps, partner.admin, customer.org.id, input(name, over));
  const licenses = (userId: string, change: { assign?: string[]; remove?: string[] }) =>
    changeUserLicenses(deps, partner.admin, customer.org.id, userId, change);

  beforeEach(async () => {
    grants = 0;
    p = fakePorts(T0);
    commerce = new FakeCommerceStore();
    customerUsers = new FakeCustomerUserStore(p.identity, commerce);
    const links = new FakeCustomerLinks();
    onBehalf = {
      adminRelationships: new FakeAdminRelationshipStore(p.identity),
      customers: links,
      organizations: p.identity,
      links: p.identity,
      timers: new FakeTimers<AdminRelationshipTimer>(),
      mailer: p.mailer,
      clock: p.clock,
      publicBaseUrl: PUBLIC_BASE_URL,
    };
    deps = {
      ...onBehalf,
      users: p.identity,
      customerUsers,
      subscriptions: commerce,
      directory: p.directory,
      metrics: p.metrics,
    };
    partner = await addOrganization(p, 'res', ['RESELLER']);
    customer = await addOrganization(p, 'cust');
    outsider = await addOrganization(p, 'other', ['RESELLER']);
    links.add(partner.org.id, {
      customerId: customer.org.id,
      name: customer.org.name,
      domain: customer.org.domain,
      country: customer.org.country,
      delegatedAdmin: false,
      since: T0.toISOString(),
    });
  });

  describe('creating users', () => {
    it('creates a user of the customer with a temporary password that must be changed', async () => {
      await grant(['USER_ADMINISTRATOR']);
      const created = await create('bob');
      expect(created.temporaryPassword).toMatch(/^[A-Za-z0-9]{16}$/);
      expect(created.user).toEqual({
        id: expect.any(String),
        email: `bob@${customer.org.domain}`,
        firstName: 'bob',
        lastName: 'Example',
        usageLocation: 'PT',
        adminRole: 'NONE',
        state: 'ACTIVE',
        licenses: [],
      });
      const user = stored(created.user.id);
      expect(user).toMatchObject({
        orgId: customer.org.id,
        email: `bob@${customer.org.domain}`,
        usageLocation: 'PT',
        agentRole: 'NONE',
        adminRole: 'NONE',
        status: 'ACTIVE',
        createdAt: T0.toISOString(),
      });
      expect(matchesVerifier(created.temporaryPassword, user.temporaryPasswordVerifier ?? '')).toBe(true);
      expect(p.directory.accounts.get(created.user.id)).toEqual({
        email: `bob@${customer.org.domain}`,
        password: created.temporaryPassword,
        temporary: true,
      });
      // The first sign-in is the forced change of the temporary password.
      expect((await p.directory.signIn(created.user.id, created.temporaryPassword)).kind).toBe('challenge');
      // It is listed among the customer's users.
      const listed = await listCustomerUsers(deps, partner.admin, customer.org.id, { limit: 25 });
      expect(listed.items.map((u) => u.email).sort()).toEqual([
        `ada@${customer.org.domain}`,
        `bob@${customer.org.domain}`,
      ]);
    });

    it('refuses an email off the customer’s domain, and one taken', async () => {
      await grant(['USER_ADMINISTRATOR']);
      const before = snapshot();
      const mismatch = await expectCode(
        'EMAIL_DOMAIN_MISMATCH',
        create('bob', { email: `bob@${partner.org.domain}` }),
      );
      expect(mismatch.detail).toContain(customer.org.domain);
      await expectCode('EMAIL_TAKEN', create('ada'));
      await expectCode('EMAIL_TAKEN', create('ada', { email: `ADA@${customer.org.domain}` }));
      expect(snapshot()).toEqual(before);
    });

    it('needs GLOBAL_ADMINISTRATOR to create a global admin', async () => {
      await grant(['USER_ADMINISTRATOR']);
      const before = snapshot();
      const refused = await expectCode(
        'ADMIN_RELATIONSHIP_REQUIRED',
        create('gia', { adminRole: 'GLOBAL_ADMIN' }),
      );
      expect(refused.detail).toContain('GLOBAL_ADMINISTRATOR');
      expect(snapshot()).toEqual(before);

      await grant(['GLOBAL_ADMINISTRATOR']);
      const created = await create('gia', { adminRole: 'GLOBAL_ADMIN' });
      expect(created.user.adminRole).toBe('GLOBAL_ADMIN');
      expect(stored(created.user.id).adminRole).toBe('GLOBAL_ADMIN');
      expect(customerOrg().globalAdminCount).toBe(2);
    });

    it('lets a DIRECTORY_READER read but not write, and an unrelated partner nothing', async () => {
      await grant(['DIRECTORY_READER']);
      const bob = await addUser(p, customer.org, 'bob', 'NONE', 'NONE');
      const listed = await listCustomerUsers(deps, partner.admin, customer.org.id, { limit: 25 });
      expect(listed.items.map((u) => u.id).sort()).toEqual([customer.admin.user.id, bob.user.id].sort());
      expect(await getCustomerUser(deps, partner.admin, customer.org.id, bob.user.id)).toMatchObject({
        id: bob.user.id,
        usageLocation: 'ES', // the customer's country when the user has none
        state: 'ACTIVE',
        licenses: [],
      });
      expect((await listLicenses(deps, partner.admin, customer.org.id, { limit: 25 })).items).toEqual([]);

      const before = snapshot();
      const refused = await expectCode('ADMIN_RELATIONSHIP_REQUIRED', create('cat'));
      expect(refused.detail).toContain('USER_ADMINISTRATOR');
      await expectCode(
        'ADMIN_RELATIONSHIP_REQUIRED',
        deleteCustomerUser(deps, partner.admin, customer.org.id, bob.user.id),
      );
      subscription('s1');
      const noLicenses = await expectCode(
        'ADMIN_RELATIONSHIP_REQUIRED',
        licenses(bob.user.id, { assign: ['s1'] }),
      );
      expect(noLicenses.detail).toContain('LICENSE_ADMINISTRATOR');
      expect(sub('s1').assignedLicenses).toBe(0);
      expect(snapshot().slice(0, 1)).toEqual(before.slice(0, 1));

      // A partner with no relationship with the customer: 404, for reading and writing.
      await expectCode('NOT_FOUND', listCustomerUsers(deps, outsider.admin, customer.org.id, { limit: 25 }));
      await expectCode('NOT_FOUND', getCustomerUser(deps, outsider.admin, customer.org.id, bob.user.id));
      await expectCode('NOT_FOUND', createCustomerUser(deps, outsider.admin, customer.org.id, input('dan')));
      expect(p.identity.emailClaims.has(`dan@${customer.org.domain}`)).toBe(false);
    });

    it('answers 404 for a user of another organization', async () => {
      await grant(['USER_ADMINISTRATOR']);
      await expectCode(
        'NOT_FOUND',
        getCustomerUser(deps, partner.admin, customer.org.id, partner.admin.user.id),
      );
    });

    it('frees the email of a user deleted more than 30 days ago, and only then', async () => {
      await grant(['USER_ADMINISTRATOR']);
      const old = await create('bob');
      await deleteCustomerUser(deps, partner.admin, customer.org.id, old.user.id);

      p.clock.advance(29 * DAY);
      await expectCode('EMAIL_TAKEN', create('bob'));
      expect(stored(old.user.id).status).toBe('INACTIVE');

      p.clock.advance(DAY + 1);
      const created = await create('bob');
      expect(created.user.id).not.toBe(old.user.id);
      expect(p.identity.users.has(old.user.id)).toBe(false);
      expect(p.directory.accounts.has(old.user.id)).toBe(false);
      expect(stored(created.user.id)).toMatchObject({
        status: 'ACTIVE',
        email: `bob@${customer.org.domain}`,
      });
      expect(p.identity.emailClaims.get(`bob@${customer.org.domain}`)).toBe(created.user.id);
      expect(p.directory.accounts.get(created.user.id)?.temporary).toBe(true);
    });

    it('removes the user again when the identity provider fails to create its account', async () => {
      await grant(['USER_ADMINISTRATOR']);
      p.directory.failNext('createUser');
      await expect(create('bob')).rejects.toThrow('identity provider is unavailable');
      expect(p.identity.emailClaims.has(`bob@${customer.org.domain}`)).toBe(false);
      expect([...p.identity.users.values()].filter((u) => u.orgId === customer.org.id)).toHaveLength(1);
      // The retry succeeds.
      expect((await create('bob')).user.email).toBe(`bob@${customer.org.domain}`);
    });
  });

  describe('deleting and restoring users', () => {
    it('makes the user INACTIVE, disables its sign-in and releases its live licenses', async () => {
      await grant(['USER_ADMINISTRATOR', 'LICENSE_ADMINISTRATOR']);
      const bob = (await create('bob')).user;
      subscription('s-active');
      subscription('s-suspended');
      subscription('s-canceled');
      await licenses(bob.id, { assign: ['s-active', 's-suspended', 's-canceled'] });
      Object.assign(sub('s-suspended'), { status: 'SUSPENDED' });
      Object.assign(sub('s-canceled'), { status: 'CANCELED' });
      p.clock.advance(60);

      await deleteCustomerUser(deps, partner.admin, customer.org.id, bob.id);
      const user = stored(bob.id);
      expect(user.status).toBe('INACTIVE');
      expect(user.deletedAt).toBe(new Date(T0.getTime() + 60_000).toISOString());
      expect(user.licenses).toBeUndefined();
      expect(p.directory.accounts.get(bob.id)?.disabled).toBe(true);
      expect(sub('s-active').assignedLicenses).toBe(0);
      expect(sub('s-suspended').assignedLicenses).toBe(0);
      // An ended subscription's entry held nothing: its count is not touched.
      expect(sub('s-canceled').assignedLicenses).toBe(1);
      expect(customerUsers.records.at(-1)).toEqual({
        operation: 'USER_DELETED',
        log: partner.org.id,
        customerId: customer.org.id,
        resourceId: bob.id,
      });
      expect(await getCustomerUser(deps, partner.admin, customer.org.id, bob.id)).toMatchObject({
        state: 'INACTIVE',
        deletedAt: user.deletedAt,
        licenses: [],
      });

      // Again: nothing changes.
      const before = snapshot();
      const records = customerUsers.records.length;
      p.clock.advance(60);
      await deleteCustomerUser(deps, partner.admin, customer.org.id, bob.id);
      expect(snapshot()).toEqual(before);
      expect(customerUsers.records).toHaveLength(records);
    });

    it('reads again when a license was assigned meanwhile, and releases it too', async () => {
      await grant(['USER_ADMINISTRATOR', 'LICENSE_ADMINISTRATOR']);
      const bob = (await create('bob')).user;
      subscription('s1');
      subscription('s2');
      await licenses(bob.id, { assign: ['s1'] });
      customerUsers.beforeNextWrite = () => {
        // Another call assigned s2 meanwhile (the user and the count in one write).
        const user = stored(bob.id);
        user.licenses = { ...user.licenses, s2: { offerName: 'Offer s2', assignedAt: T0.toISOString() } };
        sub('s2').assignedLicenses += 1;
      };
      await deleteCustomerUser(deps, partner.admin, customer.org.id, bob.id);
      expect(stored(bob.id).status).toBe('INACTIVE');
      expect(stored(bob.id).licenses).toBeUndefined();
      expect(sub('s1').assignedLicenses).toBe(0);
      expect(sub('s2').assignedLicenses).toBe(0);
      expect(customerUsers.records.map((r) => r.operation)).toEqual([
        'USER_LICENSES_CHANGED',
        'USER_DELETED',
      ]);
    });

    it('reads again when the user was made a global admin meanwhile: then GLOBAL_ADMINISTRATOR is needed', async () => {
      await grant(['USER_ADMINISTRATOR']);
      const bob = (await create('bob')).user;
      customerUsers.beforeNextWrite = () => {
        // The customer's own admin promoted bob meanwhile (updateUser: the role and the count at once).
        stored(bob.id).adminRole = 'GLOBAL_ADMIN';
        customerOrg().globalAdminCount += 1;
      };
      const refused = await expectCode(
        'ADMIN_RELATIONSHIP_REQUIRED',
        deleteCustomerUser(deps, partner.admin, customer.org.id, bob.id),
      );
      expect(refused.detail).toContain('GLOBAL_ADMINISTRATOR');
      expect(stored(bob.id).status).toBe('ACTIVE');
      expect(customerOrg().globalAdminCount).toBe(2);
      expect(customerUsers.records.map((r) => r.operation)).toEqual([]);
    });

    it('needs GLOBAL_ADMINISTRATOR for a global admin, and keeps the customer’s last one', async () => {
      await grant(['USER_ADMINISTRATOR']);
      const ada = customer.admin.user;
      const refused = await expectCode(
        'ADMIN_RELATIONSHIP_REQUIRED',
        deleteCustomerUser(deps, partner.admin, customer.org.id, ada.id),
      );
      expect(refused.detail).toContain('GLOBAL_ADMINISTRATOR');

      await grant(['GLOBAL_ADMINISTRATOR']);
      const before = snapshot();
      await expectCode('LAST_GLOBAL_ADMIN', deleteCustomerUser(deps, partner.admin, customer.org.id, ada.id));
      expect(snapshot()).toEqual(before);
      expect(stored(ada.id).status).toBe('ACTIVE');
      expect(p.directory.accounts.get(ada.id)?.disabled).toBeUndefined();
      expect(customerUsers.records).toEqual([]);

      // With a second global admin, one of them can go.
      const gia = await addUser(p, customer.org, 'gia', 'NONE', 'GLOBAL_ADMIN');
      expect(customerOrg().globalAdminCount).toBe(2);
      await deleteCustomerUser(deps, partner.admin, customer.org.id, gia.user.id);
      expect(stored(gia.user.id).status).toBe('INACTIVE');
      expect(customerOrg().globalAdminCount).toBe(1);
    });

    it('answers 404 for a user of another organization', async () => {
      await grant(['USER_ADMINISTRATOR', 'GLOBAL_ADMINISTRATOR']);
      const before = snapshot();
      await expectCode(
        'NOT_FOUND',
        deleteCustomerUser(deps, partner.admin, customer.org.id, outsider.admin.user.id),
      );
      await expectCode('NOT_FOUND', deleteCustomerUser(deps, partner.admin, customer.org.id, 'no-such-user'));
      await expectCode(
        'NOT_FOUND',
        restoreCustomerUser(deps, partner.admin, customer.org.id, partner.admin.user.id),
      );
      expect(snapshot()).toEqual(before);
    });

    it('restores within 30 days: ACTIVE, without its licenses, signing in again', async () => {
      await grant(['USER_ADMINISTRATOR', 'LICENSE_ADMINISTRATOR']);
      const bob = (await create('bob')).user;
      await expectCode('USER_NOT_DELETED', restoreCustomerUser(deps, partner.admin, customer.org.id, bob.id));
      subscription('s1');
      await licenses(bob.id, { assign: ['s1'] });
      await deleteCustomerUser(deps, partner.admin, customer.org.id, bob.id);
      expect(sub('s1').assignedLicenses).toBe(0);

      p.clock.advance(30 * DAY); // the last moment of the window
      const restored = await restoreCustomerUser(deps, partner.admin, customer.org.id, bob.id);
      expect(restored).toMatchObject({ id: bob.id, state: 'ACTIVE', licenses: [] });
      expect(restored).not.toHaveProperty('deletedAt');
      const user = stored(bob.id);
      expect(user.status).toBe('ACTIVE');
      expect(user.deletedAt).toBeUndefined();
      expect(user.licenses).toBeUndefined();
      expect(p.directory.accounts.get(bob.id)?.disabled).toBe(false);
      expect(sub('s1').assignedLicenses).toBe(0);
      expect(customerUsers.records.map((r) => r.operation)).toEqual([
        'USER_LICENSES_CHANGED',
        'USER_DELETED',
        'USER_RESTORED',
      ]);
      await expectCode('USER_NOT_DELETED', restoreCustomerUser(deps, partner.admin, customer.org.id, bob.id));
    });

    it('refuses to restore after 30 days', async () => {
      await grant(['USER_ADMINISTRATOR']);
      const bob = (await create('bob')).user;
      await deleteCustomerUser(deps, partner.admin, customer.org.id, bob.id);
      p.clock.advance(30 * DAY + 1);
      const before = snapshot();
      const closed = await expectCode(
        'RESTORE_WINDOW_CLOSED',
        restoreCustomerUser(deps, partner.admin, customer.org.id, bob.id),
      );
      expect(closed.detail).toContain(new Date(T0.getTime() + 30 * DAY * 1000).toISOString());
      expect(snapshot()).toEqual(before);
      expect(stored(bob.id).status).toBe('INACTIVE');
      expect(p.directory.accounts.get(bob.id)?.disabled).toBe(true);
    });

    it('restores a global admin only with GLOBAL_ADMINISTRATOR, counting it again', async () => {
      const global = await grant(['GLOBAL_ADMINISTRATOR']);
      const gia = (await create('gia', { adminRole: 'GLOBAL_ADMIN' })).user;
      await deleteCustomerUser(deps, partner.admin, customer.org.id, gia.id);
      expect(customerOrg().globalAdminCount).toBe(1);
      await terminateAdminRelationship(onBehalf, partner.admin, global);
      await grant(['USER_ADMINISTRATOR']);
      const before = snapshot();
      const refused = await expectCode(
        'ADMIN_RELATIONSHIP_REQUIRED',
        restoreCustomerUser(deps, partner.admin, customer.org.id, gia.id),
      );
      expect(refused.detail).toContain('GLOBAL_ADMINISTRATOR');
      expect(snapshot()).toEqual(before);
      await grant(['GLOBAL_ADMINISTRATOR']);
      await restoreCustomerUser(deps, partner.admin, customer.org.id, gia.id);
      expect(customerOrg().globalAdminCount).toBe(2);
      expect(stored(gia.id).status).toBe('ACTIVE');
    });
  });

  describe('licenses', () => {
    let bob: Principal;

    beforeEach(async () => {
      await grant(['USER_ADMINISTRATOR', 'LICENSE_ADMINISTRATOR']);
      bob = await addUser(p, customer.org, 'bob', 'NONE', 'NONE');
    });

    it('lists the seats of ACTIVE and SUSPENDED subscriptions only', async () => {
      subscription('s1', { quantity: 5, assignedLicenses: 2 });
      subscription('s2', { quantity: 3, assignedLicenses: 1, status: 'SUSPENDED' });
      subscription('s3', { status: 'CANCELED' });
      subscription('s4', { status: 'EXPIRED' });
      subscription('s5', { quantity: 4, assignedLicenses: 4 });
      subscription('x1', { customerId: outsider.org.id });
      const listed = await listLicenses(deps, partner.admin, customer.org.id, { limit: 25 });
      expect([...listed.items].sort((a, b) => a.subscriptionId.localeCompare(b.subscriptionId))).toEqual([
        {
          subscriptionId: 's1',
          offerId: 'offer-s1',
          offerName: 'Offer s1',
          total: 5,
          assigned: 2,
          available: 3,
          status: 'ACTIVE',
        },
        {
          subscriptionId: 's2',
          offerId: 'offer-s2',
          offerName: 'Offer s2',
          total: 3,
          assigned: 1,
          available: 0,
          status: 'SUSPENDED',
        },
        {
          subscriptionId: 's5',
          offerId: 'offer-s5',
          offerName: 'Offer s5',
          total: 4,
          assigned: 4,
          available: 0,
          status: 'ACTIVE',
        },
      ]);
    });

    it('assigns and removes in one call', async () => {
      subscription('s1');
      subscription('s2');
      p.clock.advance(5);
      const first = await licenses(bob.user.id, { assign: ['s1'] });
      expect(first.licenses).toEqual([{ subscriptionId: 's1', offerName: 'Offer s1' }]);
      expect(stored(bob.user.id).licenses).toEqual({
        s1: { offerName: 'Offer s1', assignedAt: new Date(T0.getTime() + 5000).toISOString() },
      });
      expect(sub('s1')).toMatchObject({ assignedLicenses: 1, version: 2 });

      const changed = await licenses(bob.user.id, { assign: ['s2'], remove: ['s1'] });
      expect(changed.licenses).toEqual([{ subscriptionId: 's2', offerName: 'Offer s2' }]);
      expect(Object.keys(stored(bob.user.id).licenses ?? {})).toEqual(['s2']);
      expect(sub('s1').assignedLicenses).toBe(0);
      expect(sub('s2').assignedLicenses).toBe(1);
      expect(customerUsers.records).toEqual([
        {
          operation: 'USER_LICENSES_CHANGED',
          log: partner.org.id,
          customerId: customer.org.id,
          resourceId: bob.user.id,
        },
        {
          operation: 'USER_LICENSES_CHANGED',
          log: partner.org.id,
          customerId: customer.org.id,
          resourceId: bob.user.id,
        },
      ]);
      expect((await getCustomerUser(deps, partner.admin, customer.org.id, bob.user.id)).licenses).toEqual([
        { subscriptionId: 's2', offerName: 'Offer s2' },
      ]);
    });

    it('refuses the whole change when a subscription has no seat left, writing nothing', async () => {
      subscription('s1');
      subscription('full', { quantity: 3, assignedLicenses: 3 });
      subscription('s3');
      await licenses(bob.user.id, { assign: ['s3'] });
      const before = snapshot();
      const records = customerUsers.records.length;
      const userBefore = structuredClone(stored(bob.user.id));

      const exhausted = await expectCode(
        'LICENSES_EXHAUSTED',
        licenses(bob.user.id, { assign: ['s1', 'full'], remove: ['s3'] }),
      );
      expect(exhausted.detail).toContain('Offer full');
      expect(exhausted.detail).toContain('full');
      expect(exhausted.errors).toEqual([{ path: 'body.assign.1', message: expect.any(String) }]);
      expect(snapshot()).toEqual(before);
      expect(stored(bob.user.id)).toEqual(userBefore);
      expect(customerUsers.records).toHaveLength(records);
      expect(sub('s1').assignedLicenses).toBe(0);
      expect(sub('s3').assignedLicenses).toBe(1);
    });

    it('refuses a SUSPENDED subscription, an INACTIVE user, and another customer’s subscription', async () => {
      subscription('sus', { status: 'SUSPENDED' });
      subscription('s1');
      subscription('theirs', { customerId: outsider.org.id });
      const before = snapshot();

      const notActive = await expectCode(
        'SUBSCRIPTION_NOT_ACTIVE',
        licenses(bob.user.id, { assign: ['s1', 'sus'] }),
      );
      expect(notActive.errors).toEqual([{ path: 'body.assign.1', message: expect.any(String) }]);
      await expectCode('NOT_FOUND', licenses(bob.user.id, { assign: ['theirs'] }));
      await expectCode('NOT_FOUND', licenses(bob.user.id, { remove: ['theirs'] }));
      await expectCode('NOT_FOUND', licenses(bob.user.id, { assign: ['no-such-subscription'] }));
      expect(snapshot()).toEqual(before);

      await deleteCustomerUser(deps, partner.admin, customer.org.id, bob.user.id);
      const afterDelete = snapshot();
      const inactive = await expectCode('USER_INACTIVE', licenses(bob.user.id, { assign: ['s1'] }));
      expect(inactive.detail).toContain('restore');
      expect(snapshot()).toEqual(afterDelete);
      expect(sub('s1').assignedLicenses).toBe(0);
    });

    it('changes nothing when assigning a license held (or removing one not held)', async () => {
      subscription('s1');
      subscription('s2');
      await licenses(bob.user.id, { assign: ['s1'] });
      const before = snapshot();
      const records = customerUsers.records.length;
      p.clock.advance(60);
      const again = await licenses(bob.user.id, { assign: ['s1'] });
      expect(again.licenses).toEqual([{ subscriptionId: 's1', offerName: 'Offer s1' }]);
      await licenses(bob.user.id, { remove: ['s2'] });
      expect(snapshot()).toEqual(before);
      expect(customerUsers.records).toHaveLength(records);
      expect(sub('s1').assignedLicenses).toBe(1);
      expect(stored(bob.user.id).licenses?.s1?.assignedAt).toBe(T0.toISOString());
    });

    it('hides a license of a CANCELED subscription and drops it at the next change without a count', async () => {
      subscription('s1');
      subscription('s2');
      subscription('s3');
      await licenses(bob.user.id, { assign: ['s1', 's2'] });
      Object.assign(sub('s1'), { status: 'CANCELED' });

      const shown = await getCustomerUser(deps, partner.admin, customer.org.id, bob.user.id);
      expect(shown.licenses).toEqual([{ subscriptionId: 's2', offerName: 'Offer s2' }]);
      expect(
        (await listLicenses(deps, partner.admin, customer.org.id, { limit: 25 })).items.map(
          (l) => l.subscriptionId,
        ),
      ).not.toContain('s1');

      await licenses(bob.user.id, { assign: ['s3'] });
      expect(Object.keys(stored(bob.user.id).licenses ?? {}).sort()).toEqual(['s2', 's3']);
      expect(sub('s1').assignedLicenses).toBe(1);
      expect(sub('s2').assignedLicenses).toBe(1);
      expect(sub('s3').assignedLicenses).toBe(1);
    });

    it('removes a license of a CANCELED subscription without a count', async () => {
      subscription('s1');
      await licenses(bob.user.id, { assign: ['s1'] });
      Object.assign(sub('s1'), { status: 'CANCELED' });
      const after = await licenses(bob.user.id, { remove: ['s1'] });
      expect(after.licenses).toEqual([]);
      expect(stored(bob.user.id).licenses).toEqual({});
      expect(sub('s1').assignedLicenses).toBe(1);
    });

    it('removes a license of a SUSPENDED subscription', async () => {
      subscription('s1');
      await licenses(bob.user.id, { assign: ['s1'] });
      Object.assign(sub('s1'), { status: 'SUSPENDED' });
      expect((await getCustomerUser(deps, partner.admin, customer.org.id, bob.user.id)).licenses).toEqual([
        { subscriptionId: 's1', offerName: 'Offer s1' },
      ]);
      const after = await licenses(bob.user.id, { remove: ['s1'] });
      expect(after.licenses).toEqual([]);
      expect(stored(bob.user.id).licenses).toEqual({});
      expect(sub('s1').assignedLicenses).toBe(0);
    });

    it('reads again after a concurrent writer took the last seat, and answers LICENSES_EXHAUSTED', async () => {
      subscription('s1', { quantity: 2, assignedLicenses: 1 });
      let ran = 0;
      customerUsers.beforeNextWrite = () => {
        ran += 1;
        Object.assign(sub('s1'), { assignedLicenses: 2, version: sub('s1').version + 1 });
      };
      const exhausted = await expectCode('LICENSES_EXHAUSTED', licenses(bob.user.id, { assign: ['s1'] }));
      expect(exhausted.errors?.[0]?.path).toBe('body.assign.0');
      expect(ran).toBe(1);
      expect(sub('s1').assignedLicenses).toBe(2);
      expect(stored(bob.user.id).licenses).toBeUndefined();
      expect(customerUsers.records).toEqual([]);
    });

    it('reads again after a concurrent change of the user, and keeps both', async () => {
      subscription('s1');
      subscription('s2');
      customerUsers.beforeNextWrite = () => {
        // Another call assigned s2 meanwhile (the user and the count in one write).
        stored(bob.user.id).licenses = { s2: { offerName: 'Offer s2', assignedAt: T0.toISOString() } };
        sub('s2').assignedLicenses += 1;
      };
      const after = await licenses(bob.user.id, { assign: ['s1'] });
      expect(after.licenses.map((l) => l.subscriptionId).sort()).toEqual(['s1', 's2']);
      expect(sub('s1').assignedLicenses).toBe(1);
      expect(sub('s2').assignedLicenses).toBe(1);
    });

    it('gives out exactly the seats available to concurrent assignments', async () => {
      subscription('s1', { quantity: 2, assignedLicenses: 0 });
      const others = await Promise.all(
        ['cat', 'dan', 'eve', 'fay'].map((n) => addUser(p, customer.org, n, 'NONE', 'NONE')),
      );
      const outcomes = await Promise.allSettled(others.map((u) => licenses(u.user.id, { assign: ['s1'] })));
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(2);
      for (const o of outcomes)
        if (o.status === 'rejected') expect(o.reason).toMatchObject({ code: 'LICENSES_EXHAUSTED' });
      expect(sub('s1').assignedLicenses).toBe(2);
    });

    it('counts the licenses a change assigned once written: none held already, released or refused', async () => {
      subscription('s1');
      subscription('s2');
      subscription('s3', { quantity: 1, assignedLicenses: 1 });

      await licenses(bob.user.id, { assign: ['s1', 's2'] });
      await licenses(bob.user.id, { assign: ['s1'] });
      await licenses(bob.user.id, { remove: ['s2'] });
      await expectCode('LICENSES_EXHAUSTED', licenses(bob.user.id, { assign: ['s2', 's3'] }));

      expect(p.metrics.counted).toEqual([{ metric: 'licenseAssigned', n: 2 }]);
    });
  });

  describe('planLicenses', () => {
    it('plans the counts and drops ended entries', () => {
      const at = T0.toISOString();
      const s = (id: string, over: Partial<SubscriptionRecord>) => subscription(id, over);
      const subs = new Map<string, SubscriptionRecord | undefined>([
        ['a', s('a', {})],
        ['c', s('c', { status: 'CANCELED' })],
        ['u', s('u', { status: 'SUSPENDED' })],
      ]);
      const held = {
        c: { offerName: 'Offer c', assignedAt: at },
        u: { offerName: 'Offer u', assignedAt: at },
      };
      const plan = planLicenses(held, subs, { assign: ['a'], remove: ['u'] }, at);
      expect(plan).toEqual({
        after: { a: { offerName: 'Offer a', assignedAt: at } },
        counts: { assign: ['a'], release: ['u'] },
        changed: true,
      });
      expect(planLicenses({}, subs, { assign: [], remove: ['a'] }, at).changed).toBe(false);
    });
  });
});
