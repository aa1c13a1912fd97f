/** HTTP helpers shared by the benchmark's parts: JSON requests, the mailbox, verified accounts. */
import { randomInt, randomUUID } from 'node:crypto';
import { enrollmentBody } from '../support/bodies.ts';

export const PASSWORD = 'Bench-Passw0rd-2026';

/** One request's outcome: `ok` is false for a non-2xx status (or a missing probe item). */
export interface Outcome {
  ok: boolean;
  status: number | string;
  body: string;
}

export type Response = Outcome & { json: () => unknown };

/** A JSON request with Node's fetch (undici, keep-alive); the body is always read so the socket is reused. */
export async function request(
  url: string,
  init: { method?: string; token?: string; body?: unknown } = {},
): Promise<Response> {
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const body = await res.text();
  return { ok: res.ok, status: res.status, body, json: () => JSON.parse(body) };
}

export async function expectOk<T>(what: string, pending: Promise<Response>): Promise<T> {
  const res = await pending;
  if (!res.ok) throw new Error(`${what} answered ${res.status}: ${res.body}`);
  return (res.body === '' ? undefined : res.json()) as T;
}

export interface StoredEmail {
  messageId: string;
  destination: { to: string[]; cc?: string[]; bcc?: string[] };
  subject: string;
  body: { text?: string; html?: string };
  /** Epoch seconds. */
  at: number;
}

/** Every email the mailbox holds sent at or after `since` (epoch seconds). */
export async function emailsSince(mailboxUrl: string, since = 0): Promise<StoredEmail[]> {
  const { emails } = await expectOk<{ emails: StoredEmail[] }>(
    'mailbox',
    request(`${mailboxUrl}/store?since=${Math.floor(since)}`),
  );
  return emails;
}

/** Polls the mailbox for the newest link starting with `prefix` in an email to `to`; returns its `token`. */
export async function linkToken(
  mailboxUrl: string,
  to: string,
  prefix: string,
  since = Date.now() / 1000 - 60,
): Promise<string> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const mail = (await emailsSince(mailboxUrl, since)).filter((m) => m.destination.to.includes(to)).at(-1);
    const text = `${mail?.body.text ?? ''} ${mail?.body.html ?? ''}`;
    const link = [...text.matchAll(/https?:\/\/[^\s"'<>)]+/g)]
      .map((m) => m[0].replaceAll('&amp;', '&'))
      .find((l) => l.startsWith(prefix));
    if (link) return new URL(link).searchParams.get('token') ?? '';
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`no email to ${to} with a link starting with ${prefix} within 10 s`);
}

export interface Account {
  domain: string;
  email: string;
  /** Only when created with `signIn`. */
  token?: string;
}

/** A verified work account through HTTP only, as a user would: create, confirm the emailed link. */
export async function seedAccount(
  urls: { apiUrl: string; mailboxUrl: string },
  opts: { signIn?: boolean } = {},
): Promise<Account> {
  const domain = `bench-${randomUUID().slice(0, 8)}.example`;
  const email = `ada@${domain}`;
  const since = Date.now() / 1000 - 1;
  await expectOk(
    'POST /accounts',
    request(`${urls.apiUrl}/accounts`, {
      method: 'POST',
      body: {
        organization: { name: `Bench ${domain}`, domain, country: 'ES' },
        admin: { firstName: 'Ada', lastName: 'Bench', email, password: PASSWORD },
      },
    }),
  );
  const token = await linkToken(urls.mailboxUrl, email, `${urls.apiUrl}/accounts/verify?token=`, since);
  await expectOk(
    'POST /accounts/verify',
    request(`${urls.apiUrl}/accounts/verify`, { method: 'POST', body: { token } }),
  );
  if (!opts.signIn) return { domain, email };
  return { domain, email, token: await signIn(urls.apiUrl, email, PASSWORD) };
}

export async function signIn(apiUrl: string, email: string, password: string): Promise<string> {
  const { accessToken } = await expectOk<{ accessToken: string }>(
    'POST /auth/sign-in',
    request(`${apiUrl}/auth/sign-in`, { method: 'POST', body: { email, password } }),
  );
  return accessToken;
}

/** A fresh ACTIVE partner network profile, created the way operators do; returns its MPN ID. */
export async function seedMpnProfile(apiUrl: string, operatorToken: string): Promise<string> {
  const mpnId = String(randomInt(10_000_000, 99_999_999));
  await expectOk(
    `PUT /operator/partner-network/${mpnId}`,
    request(`${apiUrl}/operator/partner-network/${mpnId}`, {
      method: 'PUT',
      token: operatorToken,
      body: { legalName: `Partner ${mpnId} Ltd`, country: 'ES', status: 'ACTIVE' },
    }),
  );
  return mpnId;
}

/** Runs `fn` over `items` with at most `concurrency` in flight. */
export async function pool<T, R>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<R>) {
  const results: R[] = [];
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

/** Calls `probe` every 10 ms until it returns a value. */
export async function poll<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export interface Reseller extends Account {
  token: string;
  orgId: string;
}

/**
 * A verified account whose reseller enrollment went all the way to APPROVED through HTTP and the
 * mailbox, as test/support/enrollment.ts's `approvedReseller` does: submit, confirm the contact's
 * emailed link, wait for the review, approve as the operator.
 */
export async function approvedReseller(
  urls: { apiUrl: string; mailboxUrl: string },
  operatorToken: string,
): Promise<Reseller> {
  const { apiUrl } = urls;
  const account = await seedAccount(urls, { signIn: true });
  const token = account.token ?? '';
  const mpnId = await seedMpnProfile(apiUrl, operatorToken);
  const since = Date.now() / 1000 - 1;
  const { enrollmentId } = await expectOk<{ enrollmentId: string }>(
    'POST /enrollments',
    request(`${apiUrl}/enrollments`, { method: 'POST', token, body: enrollmentBody(account, mpnId) }),
  );
  const verify = await linkToken(
    urls.mailboxUrl,
    `paz@${account.domain}`,
    `${apiUrl}/enrollments/verify?token=`,
    since,
  );
  await expectOk(
    'POST /enrollments/verify',
    request(`${apiUrl}/enrollments/verify`, { method: 'POST', body: { token: verify } }),
  );
  const statusIs = (status: string) =>
    poll(`enrollment ${enrollmentId} to be ${status}`, async () => {
      const enrollment = await expectOk<{ status: string }>(
        'GET /enrollments/{id}',
        request(`${apiUrl}/enrollments/${enrollmentId}`, { token }),
      );
      return enrollment.status === status ? true : undefined;
    });
  await statusIs('IN_REVIEW');
  await expectOk(
    'POST /operator/enrollments/{id}/decision',
    request(`${apiUrl}/operator/enrollments/${enrollmentId}/decision`, {
      method: 'POST',
      token: operatorToken,
      body: { decision: 'APPROVE' },
    }),
  );
  await statusIs('APPROVED');
  const { organization } = await expectOk<{ organization: { id: string } }>(
    'GET /me',
    request(`${apiUrl}/me`, { token }),
  );
  return { ...account, token, orgId: organization.id };
}

export { enrollmentBody };
