import { randomInt } from 'node:crypto';
import { expect } from 'vitest';
import { enrollmentBody } from './bodies.ts';
import { type Account, PASSWORD, signIn, uniqueDomain, verifiedAccount } from './identity.ts';
import { emailsSince, linkStartingWith, waitForEmail } from './mailbox.ts';
import { call, eventually, runtime } from './runtime.ts';

export const operatorToken = () => signIn(runtime.operator.email, runtime.operator.password);

/** A fresh partner network profile, created the way operators do. */
export async function mpnProfile(
  opts: {
    country?: string;
    status?: 'ACTIVE' | 'INACTIVE';
    token?: string;
    existingCustomers?: Array<{ name: string; domain: string; country: string }>;
  } = {},
) {
  const mpnId = String(randomInt(10_000_000, 99_999_999));
  const res = await call('PUT', `/operator/partner-network/${mpnId}`, {
    token: opts.token ?? (await operatorToken()),
    body: {
      legalName: `Partner ${mpnId} Ltd`,
      country: opts.country ?? 'ES',
      status: opts.status ?? 'ACTIVE',
      ...(opts.existingCustomers ? { existingCustomers: opts.existingCustomers } : {}),
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return mpnId;
}

export { enrollmentBody };

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

/**
 * The verification tokens of many contacts, each as soon as its email arrives: one poller reads
 * the mailbox for all of them (fifty pollers each reading the whole mailbox would be the load).
 */
export function enrollmentTokensAsTheyArrive(
  emails: string[],
  opts: { since?: number; timeoutMs?: number } = {},
): Map<string, Promise<string>> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const waiting = new Map<string, { resolve(token: string): void; reject(error: Error): void }>();
  const tokens = new Map(
    emails.map((email) => [
      email,
      new Promise<string>((resolve, reject) => waiting.set(email, { resolve, reject })),
    ]),
  );
  void (async () => {
    const deadline = Date.now() + timeoutMs;
    while (waiting.size > 0) {
      for (const mail of await emailsSince(opts.since ?? 0)) {
        const to = mail.destination.to.find((address) => waiting.has(address));
        if (!to || !(mail.body.text ?? '').includes(VERIFY())) continue;
        const token = new URL(linkStartingWith(mail, VERIFY())).searchParams.get('token');
        if (token) {
          waiting.get(to)?.resolve(token);
          waiting.delete(to);
        }
      }
      if (Date.now() > deadline)
        for (const [email, w] of waiting) {
          w.reject(new Error(`No enrollment verification email to ${email} within ${timeoutMs} ms`));
          waiting.delete(email);
        }
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return tokens;
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

/** A work account whose reseller enrollment went all the way to APPROVED, through HTTP and the mailbox. */
export async function approvedReseller(): Promise<Account> {
  return enrolledAsReseller(await verifiedAccount());
}

/**
 * `account`'s organization (a work account or an indirect provider) enrolled and approved as a
 * reseller, with the MPN ID it enrolled with (recorded on the orders it is reseller of record of).
 */
export async function enrolledAsReseller(
  account: Account,
  profile: Pick<Parameters<typeof mpnProfile>[0] & object, 'existingCustomers'> = {},
): Promise<Account & { mpnId: string; enrollmentId: string }> {
  const op = await operatorToken();
  const mpnId = await mpnProfile({ token: op, ...profile });
  const enrollmentId = await submit(account, mpnId);
  const verified = await call('POST', '/enrollments/verify', {
    body: { token: await enrollmentToken(`paz@${account.domain}`) },
  });
  expect(verified.status).toBe(200);
  await waitForStatus(account, enrollmentId, 'IN_REVIEW');
  const decided = await call('POST', `/operator/enrollments/${enrollmentId}/decision`, {
    token: op,
    body: { decision: 'APPROVE' },
  });
  expect(decided.status).toBe(202);
  await waitForStatus(account, enrollmentId, 'APPROVED');
  return { ...account, mpnId, enrollmentId };
}

/** An indirect provider created by the operator, its admin past the first-sign-in password change. */
export async function indirectProvider(): Promise<Account> {
  const domain = uniqueDomain('dist');
  const email = `pat@${domain}`;
  const created = await call('POST', '/operator/indirect-providers', {
    token: await operatorToken(),
    body: {
      organization: { name: `Distributor ${domain}`, domain, country: 'ES' },
      admin: { firstName: 'Pat', lastName: 'Provider', email },
    },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const first = await call('POST', '/auth/sign-in', {
    body: { email, password: created.body.temporaryPassword },
  });
  const done = await call('POST', '/auth/new-password', {
    body: { email, session: first.body.session, newPassword: PASSWORD },
  });
  expect(done.status).toBe(200);
  return {
    orgId: created.body.organizationId,
    userId: created.body.userId,
    domain,
    email,
    token: done.body.accessToken,
  };
}
