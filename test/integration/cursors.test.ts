import { beforeAll, describe, expect, it } from 'vitest';
import { encodeKey, expectCursorRefused, tampered, withCursor } from '../support/cursors.ts';
import { indirectProvider, mpnProfile, operatorToken, submit } from '../support/enrollment.ts';
import { type Account, uniqueDomain, userWithRoles, verifiedAccount } from '../support/identity.ts';
import { call } from '../support/runtime.ts';

describe('tampered list cursors answer 400 VALIDATION_FAILED', () => {
  let admin: Account;
  let usersCursor: string;
  let operator: string;
  let enrollmentsCursor: string;
  beforeAll(async () => {
    admin = await verifiedAccount();
    await userWithRoles(admin.token, admin.domain, 'HELPDESK_AGENT', 'NONE');
    operator = await operatorToken();
    // Two enrollments at least, so the operator's first page of one has a next page.
    await Promise.all(
      [0, 1].map(async () => submit(await verifiedAccount(), await mpnProfile({ token: operator }))),
    );
    const users = await call('GET', '/users?limit=1', { token: admin.token });
    expect(users.status).toBe(200);
    usersCursor = users.body.nextCursor;
    const enrollments = await call('GET', '/operator/enrollments?limit=1', { token: operator });
    expect(enrollments.status).toBe(200);
    enrollmentsCursor = enrollments.body.nextCursor;
  }, 120_000);

  it('GET /users: its own cursor works, a tampered one is refused', async () => {
    expect(usersCursor).toEqual(expect.any(String));
    const next = await call('GET', withCursor('/users', usersCursor), { token: admin.token });
    expect(next.status).toBe(200);
    expect(next.body.items).toHaveLength(1);
    for (const [what, key] of tampered(usersCursor, ['sk', 'gsi1sk'])) {
      await expectCursorRefused('/users', admin.token, encodeKey(key), what);
    }
    // Another organization's cursor is not one of this list either.
    const other = await verifiedAccount();
    await expectCursorRefused('/users', other.token, usersCursor, "another organization's cursor");
  });

  it('GET /operator/enrollments: its own cursor works, a tampered one is refused', async () => {
    expect(enrollmentsCursor).toEqual(expect.any(String));
    const next = await call('GET', withCursor('/operator/enrollments', enrollmentsCursor), {
      token: operator,
    });
    expect(next.status).toBe(200);
    expect(next.body.items).toHaveLength(1);
    for (const [what, key] of tampered(enrollmentsCursor, ['sk', 'gsi2sk'])) {
      await expectCursorRefused('/operator/enrollments', operator, encodeKey(key), what);
    }
    // The all-enrollments cursor (gsi2) is not a cursor of the list by status (gsi1).
    await expectCursorRefused(
      '/operator/enrollments?status=IN_REVIEW',
      operator,
      enrollmentsCursor,
      'a cursor of another list',
    );
  });

  it('GET /invitations: its own cursor works, a tampered one is refused', async () => {
    const provider = await indirectProvider();
    for (const n of [1, 2]) {
      const sent = await call('POST', '/indirect-resellers/invitations', {
        token: provider.token,
        body: { email: `r${n}@${uniqueDomain()}` },
      });
      expect(sent.status).toBe(201);
    }
    const path = '/invitations?direction=sent';
    const first = await call('GET', `${path}&limit=1`, { token: provider.token });
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const next = await call('GET', withCursor(path, first.body.nextCursor), { token: provider.token });
    expect(next.status).toBe(200);
    expect(next.body.items).toHaveLength(1);
    for (const [what, key] of tampered(first.body.nextCursor, ['sk', 'gsi1sk'])) {
      await expectCursorRefused(path, provider.token, encodeKey(key), what);
    }
    await expectCursorRefused(
      '/invitations?direction=received',
      provider.token,
      first.body.nextCursor,
      'a cursor of another list',
    );
  });
});
