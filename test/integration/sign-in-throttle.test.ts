import { randomUUID } from 'node:crypto';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { keys } from '../../functions/platform/data/table.ts';
import { indirectProvider } from '../support/enrollment.ts';
import { PASSWORD, uniqueDomain, verifiedAccount } from '../support/identity.ts';
import { linkStartingWith, waitForEmail } from '../support/mailbox.ts';
import { call, dynamo, runtime, tableName } from '../support/runtime.ts';

const item = async (key: { pk: string; sk: string }) =>
  (await dynamo.send(new GetCommand({ TableName: tableName, Key: key }))).Item;
const signInRaw = (email: string, password: string) =>
  call('POST', '/auth/sign-in', { body: { email, password } });
const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Retry-After as whole seconds, checked to be within the 15-minute window. */
function retryAfterOf(headers: Headers): number {
  const value = headers.get('retry-after') ?? '';
  expect(value).toMatch(/^\d+$/);
  const seconds = Number(value);
  expect(seconds).toBeGreaterThanOrEqual(1);
  expect(seconds).toBeLessThanOrEqual(900);
  return seconds;
}

describe('sign-in throttling per email', () => {
  it('limits 30 wrong passwords in a row after 5, the right one too, for both doors, and no one else', async () => {
    const [ada, bob, provider] = await Promise.all([
      verifiedAccount(),
      verifiedAccount(),
      indirectProvider(),
    ]);
    const invited = await call('POST', '/indirect-resellers/invitations', {
      token: provider.token,
      body: { email: ada.email },
    });
    expect(invited.status, JSON.stringify(invited.body)).toBe(201);
    const mail = await waitForEmail(ada.email, { subject: new RegExp(provider.domain.split('.')[0] ?? '') });
    const link = linkStartingWith(mail, `${runtime.apiUrl}/invitations/accept?token=`);
    const invitationToken = new URL(link).searchParams.get('token') ?? '';

    const answers = [];
    for (let i = 0; i < 30; i++) answers.push(await signInRaw(ada.email, `Wrong-Passw0rd${i}`));
    for (const [i, res] of answers.entries()) {
      if (i < 5) {
        expect(res.status, `attempt ${i + 1}`).toBe(401);
        expect(res.body.code).toBe('INVALID_CREDENTIALS');
        expect(res.headers.get('retry-after')).toBeNull();
      } else {
        expect(res.status, `attempt ${i + 1}`).toBe(429);
        expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(res.body).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
        retryAfterOf(res.headers);
      }
    }

    // One item, counted to 5 (refused attempts are not counted), expiring with the window.
    const counter = await item(keys.signInFailures(ada.email));
    expect(counter).toMatchObject({ type: 'signInFailures', failures: 5 });
    expect(counter?.expiresAt).toBeGreaterThan(nowSeconds());
    expect(counter?.expiresAt).toBeLessThanOrEqual(nowSeconds() + 900);
    expect(JSON.stringify(counter)).not.toContain(ada.email);

    const right = await signInRaw(ada.email, PASSWORD);
    expect(right.status).toBe(429);
    expect(right.body.code).toBe('RATE_LIMITED');
    retryAfterOf(right.headers);

    // Nothing slowed down for anyone else.
    const other = await signInRaw(bob.email, PASSWORD);
    expect(other.status, JSON.stringify(other.body)).toBe(200);
    expect(other.body.accessToken).toEqual(expect.any(String));

    // The invitation page's form shares the counter: a page with the refusal, and Retry-After.
    const page = await fetch(`${runtime.apiUrl}/invitations/accept`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        token: invitationToken,
        authorize: 'on',
        email: ada.email,
        password: PASSWORD,
      }).toString(),
    });
    expect(page.status).toBe(429);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    retryAfterOf(page.headers);
    expect(await page.text()).toContain('data-code="RATE_LIMITED"');
    // The same form's fields as JSON, with the email in other case.
    const declined = await call('POST', '/invitations/decline', {
      body: { token: invitationToken, email: ada.email.toUpperCase(), password: PASSWORD },
    });
    expect(declined.status).toBe(429);
    expect(declined.body.code).toBe('RATE_LIMITED');
    retryAfterOf(declined.headers);
    expect((await item(keys.invitation(invited.body.invitationId)))?.status).toBe('PENDING');

    // The window's end, without waiting 15 minutes: the item outlives it (TTL is late), and is ignored.
    await dynamo.send(
      new UpdateCommand({
        TableName: tableName,
        Key: keys.signInFailures(ada.email),
        UpdateExpression: 'SET expiresAt = :past',
        ExpressionAttributeValues: { ':past': nowSeconds() - 1 },
      }),
    );
    const released = await signInRaw(ada.email, PASSWORD);
    expect(released.status, JSON.stringify(released.body)).toBe(200);
    const again = await signInRaw(ada.email, 'Wrong-Passw0rd-again');
    expect(again.status).toBe(401);
    expect(await item(keys.signInFailures(ada.email))).toMatchObject({
      failures: 1,
      expiresAt: expect.any(Number),
    });
    expect((await item(keys.signInFailures(ada.email)))?.expiresAt).toBeGreaterThan(nowSeconds());
  });

  it('answers an unknown email the same: 401 five times, then 429', async () => {
    const email = `nobody-${randomUUID().slice(0, 8)}@${uniqueDomain()}`;
    for (let i = 0; i < 5; i++) {
      const res = await signInRaw(email, PASSWORD);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('INVALID_CREDENTIALS');
    }
    const limited = await signInRaw(email, PASSWORD);
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe('RATE_LIMITED');
    retryAfterOf(limited.headers);
  });

  it('counts concurrent failures without losing one', async () => {
    const email = `racer-${randomUUID().slice(0, 8)}@${uniqueDomain()}`;
    const answers = await Promise.all(Array.from({ length: 12 }, () => signInRaw(email, PASSWORD)));
    const refused = answers.filter((r) => r.status === 401).length;
    expect(refused + answers.filter((r) => r.status === 429).length).toBe(12);
    expect(refused).toBeGreaterThanOrEqual(5);
    // Every 401 recorded exactly one failure; a 429 recorded none.
    expect((await item(keys.signInFailures(email)))?.failures).toBe(refused);
  });
});
