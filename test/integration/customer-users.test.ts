import { randomUUID } from 'node:crypto';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../functions/platform/data/table.ts';
import {
  act,
  boughtSubscription,
  type CommerceWorld,
  commerceWorld,
  line,
  patch,
  subscription,
} from '../support/commerce.ts';
import { type Account, PASSWORD } from '../support/identity.ts';
import { expectProblem } from '../support/problems.ts';
import { acceptedCustomer, approvedRelationship } from '../support/relationships.ts';
import { call, dynamo, eventually, tableName } from '../support/runtime.ts';

const usersPath = (customerId: string, userId = '', action = '') =>
  `/customers/${customerId}/users${userId ? `/${userId}` : ''}${action ? `/${action}` : ''}`;
const licensesPath = (customerId: string) => `/customers/${customerId}/licenses`;

let n = 0;
const newUserBody = (customer: Account, over: Record<string, unknown> = {}) => ({
  firstName: 'Lena',
  lastName: `User ${++n}`,
  email: `lena.${n}.${randomUUID().slice(0, 6)}@${customer.domain}`,
  usageLocation: 'ES',
  ...over,
});

/** A user of the customer made on behalf by `as`: its body and temporary password. */
async function createdUser(as: { token: string }, customer: Account, over: Record<string, unknown> = {}) {
  const res = await call('POST', usersPath(customer.orgId), {
    token: as.token,
    body: newUserBody(customer, over),
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { user: { id: string; email: string }; temporaryPassword: string };
}

const changeLicenses = (as: { token: string }, customerId: string, userId: string, body: unknown) =>
  call('POST', usersPath(customerId, userId, 'licenses'), { token: as.token, body });

async function seats(as: { token: string }, customerId: string, subscriptionId: string) {
  const res = await call('GET', licensesPath(customerId), { token: as.token });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return (res.body.items as Array<{ subscriptionId: string }>).find(
    (l) => l.subscriptionId === subscriptionId,
  );
}

/** The Default relationship is made by a stream consumer: wait until the partner can read the users. */
const defaultRelationshipOf = (partner: { token: string }, customerId: string) =>
  eventually(
    async () =>
      (await call('GET', usersPath(customerId), { token: partner.token })).status === 200 ? true : undefined,
    15_000,
    'the Default admin relationship',
  );

const signInAs = (email: string, password: string) =>
  call('POST', '/auth/sign-in', { body: { email, password } });

describe('customer users and licenses, on behalf', () => {
  let world: CommerceWorld;
  let customer: Account;
  beforeAll(async () => {
    world = await commerceWorld();
    customer = world.customer;
    await defaultRelationshipOf(world.reseller, customer.orgId);
  }, 180_000);

  it('creates a user with a temporary password shown once: forced change at the first sign-in, listed and read', async () => {
    const res = await call('POST', usersPath(customer.orgId), {
      token: world.reseller.token,
      body: newUserBody(customer, { usageLocation: 'fr' }),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const { user, temporaryPassword } = res.body;
    expect(user).toMatchObject({ usageLocation: 'FR', adminRole: 'NONE', state: 'ACTIVE', licenses: [] });
    expect(temporaryPassword.length).toBeGreaterThanOrEqual(12);

    const first = await signInAs(user.email, temporaryPassword);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.challenge).toBe('NEW_PASSWORD_REQUIRED');
    const changed = await call('POST', '/auth/new-password', {
      body: { email: user.email, session: first.body.session, newPassword: PASSWORD },
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body.accessToken).toBeTruthy();

    const read = await call('GET', usersPath(customer.orgId, user.id), { token: world.reseller.token });
    expect(read.status, JSON.stringify(read.body)).toBe(200);
    expect(read.body).toEqual(user);
    const listed = await call('GET', `${usersPath(customer.orgId)}?limit=100`, {
      token: world.provider.token,
    });
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((u: { id: string }) => u.id)).toContain(user.id);
    // The customer's own admin sees the user in its organization too.
    const own = await call('GET', `/users/${user.id}`, { token: customer.token });
    expect(own.status, JSON.stringify(own.body)).toBe(200);
  });

  it('refuses EMAIL_TAKEN, EMAIL_DOMAIN_MISMATCH, a bad usage location, and a global admin without GLOBAL_ADMINISTRATOR', async () => {
    const { user } = await createdUser(world.reseller, customer);
    const post = (body: unknown) =>
      call('POST', usersPath(customer.orgId), { token: world.reseller.token, body });
    expectProblem(await post(newUserBody(customer, { email: user.email })), 409, 'EMAIL_TAKEN');
    expectProblem(
      await post(newUserBody(customer, { email: 'lena@elsewhere.example' })),
      422,
      'EMAIL_DOMAIN_MISMATCH',
    );
    const location = await post(newUserBody(customer, { usageLocation: 'XX' }));
    expectProblem(location, 400, 'VALIDATION_FAILED');
    expect(location.body.errors?.map((e: { path: string }) => e.path)).toEqual(['body.usageLocation']);
    const admin = await post(newUserBody(customer, { adminRole: 'GLOBAL_ADMIN' }));
    expectProblem(admin, 403, 'ADMIN_RELATIONSHIP_REQUIRED');
    expect(admin.body.detail).toContain('GLOBAL_ADMINISTRATOR');
  });

  it('assigns and removes licenses all or nothing; seats, the subscription and its etag follow', async () => {
    const sub = await boughtSubscription(world, line('m365-e3', 3, 'P1M', 'MONTHLY'));
    const other = await boughtSubscription(world, line('m365-business-basic', 1, 'P1M', 'MONTHLY'));
    const [a, b] = [await createdUser(world.reseller, customer), await createdUser(world.reseller, customer)];
    expect(await seats(world.reseller, customer.orgId, sub.subscriptionId)).toEqual({
      subscriptionId: sub.subscriptionId,
      offerId: 'm365-e3',
      offerName: sub.offerName,
      total: 3,
      assigned: 0,
      available: 3,
      status: 'ACTIVE',
    });

    const assigned = await changeLicenses(world.reseller, customer.orgId, a.user.id, {
      assign: [sub.subscriptionId, other.subscriptionId],
    });
    expect(assigned.status, JSON.stringify(assigned.body)).toBe(200);
    expect(assigned.body.licenses).toEqual(
      expect.arrayContaining([
        { subscriptionId: sub.subscriptionId, offerName: sub.offerName },
        { subscriptionId: other.subscriptionId, offerName: other.offerName },
      ]),
    );
    // `other` is full now: b's call that also asks for `sub` writes nothing.
    const exhausted = await changeLicenses(world.reseller, customer.orgId, b.user.id, {
      assign: [sub.subscriptionId, other.subscriptionId],
    });
    expectProblem(exhausted, 409, 'LICENSES_EXHAUSTED');
    expect(exhausted.body.detail).toContain(other.subscriptionId);
    expect(exhausted.body.errors?.map((e: { path: string }) => e.path)).toEqual(['body.assign.1']);
    expect(await seats(world.reseller, customer.orgId, sub.subscriptionId)).toMatchObject({
      assigned: 1,
      available: 2,
    });
    const bUser = await call('GET', usersPath(customer.orgId, b.user.id), { token: world.reseller.token });
    expect(bUser.body.licenses).toEqual([]);

    // The subscription counts them, and its etag moved: a PATCH on the old one is stale.
    const after = await subscription(world.provider, customer.orgId, sub.subscriptionId);
    expect(after.assignedLicenses).toBe(1);
    expect(after.etag).not.toBe(sub.etag);
    expectProblem(
      await patch(world.provider, customer.orgId, sub.subscriptionId, { quantity: 2 }, sub.etag),
      412,
      'PRECONDITION_FAILED',
    );

    // Move a seat from one subscription to the other in one call; repeating an assignment changes nothing.
    const moved = await changeLicenses(world.reseller, customer.orgId, a.user.id, {
      remove: [other.subscriptionId],
      assign: [sub.subscriptionId],
    });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body.licenses).toEqual([{ subscriptionId: sub.subscriptionId, offerName: sub.offerName }]);
    expect(await seats(world.reseller, customer.orgId, other.subscriptionId)).toMatchObject({
      assigned: 0,
      available: 1,
    });
    expect(await seats(world.reseller, customer.orgId, sub.subscriptionId)).toMatchObject({ assigned: 1 });

    const both = await changeLicenses(world.reseller, customer.orgId, a.user.id, {
      assign: [sub.subscriptionId],
      remove: [sub.subscriptionId],
    });
    expectProblem(both, 400, 'VALIDATION_FAILED');
  });

  it('keeps the quantity at or above the assigned licenses (LICENSES_IN_USE) and releases them when the subscription is canceled', async () => {
    const sub = await boughtSubscription(world, line('m365-e3', 2, 'P1M', 'MONTHLY'));
    const users = [await createdUser(world.reseller, customer), await createdUser(world.reseller, customer)];
    for (const u of users) {
      const res = await changeLicenses(world.provider, customer.orgId, u.user.id, {
        assign: [sub.subscriptionId],
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    }
    const full = await subscription(world.provider, customer.orgId, sub.subscriptionId);
    expectProblem(
      await patch(world.provider, customer.orgId, sub.subscriptionId, { quantity: 1 }, full.etag),
      409,
      'LICENSES_IN_USE',
    );

    const canceled = await act(world.provider, customer.orgId, sub.subscriptionId, 'cancel');
    expect(canceled.status, JSON.stringify(canceled.body)).toBe(200);
    expect(canceled.body.assignedLicenses).toBe(0);
    expect(await seats(world.reseller, customer.orgId, sub.subscriptionId)).toBeUndefined();
    const user = await call('GET', usersPath(customer.orgId, users[0]?.user.id), {
      token: world.reseller.token,
    });
    expect(user.body.licenses).toEqual([]);
  });

  it('refuses SUBSCRIPTION_NOT_ACTIVE, USER_INACTIVE and another customer’s subscription (404)', async () => {
    const sub = await boughtSubscription(world, line('m365-e3', 5, 'P1M', 'MONTHLY'));
    const { user } = await createdUser(world.reseller, customer);
    const suspended = await act(world.provider, customer.orgId, sub.subscriptionId, 'suspend');
    expect(suspended.status, JSON.stringify(suspended.body)).toBe(200);
    const notActive = await changeLicenses(world.reseller, customer.orgId, user.id, {
      assign: [sub.subscriptionId],
    });
    expectProblem(notActive, 409, 'SUBSCRIPTION_NOT_ACTIVE');
    expect(await seats(world.reseller, customer.orgId, sub.subscriptionId)).toMatchObject({
      status: 'SUSPENDED',
      available: 0,
    });
    await act(world.provider, customer.orgId, sub.subscriptionId, 'reactivate');

    const elsewhere = await acceptedCustomer(world.reseller, world.provider.orgId);
    const theirs = await boughtSubscription(world, line('m365-e3', 1, 'P1M', 'MONTHLY'), elsewhere.orgId);
    expectProblem(
      await changeLicenses(world.reseller, customer.orgId, user.id, { assign: [theirs.subscriptionId] }),
      404,
      'NOT_FOUND',
    );

    expect(
      (await call('DELETE', usersPath(customer.orgId, user.id), { token: world.reseller.token })).status,
    ).toBe(204);
    expectProblem(
      await changeLicenses(world.reseller, customer.orgId, user.id, { assign: [sub.subscriptionId] }),
      409,
      'USER_INACTIVE',
    );
  });

  it('of 12 concurrent assignments against 5 free seats, exactly 5 succeed', async () => {
    const sub = await boughtSubscription(world, line('m365-e3', 6, 'P1M', 'MONTHLY'));
    const first = await createdUser(world.reseller, customer);
    expect(
      (await changeLicenses(world.reseller, customer.orgId, first.user.id, { assign: [sub.subscriptionId] }))
        .status,
    ).toBe(200);
    const users = await Promise.all(Array.from({ length: 12 }, () => createdUser(world.reseller, customer)));
    const results = await Promise.all(
      users.map((u) =>
        changeLicenses(world.reseller, customer.orgId, u.user.id, { assign: [sub.subscriptionId] }),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(5);
    expect(results.filter((r) => r.status !== 200).map((r) => r.body.code)).toEqual(
      Array(7).fill('LICENSES_EXHAUSTED'),
    );
    expect(await seats(world.reseller, customer.orgId, sub.subscriptionId)).toMatchObject({
      total: 6,
      assigned: 6,
      available: 0,
    });
    // Every seat counted is held by exactly one user.
    const holders = await Promise.all(
      [first, ...users].map(
        async (u) =>
          (await call('GET', usersPath(customer.orgId, u.user.id), { token: world.reseller.token })).body,
      ),
    );
    expect(holders.filter((h) => h.licenses.length === 1)).toHaveLength(6);
  });

  it('deletes softly: cannot sign in, its token refused, licenses released; restores within the window without its licenses', async () => {
    const sub = await boughtSubscription(world, line('m365-e3', 2, 'P1M', 'MONTHLY'));
    const { user, temporaryPassword } = await createdUser(world.reseller, customer);
    const first = await signInAs(user.email, temporaryPassword);
    const done = await call('POST', '/auth/new-password', {
      body: { email: user.email, session: first.body.session, newPassword: PASSWORD },
    });
    const userToken = done.body.accessToken as string;
    expect((await call('GET', '/me', { token: userToken })).status).toBe(200);
    expect(
      (await changeLicenses(world.reseller, customer.orgId, user.id, { assign: [sub.subscriptionId] }))
        .status,
    ).toBe(200);

    expectProblem(
      await call('POST', usersPath(customer.orgId, user.id, 'restore'), { token: world.reseller.token }),
      409,
      'USER_NOT_DELETED',
    );
    const deleted = await call('DELETE', usersPath(customer.orgId, user.id), { token: world.reseller.token });
    expect(deleted.status, JSON.stringify(deleted.body)).toBe(204);
    const read = await call('GET', usersPath(customer.orgId, user.id), { token: world.reseller.token });
    expect(read.body).toMatchObject({ state: 'INACTIVE', licenses: [] });
    expect(Date.parse(read.body.deletedAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(await seats(world.reseller, customer.orgId, sub.subscriptionId)).toMatchObject({
      assigned: 0,
      available: 2,
    });
    expectProblem(await signInAs(user.email, PASSWORD), 401, 'INVALID_CREDENTIALS');
    // Its unexpired token no longer resolves to a user: refused on its next call.
    expectProblem(await call('GET', '/me', { token: userToken }), 403, 'FORBIDDEN');
    // Deleting again changes nothing.
    expect(
      (await call('DELETE', usersPath(customer.orgId, user.id), { token: world.reseller.token })).status,
    ).toBe(204);

    const restored = await call('POST', usersPath(customer.orgId, user.id, 'restore'), {
      token: world.reseller.token,
    });
    expect(restored.status, JSON.stringify(restored.body)).toBe(200);
    expect(restored.body).toMatchObject({ id: user.id, state: 'ACTIVE', licenses: [] });
    expect(restored.body.deletedAt).toBeUndefined();
    expect((await signInAs(user.email, PASSWORD)).status).toBe(200);
    expect(await seats(world.reseller, customer.orgId, sub.subscriptionId)).toMatchObject({ assigned: 0 });
  });

  it('closes the restore window after 30 days (RESTORE_WINDOW_CLOSED); the email is free again for a new user', async () => {
    const { user } = await createdUser(world.reseller, customer);
    expect(
      (await call('DELETE', usersPath(customer.orgId, user.id), { token: world.reseller.token })).status,
    ).toBe(204);
    // 30 days cannot be waited out: the deletion is moved back in the stored item.
    await dynamo.send(
      new UpdateCommand({
        TableName: tableName,
        Key: keys.user(user.id),
        UpdateExpression: 'SET deletedAt = :at',
        ExpressionAttributeValues: { ':at': new Date(Date.now() - 31 * 86_400_000).toISOString() },
      }),
    );
    const closed = await call('POST', usersPath(customer.orgId, user.id, 'restore'), {
      token: world.reseller.token,
    });
    expectProblem(closed, 410, 'RESTORE_WINDOW_CLOSED');

    const again = await createdUser(world.reseller, customer, { email: user.email });
    expect(again.user.id).not.toBe(user.id);
    const old = await dynamo.send(new GetCommand({ TableName: tableName, Key: keys.user(user.id) }));
    expect(old.Item).toBeUndefined();
  });

  it('protects global admins: GLOBAL_ADMINISTRATOR needed, and the last one cannot be deleted', async () => {
    const target = await call('DELETE', usersPath(customer.orgId, customer.userId), {
      token: world.reseller.token,
    });
    expectProblem(target, 403, 'ADMIN_RELATIONSHIP_REQUIRED');
    expect(target.body.detail).toContain('GLOBAL_ADMINISTRATOR');

    await approvedRelationship(world.provider, customer, ['GLOBAL_ADMINISTRATOR']);
    const last = await call('DELETE', usersPath(customer.orgId, customer.userId), {
      token: world.provider.token,
    });
    expectProblem(last, 409, 'LAST_GLOBAL_ADMIN');
    expect((await call('GET', '/me', { token: customer.token })).status).toBe(200);

    // With a second global admin the first can go, and come back.
    const second = await createdUser(world.provider, customer, { adminRole: 'GLOBAL_ADMIN' });
    expect(
      (await call('DELETE', usersPath(customer.orgId, second.user.id), { token: world.provider.token }))
        .status,
    ).toBe(204);
    const restored = await call('POST', usersPath(customer.orgId, second.user.id, 'restore'), {
      token: world.provider.token,
    });
    expect(restored.status, JSON.stringify(restored.body)).toBe(200);
    expect(restored.body.adminRole).toBe('GLOBAL_ADMIN');
  });

  it('scopes by role: a DIRECTORY_READER-only relationship reads users and licenses and changes nothing', async () => {
    const reader = await acceptedCustomer(world.reseller, undefined, { delegatedAdmin: false });
    await approvedRelationship(world.reseller, reader, ['DIRECTORY_READER']);
    expect((await call('GET', usersPath(reader.orgId), { token: world.reseller.token })).status).toBe(200);
    expect(
      (await call('GET', usersPath(reader.orgId, reader.userId), { token: world.reseller.token })).status,
    ).toBe(200);
    expect((await call('GET', licensesPath(reader.orgId), { token: world.reseller.token })).status).toBe(200);
    const create = await call('POST', usersPath(reader.orgId), {
      token: world.reseller.token,
      body: newUserBody(reader),
    });
    expectProblem(create, 403, 'ADMIN_RELATIONSHIP_REQUIRED');
    expect(create.body.detail).toContain('USER_ADMINISTRATOR');
    const licenses = await changeLicenses(world.reseller, reader.orgId, reader.userId, { assign: ['any'] });
    expectProblem(licenses, 403, 'ADMIN_RELATIONSHIP_REQUIRED');
    expect(licenses.body.detail).toContain('LICENSE_ADMINISTRATOR');
    // An organization without any relationship with that customer learns nothing.
    expectProblem(
      await call('GET', licensesPath(reader.orgId), { token: world.provider.token }),
      404,
      'NOT_FOUND',
    );
  });
});
