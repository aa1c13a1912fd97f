import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { approvedReseller, indirectProvider } from '../support/enrollment.ts';
import { type Account, PASSWORD, verifiedAccount } from '../support/identity.ts';
import { linkStartingWith, waitForEmail } from '../support/mailbox.ts';
import { call, runtime } from '../support/runtime.ts';
import { launchBrowser, screenshot, submitWith } from './browser.ts';

/** The browser's own, for `evaluate` (the project compiles without the DOM library). */
declare function getComputedStyle(element: unknown): { backgroundColor: string };

const ACCEPT_LINK = () => `${runtime.apiUrl}/invitations/accept?token=`;
const tokenOf = (link: string) => new URL(link).searchParams.get('token') ?? '';

/** The provider invites `email`; returns the invitation id and the link from the email. */
async function providerInvites(provider: Account, email: string) {
  const res = await call('POST', '/indirect-resellers/invitations', {
    token: provider.token,
    body: { email },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const mail = await waitForEmail(email, { subject: /invites you to become its indirect reseller/ });
  expect(mail.subject).toContain(`Distributor ${provider.domain}`);
  return { invitationId: res.body.invitationId as string, link: linkStartingWith(mail, ACCEPT_LINK()) };
}

/** Ticks (or not) and signs in on the invitation page; the buttons are left to the test. */
async function fillIn(page: Page, email: string, password: string, tick: boolean) {
  await page.setChecked('#authorize', tick);
  await page.fill('#email', email);
  await page.fill('#password', password);
}

const sentWith = async (provider: Account, status: string) =>
  (
    await call('GET', `/invitations?direction=sent&status=${status}`, { token: provider.token })
  ).body.items.map((i: { invitationId: string }) => i.invitationId);

describe('invitation pages in a browser', () => {
  let browser: Browser;
  let context: BrowserContext | undefined;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterEach(async () => {
    await context?.close();
    context = undefined;
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("a reseller's global admin reads what accepting grants, must tick the box, then accepts (no JavaScript)", async () => {
    const [provider, reseller] = await Promise.all([indirectProvider(), approvedReseller()]);
    const { link } = await providerInvites(provider, reseller.email);
    const providerName = `Distributor ${provider.domain}`;

    context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const opened = await page.goto(link);
    expect(opened?.status()).toBe(200);
    expect(await page.locator('script').count()).toBe(0);
    expect(await page.title()).toBe(`${providerName} invites you to become its indirect reseller`);

    // The note says what accepting grants, and it comes before the box to tick.
    const grant = page.locator('#grant');
    await expect.poll(() => grant.isVisible()).toBe(true);
    await screenshot(page, 'provider-invitation.png');
    const note = await grant.textContent();
    expect(note).toContain(providerName);
    expect(note).toMatch(/submit orders for your customers/);
    expect(note).toMatch(/admin access to your organization.s tenant/);
    const noteBox = await grant.boundingBox();
    const checkBox = await page.locator('#authorize').boundingBox();
    if (!noteBox || !checkBox) throw new Error('the note and the checkbox must both be laid out');
    expect(noteBox.y + noteBox.height).toBeLessThanOrEqual(checkBox.y);
    // Highlighted as a note (the page's own inline style applies).
    expect(await grant.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(255, 244, 206)');
    expect(await page.locator('label', { has: page.locator('#authorize') }).textContent()).toContain(
      `I authorize ${providerName} to submit orders for my customers and to have admin access`,
    );
    expect(await page.isChecked('#authorize')).toBe(false);

    // Accept without ticking: the refusal page, and nothing accepted.
    await fillIn(page, reseller.email, PASSWORD, false);
    const unticked = await submitWith(page, '#accept');
    expect(unticked.status()).toBe(400);
    expect(await page.locator('h1').textContent()).toBe('Tick the box to accept');
    expect(await page.locator('[data-code]').getAttribute('data-code')).toBe('AUTHORIZATION_NOT_CONFIRMED');
    expect((await call('GET', '/indirect-providers', { token: reseller.token })).body.items).toEqual([]);

    // Back to the invitation, tick, sign in, accept.
    await page.goBack();
    await page.locator('#grant').waitFor();
    await fillIn(page, reseller.email, PASSWORD, true);
    const accepted = await submitWith(page, '#accept');
    expect(accepted.status()).toBe(200);
    expect(await page.locator('h1').textContent()).toBe('Invitation accepted');
    const result = await page.locator('#result').textContent();
    expect(result).toContain(`You are now connected with ${providerName}`);
    expect(result).toContain('Indirect providers list');

    const providers = await call('GET', '/indirect-providers', { token: reseller.token });
    expect(providers.status).toBe(200);
    expect(providers.body.items).toEqual([
      {
        organizationId: provider.orgId,
        name: providerName,
        domain: provider.domain,
        country: 'ES',
        since: expect.any(String),
      },
    ]);
  });

  it('a customer accepts the combined invitation of a reseller and its provider', async () => {
    const [provider, reseller, customer] = await Promise.all([
      indirectProvider(),
      approvedReseller(),
      verifiedAccount(),
    ]);
    const { link: providerLink } = await providerInvites(provider, reseller.email);
    const linked = await call('POST', '/invitations/accept', {
      token: reseller.token,
      body: { token: tokenOf(providerLink), authorize: true },
    });
    expect(linked.status, JSON.stringify(linked.body)).toBe(200);

    const invited = await call('POST', `/indirect-providers/${provider.orgId}/customer-invitations`, {
      token: reseller.token,
      body: { customerEmail: customer.email },
    });
    expect(invited.status, JSON.stringify(invited.body)).toBe(201);
    const link = invited.body.link as string;
    expect(link.startsWith(ACCEPT_LINK())).toBe(true);

    const resellerName = `Org ${reseller.domain}`;
    const providerName = `Distributor ${provider.domain}`;
    context = await browser.newContext();
    const page = await context.newPage();
    expect((await page.goto(link))?.status()).toBe(200);
    expect(await page.locator('h1').textContent()).toBe(`${resellerName} and ${providerName} invite you`);
    const grant = await page.locator('#grant').textContent();
    expect(grant).toContain(resellerName);
    expect(grant).toContain(providerName);
    expect(await page.locator('main').textContent()).toContain(`(${provider.domain})`);
    await screenshot(page, 'combined-invitation.png');

    await fillIn(page, customer.email, PASSWORD, true);
    const accepted = await submitWith(page, '#accept');
    expect(accepted.status()).toBe(200);
    expect(await page.locator('h1').textContent()).toBe('Invitation accepted');
    expect(await page.locator('#result').textContent()).toContain(
      `You are now connected with ${resellerName} and ${providerName}.`,
    );

    const fromProvider = await call('GET', `/indirect-resellers/${reseller.orgId}/customers`, {
      token: provider.token,
    });
    expect(fromProvider.status).toBe(200);
    expect(fromProvider.body.items.map((c: { customerId: string }) => c.customerId)).toEqual([
      customer.orgId,
    ]);
  });

  it('a wrong password shows the sign-in failure and changes nothing; Decline declines', async () => {
    const [provider, reseller] = await Promise.all([indirectProvider(), approvedReseller()]);
    const { invitationId, link } = await providerInvites(provider, reseller.email);

    context = await browser.newContext();
    const page = await context.newPage();
    expect((await page.goto(link))?.status()).toBe(200);

    await fillIn(page, reseller.email, `${PASSWORD}-wrong`, true);
    const refused = await submitWith(page, '#accept');
    expect(refused.status()).toBe(401);
    expect(await page.locator('h1').textContent()).toBe('Sign-in failed');
    expect(await page.locator('[data-code]').getAttribute('data-code')).toBe('INVALID_CREDENTIALS');
    expect(await page.locator('main').textContent()).toContain(
      'Go back to the invitation page and try again.',
    );
    expect(await sentWith(provider, 'PENDING')).toContain(invitationId);
    expect((await call('GET', '/indirect-providers', { token: reseller.token })).body.items).toEqual([]);

    // The link still works; this time decline, signed in properly.
    await page.goBack();
    await page.locator('#grant').waitFor();
    await fillIn(page, reseller.email, PASSWORD, false);
    const declined = await submitWith(page, '#decline');
    expect(declined.status()).toBe(200);
    expect(declined.url()).toBe(`${runtime.apiUrl}/invitations/decline`);
    expect(await page.locator('h1').textContent()).toBe('Invitation declined');
    expect(await page.locator('#result').textContent()).toBe(
      `You declined the invitation of Distributor ${provider.domain}. Nothing was shared.`,
    );

    expect(await sentWith(provider, 'DECLINED')).toContain(invitationId);
    expect((await call('GET', '/indirect-providers', { token: reseller.token })).body.items).toEqual([]);
    expect(
      (await call('GET', '/indirect-resellers', { token: provider.token })).body.items.map(
        (r: { organizationId: string }) => r.organizationId,
      ),
    ).not.toContain(reseller.orgId);

    // The answered link cannot be used again.
    const again = await page.goto(link);
    expect(again?.status()).toBe(409);
    expect(await page.locator('h1').textContent()).toBe('This link was already used');
  });
});
