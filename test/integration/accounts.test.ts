import { randomUUID } from 'node:crypto';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { keys } from '../../functions/platform/data/table.ts';
import { hashLinkToken } from '../../functions/platform/links/links.ts';
import {
  accountBody,
  PASSWORD,
  signIn,
  uniqueDomain,
  verificationToken,
  verifiedAccount,
} from '../support/identity.ts';
import { waitForEmail } from '../support/mailbox.ts';
import { call, dynamo, runtime, tableName } from '../support/runtime.ts';

const item = async (key: { pk: string; sk: string }) =>
  (await dynamo.send(new GetCommand({ TableName: tableName, Key: key }))).Item;

const signInRaw = (email: string, password: string) =>
  call('POST', '/auth/sign-in', { body: { email, password } });

describe('POST /accounts and email verification', () => {
  it('creates an unverified account, emails a link whose GET changes nothing, and verifies once', async () => {
    const body = accountBody();
    const created = await call('POST', '/accounts', { body });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      organizationId: expect.any(String),
      userId: expect.any(String),
      status: 'PENDING_EMAIL_VERIFICATION',
    });

    const mail = await waitForEmail(body.admin.email, { subject: /Verify your email/ });
    expect(mail.body.text).toContain('/accounts/verify?token=');
    expect(mail.body.html).toContain('/accounts/verify?token=');
    const token = await verificationToken(body.admin.email);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);

    // Only the token's hash is stored.
    const link = await item(keys.link(hashLinkToken(token)));
    expect(link).toMatchObject({ kind: 'ACCOUNT_VERIFICATION', userId: created.body.userId });
    expect(JSON.stringify(link)).not.toContain(token);

    for (let i = 0; i < 3; i++) {
      const page = await fetch(`${runtime.apiUrl}/accounts/verify?token=${token}`, {
        headers: { 'user-agent': 'Mozilla/5.0 (compatible; SafeLinks)' },
      });
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/text\/html/);
      expect(page.headers.get('cache-control')).toBe('no-store');
      const html = await page.text();
      expect(html).toContain(body.organization.name);
      expect(html).toContain('<button type="submit">Confirm</button>');
    }
    expect((await item(keys.user(created.body.userId)))?.status).toBe('PENDING_EMAIL_VERIFICATION');
    expect((await item(keys.link(hashLinkToken(token))))?.usedAt).toBeUndefined();

    const refused = await signInRaw(body.admin.email, PASSWORD);
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('INVALID_CREDENTIALS');

    const verified = await call('POST', '/accounts/verify', { body: { token } });
    expect(verified.status).toBe(200);
    expect(verified.body).toEqual({ status: 'VERIFIED' });
    expect((await item(keys.user(created.body.userId)))?.status).toBe('ACTIVE');

    const again = await call('POST', '/accounts/verify', { body: { token } });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('LINK_USED');

    const accessToken = await signIn(body.admin.email, PASSWORD);
    const me = await call('GET', '/me', { token: accessToken });
    expect(me.status).toBe(200);
    expect(me.body).toEqual({
      user: {
        id: created.body.userId,
        email: body.admin.email,
        firstName: 'Ada',
        lastName: 'Admin',
        agentRole: 'NONE',
        adminRole: 'GLOBAL_ADMIN',
      },
      organization: {
        id: created.body.organizationId,
        name: body.organization.name,
        domain: body.organization.domain,
        country: 'ES',
        partnerTypes: [],
      },
    });
  });

  it('verifies from the page form and answers with pages', async () => {
    const body = accountBody();
    await call('POST', '/accounts', { body });
    const token = await verificationToken(body.admin.email);
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const ok = await fetch(`${runtime.apiUrl}/accounts/verify`, {
      method: 'POST',
      headers: form,
      body: `token=${token}`,
    });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('Email verified');
    const used = await fetch(`${runtime.apiUrl}/accounts/verify`, {
      method: 'POST',
      headers: form,
      body: `token=${token}`,
    });
    expect(used.status).toBe(409);
    expect(used.headers.get('content-type')).toMatch(/text\/html/);
    expect(await used.text()).toContain('already used');
  });

  it('answers LINK_INVALID to an unknown token, on the page and the API', async () => {
    const res = await call('POST', '/accounts/verify', { body: { token: 'x'.repeat(43) } });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('LINK_INVALID');
    const page = await fetch(`${runtime.apiUrl}/accounts/verify?token=nope`);
    expect(page.status).toBe(404);
    expect(await page.text()).toContain('not valid');
    const missing = await fetch(`${runtime.apiUrl}/accounts/verify`);
    expect(missing.status).toBe(404);
  });

  it('answers LINK_EXPIRED once the 7 days have passed, checked on read', async () => {
    const body = accountBody();
    const created = await call('POST', '/accounts', { body });
    const token = await verificationToken(body.admin.email);
    const link = await item(keys.link(hashLinkToken(token)));
    expect(link?.expiresAt).toBeGreaterThan(Date.now() / 1000 + 7 * 86400 - 60);
    // Arrange: the link's 7 days are over (TTL deletion is eventual, so the item is still there).
    await dynamo.send(
      new UpdateCommand({
        TableName: tableName,
        Key: keys.link(hashLinkToken(token)),
        UpdateExpression: 'SET expiresAt = :past',
        ExpressionAttributeValues: { ':past': Math.floor(Date.now() / 1000) - 1 },
      }),
    );
    const res = await call('POST', '/accounts/verify', { body: { token } });
    expect(res.status).toBe(410);
    expect(res.body.code).toBe('LINK_EXPIRED');
    expect((await item(keys.user(created.body.userId)))?.status).toBe('PENDING_EMAIL_VERIFICATION');
  });
});

describe('POST /accounts refusals', () => {
  it.each([
    ['a webmail domain', { domain: 'gmail.com', email: 'someone@gmail.com' }],
    ['a webmail country variant', { domain: 'yahoo.co.uk', email: 'someone@yahoo.co.uk' }],
    ['Outlook.com mixed case', { domain: 'Hotmail.CO.UK', email: 'Someone@Hotmail.co.uk' }],
  ])('refuses %s with WEBMAIL_NOT_ALLOWED', async (_name, { domain, email }) => {
    const res = await call('POST', '/accounts', { body: accountBody(domain, { email }) });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body.code).toBe('WEBMAIL_NOT_ALLOWED');
  });

  it('refuses an admin email off the organization domain with EMAIL_DOMAIN_MISMATCH', async () => {
    const res = await call('POST', '/accounts', {
      body: accountBody(uniqueDomain(), { email: 'ada@elsewhere.example' }),
    });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('EMAIL_DOMAIN_MISMATCH');
  });

  it('refuses a second organization on a domain with DOMAIN_TAKEN', async () => {
    const domain = uniqueDomain();
    expect((await call('POST', '/accounts', { body: accountBody(domain) })).status).toBe(201);
    const res = await call('POST', '/accounts', { body: accountBody(domain, { email: `bob@${domain}` }) });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('DOMAIN_TAKEN');
  });

  it('refuses an email that already has an account with EMAIL_TAKEN and leaves nothing behind', async () => {
    const parent = uniqueDomain();
    const email = `ada@sales.${parent}`;
    expect((await call('POST', '/accounts', { body: accountBody(parent, { email }) })).status).toBe(201);
    const res = await call('POST', '/accounts', { body: accountBody(`sales.${parent}`, { email }) });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('EMAIL_TAKEN');
    expect(await item(keys.domainClaim(`sales.${parent}`))).toBeUndefined();
  });

  it('names every bad field, password policy included', async () => {
    const res = await call('POST', '/accounts', {
      body: {
        organization: { name: '', domain: 'not a domain', country: 'XX' },
        admin: { firstName: 'A', email: 'nope', password: 'short' },
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    const paths = new Set((res.body.errors as Array<{ path: string }>).map((e) => e.path));
    expect([...paths].sort()).toEqual([
      'body.admin.email',
      'body.admin.lastName',
      'body.admin.password',
      'body.organization.country',
      'body.organization.domain',
      'body.organization.name',
    ]);
    const messages = (res.body.errors as Array<{ path: string; message: string }>)
      .filter((e) => e.path === 'body.admin.password')
      .map((e) => e.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/12 characters/),
        expect.stringMatching(/upper-case/),
        expect.stringMatching(/digit/),
      ]),
    );
  });

  it('lets exactly one of 20 concurrent creates take a domain', async () => {
    const domain = uniqueDomain('race');
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        call('POST', '/accounts', { body: accountBody(domain, { email: `user${i}@${domain}` }) }),
      ),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409 && r.body.code === 'DOMAIN_TAKEN')).toHaveLength(19);
  });

  it('replays the first response for the same Idempotency-Key and refuses the key with another body', async () => {
    const key = randomUUID();
    const body = accountBody();
    const first = await call('POST', '/accounts', { body, headers: { 'Idempotency-Key': key } });
    const replay = await call('POST', '/accounts', { body, headers: { 'Idempotency-Key': key } });
    expect(first.status).toBe(201);
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(first.body);
    const other = await call('POST', '/accounts', {
      body: accountBody(),
      headers: { 'Idempotency-Key': key },
    });
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });
});

describe('sign-in', () => {
  it('answers INVALID_CREDENTIALS alike for a wrong password and an unknown email', async () => {
    const account = await verifiedAccount();
    const wrong = await signInRaw(account.email, 'Wrong-Passw0rd!');
    const unknown = await signInRaw(`nobody@${account.domain}`, PASSWORD);
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.code).toBe('INVALID_CREDENTIALS');
    expect(unknown.body.detail).toBe(wrong.body.detail);
  });

  it('refreshes tokens, and refuses a bad refresh token', async () => {
    const account = await verifiedAccount();
    const tokens = await signInRaw(account.email, PASSWORD);
    expect(tokens.body).toMatchObject({
      tokenType: 'Bearer',
      expiresIn: expect.any(Number),
      idToken: expect.any(String),
    });
    const refreshed = await call('POST', '/auth/refresh', {
      body: { refreshToken: tokens.body.refreshToken },
    });
    expect(refreshed.status).toBe(200);
    expect((await call('GET', '/me', { token: refreshed.body.accessToken })).status).toBe(200);
    const bad = await call('POST', '/auth/refresh', { body: { refreshToken: 'not-a-token' } });
    expect(bad.status).toBe(401);
    expect(bad.body.code).toBe('INVALID_CREDENTIALS');
  });

  it('validates sign-in and new-password bodies', async () => {
    const res = await call('POST', '/auth/sign-in', { body: { email: 'x' } });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'body.email',
      'body.password',
    ]);
    const np = await call('POST', '/auth/new-password', {
      body: { email: 'a@b.example', session: 's', newPassword: 'weak' },
    });
    expect(np.status).toBe(400);
    expect(np.body.errors[0].path).toBe('body.newPassword');
  });
});

describe('operators and indirect providers', () => {
  const operatorToken = () => signIn(runtime.operator.email, runtime.operator.password);

  it('creates a provider whose admin signs in with the temporary password once, then their own', async () => {
    const domain = uniqueDomain('dist');
    const email = `pat@${domain}`;
    const res = await call('POST', '/operator/indirect-providers', {
      token: await operatorToken(),
      body: {
        organization: { name: 'Dist Inc', domain, country: 'US' },
        admin: { firstName: 'Pat', lastName: 'Provider', email },
      },
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      organizationId: expect.any(String),
      userId: expect.any(String),
      temporaryPassword: expect.any(String),
    });
    const stored = await item(keys.user(res.body.userId));
    expect(JSON.stringify(stored)).not.toContain(res.body.temporaryPassword);

    expect((await signInRaw(email, 'Wrong-Temp-Passw0rd')).status).toBe(401);
    const first = await signInRaw(email, res.body.temporaryPassword);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ challenge: 'NEW_PASSWORD_REQUIRED', session: expect.any(String) });
    const weak = await call('POST', '/auth/new-password', {
      body: { email, session: first.body.session, newPassword: 'password' },
    });
    expect(weak.status).toBe(400);
    const done = await call('POST', '/auth/new-password', {
      body: { email, session: first.body.session, newPassword: PASSWORD },
    });
    expect(done.status).toBe(200);
    const me = await call('GET', '/me', { token: done.body.accessToken });
    expect(me.body.organization.partnerTypes).toEqual(['INDIRECT_PROVIDER']);
    expect(me.body.user).toMatchObject({ adminRole: 'GLOBAL_ADMIN', agentRole: 'ADMIN_AGENT' });
    expect((await signInRaw(email, res.body.temporaryPassword)).status).toBe(401);
    expect((await signInRaw(email, PASSWORD)).status).toBe(200);
  });

  it('applies the work account rules to providers too', async () => {
    const token = await operatorToken();
    const res = await call('POST', '/operator/indirect-providers', {
      token,
      body: {
        organization: { name: 'Webmail', domain: 'outlook.com', country: 'US' },
        admin: { firstName: 'A', lastName: 'B', email: 'a@outlook.com' },
      },
    });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('WEBMAIL_NOT_ALLOWED');
  });

  it('refuses partner users on operator routes', async () => {
    const account = await verifiedAccount();
    const res = await call('POST', '/operator/indirect-providers', { token: account.token, body: {} });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('FORBIDDEN');
  });
});
