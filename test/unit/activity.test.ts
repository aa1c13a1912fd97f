import { describe, expect, it } from 'vitest';
import { listActivity } from '../../functions/activity/domain/activity.ts';
import { webhookUrlProblem } from '../../functions/activity/domain/webhooks.ts';
import type { ActivityQuery, ActivityStore } from '../../functions/activity/ports.ts';
import { asActor, identifyActor } from '../../functions/platform/audit.ts';
import { activityRecord, changesOf } from '../../functions/platform/data/activity.ts';

const NOW = new Date('2026-12-01T12:00:00Z');
const DAY = 86_400_000;

describe('activity records', () => {
  it('name the actor and request of the request that makes the change, SYSTEM outside of one', async () => {
    const base = { organizationId: 'o1', operation: 'USER_CREATED', resourceType: 'user', resourceId: 'u1' };
    expect(activityRecord(base)).toMatchObject({ actor: { kind: 'SYSTEM' }, requestId: 'system' });
    const inRequest = await asActor(
      { actor: { kind: 'USER', userId: 'u9', email: 'ada@contoso.example' }, requestId: 'req-1' },
      async () => activityRecord(base),
    );
    expect(inRequest).toMatchObject({
      actor: { kind: 'USER', userId: 'u9', email: 'ada@contoso.example' },
      requestId: 'req-1',
    });
    // A link's page form signs in inside the handler: later records name that user.
    const identified = await asActor({ actor: { kind: 'USER' }, requestId: 'req-2' }, async () => {
      identifyActor({ kind: 'USER', userId: 'u7', email: 'bob@contoso.example' });
      return activityRecord(base);
    });
    expect(identified.actor).toEqual({ kind: 'USER', userId: 'u7', email: 'bob@contoso.example' });
  });

  it('expire 400 days after the change and keep no empty changes', () => {
    const record = activityRecord({
      organizationId: 'o1',
      operation: 'USER_DELETED',
      resourceType: 'user',
      resourceId: 'u1',
      changes: {},
      at: NOW.toISOString(),
    });
    expect(record.expiresAt).toBe(NOW.getTime() / 1000 + 400 * 86_400);
    expect(record).not.toHaveProperty('changes');
  });

  it.each(['password', 'temporaryPassword', 'token', 'tokenHash', 'secret', 'temporaryPasswordVerifier'])(
    'refuse to hold %s, whatever the operation',
    (field) => {
      expect(() =>
        activityRecord({
          organizationId: 'o1',
          operation: 'USER_UPDATED',
          resourceType: 'user',
          resourceId: 'u1',
          changes: { [field]: ['a', 'b'] },
        }),
      ).toThrow(/never holds/);
    },
  );

  it('list changed fields only, as [before, after]', () => {
    const before = { firstName: 'Ada', lastName: 'L', adminRole: 'NONE', agentRole: 'ADMIN_AGENT' };
    const after = { ...before, firstName: 'Ada M.', adminRole: 'GLOBAL_ADMIN' };
    expect(changesOf(before, after, ['firstName', 'lastName', 'adminRole', 'agentRole'])).toEqual({
      firstName: ['Ada', 'Ada M.'],
      adminRole: ['NONE', 'GLOBAL_ADMIN'],
    });
    expect(changesOf({}, { name: 'Contoso' }, ['name'])).toEqual({ name: [null, 'Contoso'] });
  });
});

describe('GET /activity rules', () => {
  const asked: ActivityQuery[] = [];
  const store: ActivityStore = {
    list: async (q) => {
      asked.push(q);
      return { items: [] };
    },
  };
  const deps = { activities: store, clock: { now: () => NOW } };
  const admin = { user: { orgId: 'o1', adminRole: 'GLOBAL_ADMIN', agentRole: 'NONE' } } as const;
  const userAdmin = { user: { orgId: 'o1', adminRole: 'USER_MANAGEMENT_ADMIN', agentRole: 'NONE' } } as const;

  it('reads the last 90 days of the caller’s own organization by default', async () => {
    await listActivity(deps, userAdmin, { limit: 25 });
    expect(asked.at(-1)).toMatchObject({
      direction: 'outbound',
      organizationId: 'o1',
      from: new Date(NOW.getTime() - 90 * DAY).toISOString(),
      to: NOW.toISOString(),
    });
  });

  it('refuses a window that starts more than 90 days back, or ends before it starts', async () => {
    const from = new Date(NOW.getTime() - 91 * DAY).toISOString();
    await expect(listActivity(deps, admin, { from, limit: 25 })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ path: 'query.from' }],
    });
    await expect(
      listActivity(deps, admin, { from: NOW.toISOString(), to: '2026-11-01T00:00:00Z', limit: 25 }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ path: 'query.to' }] });
    const ok = new Date(NOW.getTime() - 89 * DAY).toISOString();
    await expect(listActivity(deps, admin, { from: ok, limit: 25 })).resolves.toEqual({ items: [] });
  });

  it('shows what partners did in the organization to its global admins only', async () => {
    await expect(listActivity(deps, userAdmin, { direction: 'inbound', limit: 25 })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await listActivity(deps, admin, { direction: 'inbound', limit: 25 });
    expect(asked.at(-1)).toMatchObject({ direction: 'inbound', organizationId: 'o1' });
  });
});

describe('webhook URLs at registration', () => {
  it.each([
    ['https://hooks.contoso.example/csp?x=1', undefined],
    ['http://hooks.contoso.example', 'must use https'],
    ['https://a:b@hooks.contoso.example', /credentials/],
    ['https://0x7f.1/csp', /IP address/],
    ['https://[fe80::1]/csp', /IP address/],
    ['https://LOCALHOST./csp', /localhost/],
    ['https://printer/csp', /public host/],
  ])('%s → %s', (url, expected) => {
    const problem = webhookUrlProblem(url);
    if (expected === undefined) expect(problem).toBeUndefined();
    else expect(problem).toMatch(expected);
  });
});
