import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { approvedReseller } from '../support/enrollment.ts';
import { type Account, PASSWORD } from '../support/identity.ts';
import { linkStartingWith, waitForEmail } from '../support/mailbox.ts';
import { acceptedCustomer } from '../support/relationships.ts';
import { call, runtime } from '../support/runtime.ts';
import { launchBrowser, screenshot, submitWith } from './browser.ts';

const APPROVE_LINK = () => `${runtime.apiUrl}/admin-relationships/approve?token=`;
const orgName = (a: Account) => `Org ${a.domain}`;
const nowSeconds = () => Math.floor(Date.now() / 1000) - 1;

/** A new customer (ES) of the reseller, accepted without delegated admin: no admin relationship yet. */
const customerOf = (reseller: Account) => acceptedCustomer(reseller, undefined, { delegatedAdmin: false });

/** The reseller asks; returns the relationship id and the approval link from the customer's email. */
async function requestAccess(reseller: Account, customer: Account, body: Record<string, unknown>) {
  const since = nowSeconds();
  const res = await call('POST', `/customers/${customer.orgId}/admin-relationships`, {
    token: reseller.token,
    body,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  // The customer is in ES: the email is in Spanish (emails/approval-request.ts); the page is in English.
  const mail = await waitForEmail(customer.email, {
    subject: /solicita acceso de administrador/,
    since,
  });
  expect(mail.subject).toBe(`${orgName(reseller)} solicita acceso de administrador a ${orgName(customer)}`);
  const link = linkStartingWith(mail, APPROVE_LINK());
  expect(link).toBe(res.body.approvalLink);
  return { relationshipId: res.body.relationshipId as string, link };
}

const signInOnPage = async (page: Page, email: string, password: string) => {
  await page.fill('#email', email);
  await page.fill('#password', password);
};

describe('admin relationship approval page in a browser', () => {
  let browser: Browser;
  let context: BrowserContext | undefined;
  let reseller: Account;
  beforeAll(async () => {
    [browser, reseller] = await Promise.all([launchBrowser(), approvedReseller()]);
  });
  afterEach(async () => {
    await context?.close();
    context = undefined;
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("the customer's global admin reads the roles and duration from the emailed link, and approves (no JavaScript)", async () => {
    const customer = await customerOf(reseller);
    const { relationshipId, link } = await requestAccess(reseller, customer, {
      displayName: 'Managed services',
      roles: ['DIRECTORY_READER', 'LICENSE_ADMINISTRATOR'],
      duration: 'P90D',
    });
    const partner = orgName(reseller);
    const org = orgName(customer);

    context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const opened = await page.goto(link);
    expect(opened?.status()).toBe(200);
    expect(opened?.headers()['cache-control']).toBe('no-store');
    expect(opened?.headers()['referrer-policy']).toBe('no-referrer');
    expect(await page.locator('script').count()).toBe(0);
    expect(await page.title()).toBe(`${partner} asks for admin access to ${org}`);
    expect(await page.locator('h1').textContent()).toBe(`${partner} asks for admin access to ${org}`);
    expect(await page.locator('main').textContent()).toContain('“Managed services”');

    // Each role in plain words, and how long.
    expect(await page.locator('#roles li').allTextContents()).toEqual([
      'Directory reader: read your users and their licenses',
      "License administrator: assign and remove your users' licenses",
    ]);
    const duration = await page.locator('#duration').textContent();
    expect(duration).toContain('The access lasts 90 days (about 3 months) from approval.');
    expect(duration).toContain('Then it ends');
    await screenshot(page, 'admin-relationship-approval.png');

    // Opening the page changed nothing.
    const before = await call('GET', `/admin-relationships/${relationshipId}`, { token: reseller.token });
    expect(before.body.status).toBe('APPROVAL_PENDING');

    await signInOnPage(page, customer.email, PASSWORD);
    const approved = await submitWith(page, '#approve');
    expect(approved.status()).toBe(200);
    expect(approved.url()).toBe(`${runtime.apiUrl}/admin-relationships/approve`);
    expect(await page.locator('h1').textContent()).toBe('Admin access approved');
    const result = await page.locator('#result').textContent();
    expect(result).toContain(
      `Admin access approved: ${partner} can now act for ${org} as Directory reader, License administrator until `,
    );
    expect(result).toContain(`A global admin of ${org} can end this access at any time.`);
    await screenshot(page, 'admin-relationship-approved.png');

    const now = await call('GET', `/admin-relationships/${relationshipId}`, { token: reseller.token });
    expect(now.status).toBe(200);
    expect(now.body).toMatchObject({
      relationshipId,
      status: 'ACTIVE',
      activatedAt: expect.any(String),
      endsAt: expect.any(String),
    });
    expect(Date.parse(now.body.endsAt) - Date.parse(now.body.activatedAt)).toBe(90 * 86_400_000);
    expect(result).toContain(`until ${now.body.endsAt.slice(0, 10)}.`);
    expect((await call('GET', `/customers/${customer.orgId}/users`, { token: reseller.token })).status).toBe(
      200,
    );

    // The link is spent: opening it again says so.
    expect((await page.goto(link))?.status()).toBe(409);
    expect(await page.locator('[data-code]').getAttribute('data-code')).toBe('LINK_USED');
  });

  it('a wrong password changes nothing; Reject rejects', async () => {
    const customer = await customerOf(reseller);
    const { relationshipId, link } = await requestAccess(reseller, customer, {
      displayName: 'Not wanted',
      roles: ['USER_ADMINISTRATOR'],
      duration: 'P1D',
    });

    context = await browser.newContext();
    const page = await context.newPage();
    expect((await page.goto(link))?.status()).toBe(200);
    expect(await page.locator('#roles li').allTextContents()).toEqual([
      'User administrator: create, delete and restore your users (not global admins)',
    ]);
    expect(await page.locator('#duration').textContent()).toContain('The access lasts 1 day from approval.');

    await signInOnPage(page, customer.email, `${PASSWORD}-wrong`);
    const refused = await submitWith(page, '#approve');
    expect(refused.status()).toBe(401);
    expect(await page.locator('[data-code]').getAttribute('data-code')).toBe('INVALID_CREDENTIALS');
    const pending = await call('GET', `/admin-relationships/${relationshipId}`, { token: reseller.token });
    expect(pending.body.status).toBe('APPROVAL_PENDING');

    await page.goBack();
    await page.locator('#roles').waitFor();
    await signInOnPage(page, customer.email, PASSWORD);
    const rejected = await submitWith(page, '#reject');
    expect(rejected.status()).toBe(200);
    expect(rejected.url()).toBe(`${runtime.apiUrl}/admin-relationships/reject`);
    expect(await page.locator('h1').textContent()).toBe('Request rejected');
    expect(await page.locator('#result').textContent()).toBe(
      `Request rejected: ${orgName(reseller)} gets no access to ${orgName(customer)}. Nothing was shared.`,
    );

    const now = await call('GET', `/admin-relationships/${relationshipId}`, { token: reseller.token });
    expect(now.body.status).toBe('REJECTED');
    const users = await call('GET', `/customers/${customer.orgId}/users`, { token: reseller.token });
    expect(users.status).toBe(403);
    expect(users.body.code).toBe('ADMIN_RELATIONSHIP_REQUIRED');
  });
});
