import { randomInt } from 'node:crypto';
import { expect } from 'vitest';
import { type Account, signIn } from './identity.ts';
import { emailsSince, linkStartingWith, waitForEmail } from './mailbox.ts';
import { call, eventually, runtime } from './runtime.ts';

export const operatorToken = () => signIn(runtime.operator.email, runtime.operator.password);

/** A fresh partner network profile, created the way operators do. */
export async function mpnProfile(
  opts: { country?: string; status?: 'ACTIVE' | 'INACTIVE'; token?: string } = {},
) {
  const mpnId = String(randomInt(10_000_000, 99_999_999));
  const res = await call('PUT', `/operator/partner-network/${mpnId}`, {
    token: opts.token ?? (await operatorToken()),
    body: {
      legalName: `Partner ${mpnId} Ltd`,
      country: opts.country ?? 'ES',
      status: opts.status ?? 'ACTIVE',
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return mpnId;
}

export function enrollmentBody(account: Account, mpnId: string, over: Record<string, unknown> = {}) {
  return {
    mpnId,
    legalName: `Legal ${account.domain} S.L.`,
    address: { line1: 'Calle Mayor 1', city: 'Madrid', postalCode: '28013', country: 'ES' },
    primaryContact: {
      firstName: 'Paz',
      lastName: 'Contact',
      email: `paz@${account.domain}`,
      phone: '+34 910 000 000',
    },
    supportContact: {
      email: `support@${account.domain}`,
      phone: '+34 910 000 001',
      website: `https://${account.domain}`,
    },
    ...over,
  };
}

export async function submit(account: Account, mpnId: string, over: Record<string, unknown> = {}) {
  const res = await call('POST', '/enrollments', {
    token: account.token,
    body: enrollmentBody(account, mpnId, over),
  });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return res.body.enrollmentId as string;
}

const VERIFY = () => `${runtime.apiUrl}/enrollments/verify?token=`;

/** The token of the latest enrollment verification email to `email` other than `except`. */
export async function enrollmentToken(email: string, except: string[] = []): Promise<string> {
  return eventually(
    async () => {
      const mails = (await emailsSince(0)).filter(
        (m) => m.destination.to.includes(email) && (m.body.text ?? '').includes(VERIFY()),
      );
      const last = mails.at(-1);
      const token = last
        ? (new URL(linkStartingWith(last, VERIFY())).searchParams.get('token') ?? undefined)
        : undefined;
      return token && !except.includes(token) ? token : undefined;
    },
    10_000,
    `an enrollment verification email to ${email}`,
  );
}

/** The newest email to `email` whose subject matches. */
export const mailTo = (email: string, subject: RegExp, timeoutMs = 15_000) =>
  waitForEmail(email, { subject, timeoutMs });

export async function statusOf(account: Account, enrollmentId: string) {
  return (await call('GET', `/enrollments/${enrollmentId}`, { token: account.token })).body;
}

export function waitForStatus(account: Account, enrollmentId: string, status: string, timeoutMs = 15_000) {
  return eventually(
    async () => {
      const e = await statusOf(account, enrollmentId);
      return e.status === status ? e : undefined;
    },
    timeoutMs,
    `enrollment ${enrollmentId} to be ${status}`,
  );
}
