import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { routeList } from '../../functions/routes.ts';
import { signIn, userWithRoles, verifiedAccount } from '../support/identity.ts';
import { call, runtime } from '../support/runtime.ts';

/** API.md's permission matrix, written out again here so the test does not trust the code it checks. */
const GRANTS: Record<string, string[]> = {
  ADMIN_AGENT: [
    'customers:read',
    'customers:requestRelationship',
    'customers:administer',
    'serviceHealth:read',
    'customerServiceRequests:manage',
    'leads:manage',
    'indirectProviders:read',
    'indirectResellers:read',
    'indirectResellers:invite',
    'orders:submit',
    'delegatedAdmin:request',
  ],
  HELPDESK_AGENT: [
    'customers:read',
    'customers:administer',
    'serviceHealth:read',
    'customerServiceRequests:manage',
    'indirectProviders:read',
    'indirectResellers:read',
  ],
  GLOBAL_ADMIN: [
    'users:manage',
    'partnerProfile:read',
    'partnerProfile:update',
    'customers:read',
    'customers:requestRelationship',
    'customers:administer',
    'serviceHealth:read',
    'customerServiceRequests:manage',
    'partnerSupportTickets:manage',
    'leads:manage',
    'indirectProviders:read',
    'indirectProviders:authorize',
    'indirectResellers:read',
    'indirectResellers:invite',
    'orders:submit',
    'delegatedAdmin:request',
    'activity:read',
    'webhooks:manage',
  ],
  USER_MANAGEMENT_ADMIN: ['users:manage', 'partnerProfile:read', 'activity:read'],
  NONE: [],
};

const AGENTS = ['ADMIN_AGENT', 'HELPDESK_AGENT', 'NONE'];
const ADMINS = ['GLOBAL_ADMIN', 'USER_MANAGEMENT_ADMIN', 'NONE'];
const combos = AGENTS.flatMap((agent) => ADMINS.map((admin) => ({ agent, admin }))).filter(
  (c) => c.agent !== 'NONE' || c.admin !== 'NONE',
);

type Caller = {
  name: string;
  token?: string;
  kind: 'anonymous' | 'operator' | 'partner';
  grants: Set<string>;
  globalAdmin?: boolean;
};

const protectedRoutes = routeList.filter((r) => r.auth !== 'public');
const concretePath = (path: string) => path.replace(/\{\w+\}/g, () => randomUUID());

function expectation(route: (typeof routeList)[number], caller: Caller): 'allowed' | 401 | 403 {
  if (caller.kind === 'anonymous') return 401;
  if (route.auth === 'operator') return caller.kind === 'operator' ? 'allowed' : 403;
  if (!route.permission) return 403;
  if (route.permission === 'ANY_SIGNED_IN') return 'allowed';
  if (caller.kind === 'operator') return 403;
  if (route.permission === 'ANY_PARTNER_USER') return 'allowed';
  if (route.permission === 'GLOBAL_ADMIN') return caller.globalAdmin ? 'allowed' : 403;
  return caller.grants.has(route.permission) ? 'allowed' : 403;
}

describe('every route × every caller', () => {
  const callers: Caller[] = [];

  beforeAll(async () => {
    const account = await verifiedAccount();
    callers.push({ name: 'no token', kind: 'anonymous', grants: new Set() });
    callers.push({
      name: 'operator',
      kind: 'operator',
      grants: new Set(),
      token: await signIn(runtime.operator.email, runtime.operator.password),
    });
    for (const { agent, admin } of combos) {
      const token =
        agent === 'NONE' && admin === 'GLOBAL_ADMIN'
          ? account.token
          : (await userWithRoles(account.token, account.domain, agent, admin)).token;
      callers.push({
        name: `${agent}+${admin}`,
        kind: 'partner',
        token,
        grants: new Set([...(GRANTS[agent] ?? []), ...(GRANTS[admin] ?? [])]),
        globalAdmin: admin === 'GLOBAL_ADMIN',
      });
    }
  }, 120_000);

  it('has a permission or operator auth on every protected route (deny by default)', () => {
    for (const route of protectedRoutes) {
      expect(
        route.auth === 'operator' || route.permission !== undefined,
        `${route.method} ${route.path}`,
      ).toBe(true);
    }
  });

  it('allows and denies exactly as the matrix says', async () => {
    expect(callers).toHaveLength(2 + 8);
    const mismatches: string[] = [];
    for (const route of protectedRoutes) {
      for (const caller of callers) {
        const body = route.method === 'GET' || route.method === 'DELETE' ? undefined : {};
        const res = await call(route.method, concretePath(route.path), {
          ...(caller.token ? { token: caller.token } : {}),
          ...(body ? { body } : {}),
        });
        const expected = expectation(route, caller);
        const actual = res.status === 401 || res.status === 403 ? res.status : 'allowed';
        if (actual !== expected)
          mismatches.push(
            `${route.method} ${route.path} as ${caller.name}: expected ${expected}, got ${res.status} ${res.body?.code ?? ''}`,
          );
        if (res.status === 403) expect(res.body.code).toBe('FORBIDDEN');
      }
    }
    expect(mismatches).toEqual([]);
  }, 120_000);
});
