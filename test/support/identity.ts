import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { linkStartingWith, waitForEmail } from './mailbox.ts';
import { call, runtime } from './runtime.ts';

export const PASSWORD = 'Str0ng-Passw0rd';

export const uniqueDomain = (prefix = 'acme') => `${prefix}-${randomUUID().slice(0, 8)}.example`;

export function accountBody(
  domain = uniqueDomain(),
  over: { email?: string; password?: string; country?: string } = {},
) {
  return {
    organization: { name: `Org ${domain}`, domain, country: over.country ?? 'ES' },
    admin: {
      firstName: 'Ada',
      lastName: 'Admin',
      email: over.email ?? `ada@${domain}`,
      password: over.password ?? PASSWORD,
    },
  };
}

/** The token of the verification email last sent to `email`. */
export async function verificationToken(email: string): Promise<string> {
  const mail = await waitForEmail(email, { subject: /Verify your email/ });
  const link = linkStartingWith(mail, `${runtime.apiUrl}/accounts/verify?token=`);
  return new URL(link).searchParams.get('token') ?? '';
}

export async function signIn(email: string, password: string): Promise<string> {
  const res = await call('POST', '/auth/sign-in', { body: { email, password } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.accessToken as string;
}

export interface Account {
  orgId: string;
  userId: string;
  domain: string;
  email: string;
  token: string;
}

/** A work account (of an organization in `country`, ES by default) created, verified by its emailed link and signed in, through HTTP only. */
export async function verifiedAccount(domain = uniqueDomain(), country?: string): Promise<Account> {
  const body = accountBody(domain, country ? { country } : {});
  const created = await call('POST', '/accounts', { body });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const verified = await call('POST', '/accounts/verify', {
    body: { token: await verificationToken(body.admin.email) },
  });
  expect(verified.status).toBe(200);
  return {
    orgId: created.body.organizationId,
    userId: created.body.userId,
    domain,
    email: body.admin.email,
    token: await signIn(body.admin.email, PASSWORD),
  };
}

/** A user added by `adminToken` with the given roles, through the first sign-in's new password. */
export async function userWithRoles(
  adminToken: string,
  domain: string,
  agentRole: string,
  adminRole: string,
) {
  const email = `${agentRole}-${adminRole}-${randomUUID().slice(0, 6)}@${domain}`.toLowerCase();
  const created = await call('POST', '/users', {
    token: adminToken,
    body: { firstName: 'Uma', lastName: 'User', email, agentRole, adminRole },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const first = await call('POST', '/auth/sign-in', {
    body: { email, password: created.body.temporaryPassword },
  });
  expect(first.body.challenge).toBe('NEW_PASSWORD_REQUIRED');
  const done = await call('POST', '/auth/new-password', {
    body: { email, session: first.body.session, newPassword: PASSWORD },
  });
  expect(done.status).toBe(200);
  return { id: created.body.user.id as string, email, token: done.body.accessToken as string };
}
