/** HTTP helpers shared by the benchmark's parts: JSON requests, the mailbox, verified accounts. */
import { randomInt, randomUUID } from 'node:crypto';

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
  return res.json() as T;
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

/** The body of POST /enrollments for `account`, as the integration tests send it. */
export function enrollmentBody(account: Account, mpnId: string) {
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
  };
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
