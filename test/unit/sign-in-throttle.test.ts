import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import {
  type IdentityDeps,
  SIGN_IN_FAILURE_LIMIT,
  SIGN_IN_FAILURE_WINDOW_SECONDS,
  signIn,
} from '../../functions/identity/domain/accounts.ts';
import {
  identityErrors,
  type SignInFailures,
  type UserRecord,
} from '../../functions/identity/domain/model.ts';
import type { AuthResult, Directory, IdentityStore } from '../../functions/identity/ports.ts';
import { DomainError } from '../../functions/platform/errors.ts';
import { httpHandler } from '../../functions/platform/http/handler.ts';
import { problemOf } from '../../functions/platform/http/problems.ts';
import { asPageWhenForm } from '../../functions/platform/pages/results.ts';
import type { RouteSpec } from '../../functions/routes.ts';

const PASSWORD = 'Str0ng-Passw0rd';
const WRONG = 'Wrong-Passw0rd1';
const T0 = Date.parse('2026-11-01T10:00:00Z');

/** A clock the test moves by hand. */
class TestClock {
  ms = T0;
  now = () => new Date(this.ms);
  advance(seconds: number) {
    this.ms += seconds * 1000;
  }
}

const notUsed = () => {
  throw new Error('not used by sign-in');
};

/** In-memory IdentityStore: users by email, and the failure counter with the adapter's semantics. */
class MemoryIdentityStore {
  users = new Map<string, UserRecord>();
  counters = new Map<string, SignInFailures>();
  calls: string[] = [];

  async getUserByEmail(email: string) {
    this.calls.push('getUserByEmail');
    return this.users.get(email.toLowerCase());
  }
  async getSignInFailures(email: string) {
    this.calls.push('getSignInFailures');
    const counted = this.counters.get(email);
    return counted && { ...counted };
  }
  async recordSignInFailure(email: string, nowSeconds: number, newWindowEndsAt: number) {
    this.calls.push('recordSignInFailure');
    const counted = this.counters.get(email);
    // Like the ADD / SET conditions: one more in an open window, or the first of a new one.
    const next =
      counted && counted.windowEndsAt > nowSeconds
        ? { ...counted, failures: counted.failures + 1 }
        : { failures: 1, windowEndsAt: newWindowEndsAt };
    this.counters.set(email, next);
    return { ...next };
  }
  async clearSignInFailures(email: string) {
    this.calls.push('clearSignInFailures');
    this.counters.delete(email);
  }
}

/** In-memory identity provider: permanent passwords by username; every call is recorded. */
class MemoryDirectory {
  passwords = new Map<string, string>();
  signIns: string[] = [];
  failWith: Error | undefined;

  async signIn(username: string, password: string): Promise<AuthResult> {
    this.signIns.push(username);
    if (this.failWith) throw this.failWith;
    return this.passwords.get(username) === password
      ? { kind: 'tokens', accessToken: `at-${username}`, idToken: 'id', refreshToken: 'rt', expiresIn: 3600 }
      : { kind: 'invalid' };
  }
}

function user(email: string, over: Partial<UserRecord> = {}): UserRecord {
  return {
    id: `user-${email}`,
    orgId: 'org-1',
    email,
    firstName: 'Ada',
    lastName: 'Admin',
    agentRole: 'NONE',
    adminRole: 'GLOBAL_ADMIN',
    status: 'ACTIVE',
    createdAt: new Date(T0).toISOString(),
    ...over,
  };
}

let clock: TestClock;
let store: MemoryIdentityStore;
let directory: MemoryDirectory;
let deps: IdentityDeps;

beforeEach(() => {
  clock = new TestClock();
  store = new MemoryIdentityStore();
  directory = new MemoryDirectory();
  for (const email of ['ada@contoso.example', 'bob@contoso.example']) {
    const u = user(email);
    store.users.set(email, u);
    directory.passwords.set(u.id, PASSWORD);
  }
  deps = {
    store: new Proxy(store, {
      get: (target, name) => (name in target ? Reflect.get(target, name) : notUsed),
    }) as unknown as IdentityStore,
    directory: directory as unknown as Directory,
    mailer: { send: notUsed },
    links: { getLink: notUsed },
    clock,
    publicBaseUrl: 'https://api.example.test',
  };
});

/** The error signIn threw, or undefined when it signed in. */
async function attempt(email: string, password: string): Promise<DomainError | undefined> {
  try {
    await signIn(deps, email, password);
    return undefined;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
}

async function failTimes(email: string, times: number, secondsApart = 0) {
  for (let i = 0; i < times; i++) {
    expect((await attempt(email, WRONG))?.code).toBe('INVALID_CREDENTIALS');
    clock.advance(secondsApart);
  }
}

describe('sign-in throttling per email', () => {
  it('answers RATE_LIMITED after 5 failures, until the window that began at the first one ends', async () => {
    expect(SIGN_IN_FAILURE_LIMIT).toBe(5);
    expect(SIGN_IN_FAILURE_WINDOW_SECONDS).toBe(900);
    // Five failures a minute apart: 10:00 … 10:04; the window ends at 10:15.
    await failTimes('ada@contoso.example', 5, 60);
    expect(directory.signIns).toHaveLength(5);

    const limited = await attempt('ada@contoso.example', WRONG);
    expect(limited).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 900 - 300 });
    expect(limited && problemOf(limited)).toMatchObject({
      status: 429,
      headers: { 'Retry-After': String(900 - 300) },
    });
    expect(limited?.detail).toMatch(/10 minutes/);

    // The right password too, and without asking the identity provider (or even reading the user).
    store.calls = [];
    clock.advance(599);
    const right = await attempt('ada@contoso.example', PASSWORD);
    expect(right?.code).toBe('RATE_LIMITED');
    expect(right?.retryAfterSeconds).toBe(1);
    expect(right?.detail).toMatch(/in 1 minute;/);
    expect(directory.signIns).toHaveLength(5);
    expect(store.calls).toEqual(['getSignInFailures']);

    // 10:15: the window has passed, although the counter item is still there (TTL is late).
    clock.advance(1);
    expect(store.counters.has('ada@contoso.example')).toBe(true);
    expect(await attempt('ada@contoso.example', PASSWORD)).toBeUndefined();
    expect(directory.signIns).toHaveLength(6);
  });

  it('treats an unknown email alike, case and spaces aside, so the answers reveal no account', async () => {
    const emails = ['nobody@contoso.example', 'NoBody@Contoso.example', ' nobody@contoso.example '];
    for (let i = 0; i < 5; i++) {
      const refused = await attempt(emails[i % emails.length] ?? '', WRONG);
      expect(refused?.code).toBe('INVALID_CREDENTIALS');
      expect(refused && problemOf(refused).status).toBe(401);
    }
    const limited = await attempt('NOBODY@contoso.example', WRONG);
    expect(limited?.code).toBe('RATE_LIMITED');
    expect(limited?.retryAfterSeconds).toBe(900);
    expect([...store.counters.keys()]).toEqual(['nobody@contoso.example']);
  });

  it('counts an unverified account’s attempts, even with its right password', async () => {
    const u = user('una@contoso.example', { status: 'PENDING_EMAIL_VERIFICATION' });
    store.users.set(u.email, u);
    directory.passwords.set(u.id, PASSWORD);
    for (let i = 0; i < 5; i++) expect((await attempt(u.email, PASSWORD))?.code).toBe('INVALID_CREDENTIALS');
    expect((await attempt(u.email, PASSWORD))?.code).toBe('RATE_LIMITED');
  });

  it('limits one email only: others sign in meanwhile', async () => {
    await failTimes('ada@contoso.example', 5);
    expect((await attempt('ada@contoso.example', PASSWORD))?.code).toBe('RATE_LIMITED');
    expect(await attempt('bob@contoso.example', PASSWORD)).toBeUndefined();
    expect((await attempt('bob@contoso.example', WRONG))?.code).toBe('INVALID_CREDENTIALS');
  });

  it('forgets the failures after a successful sign-in before the limit', async () => {
    await failTimes('ada@contoso.example', 4);
    expect(await attempt('ada@contoso.example', PASSWORD)).toBeUndefined();
    expect(store.counters.has('ada@contoso.example')).toBe(false);
    await failTimes('ada@contoso.example', 5);
    expect((await attempt('ada@contoso.example', PASSWORD))?.code).toBe('RATE_LIMITED');
  });

  it('writes nothing more for a success when no failure was counted', async () => {
    expect(await attempt('ada@contoso.example', PASSWORD)).toBeUndefined();
    expect(store.calls).toEqual(['getSignInFailures', 'getUserByEmail']);
  });

  it('starts a new window after 15 minutes: failures spread out never limit', async () => {
    await failTimes('ada@contoso.example', 4, 60);
    clock.advance(SIGN_IN_FAILURE_WINDOW_SECONDS);
    await failTimes('ada@contoso.example', 4, 60);
    expect(await attempt('ada@contoso.example', PASSWORD)).toBeUndefined();
  });

  it('does not count an identity provider outage as a failed sign-in', async () => {
    directory.failWith = new Error('ServiceUnavailable');
    for (let i = 0; i < 6; i++)
      await expect(signIn(deps, 'ada@contoso.example', PASSWORD)).rejects.toThrow('ServiceUnavailable');
    directory.failWith = undefined;
    expect(await attempt('ada@contoso.example', PASSWORD)).toBeUndefined();
  });
});

describe('a 429 from sign-in carries Retry-After through both doors', () => {
  const route = {
    method: 'POST',
    path: '/auth/sign-in',
    handler: 'unused',
    auth: 'public',
    summary: 'fixture',
    request: { body: z.object({ email: z.string() }) },
    response: { status: 200 },
  } satisfies RouteSpec;
  const limited = () => {
    throw identityErrors.signInRateLimited(421);
  };

  it('as problem+json from the JSON API', async () => {
    const handler = httpHandler(route, async () => limited());
    const res = await handler(
      {
        httpMethod: 'POST',
        path: route.path,
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ email: 'ada@contoso.example' }),
        requestContext: { requestId: 'req-1' },
      } as unknown as APIGatewayProxyEvent,
      { awsRequestId: 'aws-1' } as Context,
    );
    expect(res.statusCode).toBe(429);
    expect(res.headers?.['Content-Type']).toBe('application/problem+json');
    expect(res.headers?.['Retry-After']).toBe('421');
    expect(JSON.parse(res.body)).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
  });

  it('as the refusal page of a link page’s form', async () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const res = await asPageWhenForm(form, async () => limited(), String);
    expect(res).toMatchObject({ status: 429, headers: { 'Retry-After': '421' } });
    expect('html' in res && res.html).toContain('data-code="RATE_LIMITED"');
  });
});
