import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../functions/platform/data/table.ts';
import { type Account, PASSWORD, userWithRoles, verifiedAccount } from '../support/identity.ts';
import { call, dynamo, tableName } from '../support/runtime.ts';

const newUser = (domain: string, over: Record<string, string> = {}) => ({
  firstName: 'Lee',
  lastName: 'User',
  email: `lee-${randomUUID().slice(0, 8)}@${domain}`,
  agentRole: 'HELPDESK_AGENT',
  adminRole: 'NONE',
  ...over,
});

describe('partner users', () => {
  let org: Account;
  beforeAll(async () => {
    org = await verifiedAccount();
  });

  it('adds a user whose temporary password is shown once and must be changed at first sign-in', async () => {
    const body = newUser(org.domain);
    const res = await call('POST', '/users', { token: org.token, body });
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body.user).toEqual({
      id: expect.any(String),
      email: body.email,
      firstName: 'Lee',
      lastName: 'User',
      agentRole: 'HELPDESK_AGENT',
      adminRole: 'NONE',
      status: 'MUST_CHANGE_PASSWORD',
    });
    const temporary = res.body.temporaryPassword as string;
    expect(temporary).toMatch(/^(?=.*[A-Z])(?=.*[a-z])(?=.*\d).{12,}$/);
    const stored = (
      await dynamo.send(new GetCommand({ TableName: tableName, Key: keys.user(res.body.user.id) }))
    ).Item;
    expect(JSON.stringify(stored)).not.toContain(temporary);

    const got = await call('GET', `/users/${res.body.user.id}`, { token: org.token });
    expect(got.status).toBe(200);
    expect(got.body).not.toHaveProperty('temporaryPassword');

    const first = await call('POST', '/auth/sign-in', { body: { email: body.email, password: temporary } });
    expect(first.body.challenge).toBe('NEW_PASSWORD_REQUIRED');
    const done = await call('POST', '/auth/new-password', {
      body: { email: body.email, session: first.body.session, newPassword: PASSWORD },
    });
    expect(done.status).toBe(200);
    expect((await call('GET', `/users/${res.body.user.id}`, { token: org.token })).body.status).toBe(
      'ACTIVE',
    );
  });

  it('refuses EMAIL_TAKEN, EMAIL_DOMAIN_MISMATCH and both roles NONE', async () => {
    const body = newUser(org.domain);
    expect((await call('POST', '/users', { token: org.token, body })).status).toBe(201);
    const taken = await call('POST', '/users', { token: org.token, body });
    expect(taken.status).toBe(409);
    expect(taken.body.code).toBe('EMAIL_TAKEN');
    const off = await call('POST', '/users', { token: org.token, body: newUser('elsewhere.example') });
    expect(off.status).toBe(422);
    expect(off.body.code).toBe('EMAIL_DOMAIN_MISMATCH');
    const none = await call('POST', '/users', {
      token: org.token,
      body: newUser(org.domain, { agentRole: 'NONE', adminRole: 'NONE' }),
    });
    expect(none.status).toBe(400);
    expect(none.body.code).toBe('VALIDATION_FAILED');
    expect(none.body.errors[0].path).toBe('body.adminRole');
  });

  it('lists users with cursor pagination', async () => {
    const fresh = await verifiedAccount();
    for (let i = 0; i < 3; i++)
      await call('POST', '/users', { token: fresh.token, body: newUser(fresh.domain) });
    const first = await call('GET', '/users?limit=2', { token: fresh.token });
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await call('GET', `/users?limit=2&cursor=${first.body.nextCursor}`, {
      token: fresh.token,
    });
    expect(second.body.items).toHaveLength(2);
    const emails = [...first.body.items, ...second.body.items].map((u: { email: string }) => u.email);
    expect(new Set(emails).size).toBe(4);
    expect(emails).toContain(fresh.email);
    const bad = await call('GET', '/users?limit=0', { token: fresh.token });
    expect(bad.status).toBe(400);
    const foreign = await call('GET', `/users?cursor=${first.body.nextCursor}`, { token: org.token });
    expect(foreign.status).toBe(400);
  });

  it('updates roles and names, and refuses to demote or delete the last global admin', async () => {
    const fresh = await verifiedAccount();
    const me = (await call('GET', '/me', { token: fresh.token })).body.user;
    const demote = await call('PATCH', `/users/${me.id}`, {
      token: fresh.token,
      body: { adminRole: 'USER_MANAGEMENT_ADMIN' },
    });
    expect(demote.status).toBe(409);
    expect(demote.body.code).toBe('LAST_GLOBAL_ADMIN');
    const del = await call('DELETE', `/users/${me.id}`, { token: fresh.token });
    expect(del.status).toBe(409);
    expect(del.body.code).toBe('LAST_GLOBAL_ADMIN');

    const second = await call('POST', '/users', {
      token: fresh.token,
      body: newUser(fresh.domain, { agentRole: 'NONE', adminRole: 'GLOBAL_ADMIN' }),
    });
    const renamed = await call('PATCH', `/users/${me.id}`, {
      token: fresh.token,
      body: { firstName: 'Ada-Lovelace', adminRole: 'NONE', agentRole: 'ADMIN_AGENT' },
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({
      firstName: 'Ada-Lovelace',
      adminRole: 'NONE',
      agentRole: 'ADMIN_AGENT',
    });
    // The demoted user lost users:manage at once: roles come from the table, not the token.
    expect((await call('GET', '/users', { token: fresh.token })).status).toBe(403);
    const noneBoth = await call('PATCH', `/users/${me.id}`, {
      token: fresh.token,
      body: { agentRole: 'NONE' },
    });
    expect(noneBoth.status).toBe(403);
    expect((await call('GET', `/users/${second.body.user.id}`, { token: fresh.token })).status).toBe(403);
  });

  it('refuses both-NONE on update and deletes a user with their sign-in', async () => {
    const fresh = await verifiedAccount();
    const lee = await userWithRoles(fresh.token, fresh.domain, 'HELPDESK_AGENT', 'NONE');
    const none = await call('PATCH', `/users/${lee.id}`, { token: fresh.token, body: { agentRole: 'NONE' } });
    expect(none.status).toBe(400);
    const empty = await call('PATCH', `/users/${lee.id}`, { token: fresh.token, body: {} });
    expect(empty.status).toBe(400);
    const del = await call('DELETE', `/users/${lee.id}`, { token: fresh.token });
    expect(del.status).toBe(204);
    expect((await call('GET', `/users/${lee.id}`, { token: fresh.token })).status).toBe(404);
    expect(
      (await call('POST', '/auth/sign-in', { body: { email: lee.email, password: PASSWORD } })).status,
    ).toBe(401);
    expect((await call('GET', '/me', { token: lee.token })).status).toBe(403);
  });

  it('keeps global admins out of a user management admin’s reach', async () => {
    const fresh = await verifiedAccount();
    const uma = await userWithRoles(fresh.token, fresh.domain, 'NONE', 'USER_MANAGEMENT_ADMIN');
    const me = (await call('GET', '/me', { token: fresh.token })).body.user;
    const grant = await call('POST', '/users', {
      token: uma.token,
      body: newUser(fresh.domain, { adminRole: 'GLOBAL_ADMIN' }),
    });
    expect(grant.status).toBe(403);
    expect(grant.body.code).toBe('FORBIDDEN');
    expect((await call('POST', `/users/${me.id}/reset-password`, { token: uma.token })).status).toBe(403);
    expect(
      (await call('PATCH', `/users/${me.id}`, { token: uma.token, body: { firstName: 'X' } })).status,
    ).toBe(403);
    expect((await call('DELETE', `/users/${me.id}`, { token: uma.token })).status).toBe(403);
    const helpdesk = await userWithRoles(fresh.token, fresh.domain, 'HELPDESK_AGENT', 'NONE');
    const promote = await call('PATCH', `/users/${helpdesk.id}`, {
      token: uma.token,
      body: { adminRole: 'GLOBAL_ADMIN' },
    });
    expect(promote.status).toBe(403);
    const reset = await call('POST', `/users/${helpdesk.id}/reset-password`, { token: uma.token });
    expect(reset.status).toBe(200);
    const first = await call('POST', '/auth/sign-in', {
      body: { email: helpdesk.email, password: reset.body.temporaryPassword },
    });
    expect(first.body.challenge).toBe('NEW_PASSWORD_REQUIRED');
    expect(
      (await call('POST', '/auth/sign-in', { body: { email: helpdesk.email, password: PASSWORD } })).status,
    ).toBe(401);
  });

  it('answers 404 for another organization’s users on every user route', async () => {
    const other = await verifiedAccount();
    const theirs = await userWithRoles(other.token, other.domain, 'ADMIN_AGENT', 'NONE');
    const id = theirs.id;
    const attempts = [
      await call('GET', `/users/${id}`, { token: org.token }),
      await call('PATCH', `/users/${id}`, { token: org.token, body: { firstName: 'Mallory' } }),
      await call('DELETE', `/users/${id}`, { token: org.token }),
      await call('POST', `/users/${id}/reset-password`, { token: org.token }),
    ];
    for (const res of attempts) {
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('NOT_FOUND');
    }
    const list = await call('GET', '/users?limit=100', { token: org.token });
    expect(list.body.items.map((u: { id: string }) => u.id)).not.toContain(id);
    expect((await call('GET', `/users/${id}`, { token: other.token })).body.firstName).toBe('Uma');
  });
});
