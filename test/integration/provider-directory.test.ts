import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  approvedReseller,
  enrollmentToken,
  indirectProvider,
  mpnProfile,
  submit,
  waitForStatus,
} from '../support/enrollment.ts';
import { type Account, userWithRoles, verifiedAccount } from '../support/identity.ts';
import { emailsSince } from '../support/mailbox.ts';
import { expectProblem } from '../support/problems.ts';
import { allPages } from '../support/relationships.ts';
import { call, eventually } from '../support/runtime.ts';

const putListing = (as: { token: string }, body: unknown) =>
  call('PUT', '/provider-listing', { token: as.token, body });
const search = (as: { token: string }, query: string) =>
  call('GET', `/provider-directory?${query}`, { token: as.token });
const contact = (as: { token: string }, providerId: string, message = 'We would like to work with you.') =>
  call('POST', `/provider-directory/${providerId}/contact-requests`, { token: as.token, body: { message } });

/** A listing body whose contact address is unique to this provider, so its mailbox count is its own. */
const listingBody = (provider: Account, over: Record<string, unknown> = {}) => ({
  description: 'Cloud distribution with training and financing for resellers',
  countries: ['ES'],
  services: ['TECHNICAL_TRAINING'],
  contactEmail: `listing-${randomUUID().slice(0, 8)}@${provider.domain}`,
  ...over,
});

/** A verified account whose enrollment is IN_REVIEW (open: not yet a reseller). */
async function enrollingAccount(): Promise<Account> {
  const account = await verifiedAccount();
  const enrollmentId = await submit(account, await mpnProfile());
  const verified = await call('POST', '/enrollments/verify', {
    body: { token: await enrollmentToken(`paz@${account.domain}`) },
  });
  expect(verified.status).toBe(200);
  await waitForStatus(account, enrollmentId, 'IN_REVIEW');
  return account;
}

describe('provider listing', () => {
  let provider: Account;

  beforeAll(async () => {
    provider = await indirectProvider();
  }, 60_000);

  it("publishes under the organization's name, replaces the previous one, and records it", async () => {
    const first = await putListing(provider, listingBody(provider, { countries: ['PT', 'ES'] }));
    const body = listingBody(provider, {
      countries: ['ES'],
      services: ['FINANCING', 'BILLING'],
      website: `https://${provider.domain}/partners`,
    });
    const second = await putListing(provider, body);

    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.countries).toEqual(['ES', 'PT']);
    expect(second.status).toBe(200);
    expect(second.body).toEqual({
      providerId: provider.orgId,
      name: `Distributor ${provider.domain}`,
      description: body.description,
      countries: ['ES'],
      services: ['FINANCING', 'BILLING'],
      contactEmail: body.contactEmail,
      website: `https://${provider.domain}/partners`,
    });
    const inPortugal = await allPages('/provider-directory?country=PT', provider.token, 100);
    expect(inPortugal.map((l) => l.providerId)).not.toContain(provider.orgId);
    const records = await call('GET', '/activity?resourceType=providerListing', { token: provider.token });
    expect(
      (records.body.items as Array<{ operation: string; resourceId: string }>).map((r) => [
        r.operation,
        r.resourceId,
      ]),
    ).toEqual([
      ['PROVIDER_LISTING_PUBLISHED', provider.orgId],
      ['PROVIDER_LISTING_PUBLISHED', provider.orgId],
    ]);
  });

  it('is for indirect providers only (NOT_AN_INDIRECT_PROVIDER 422)', async () => {
    const reseller = await approvedReseller();

    expectProblem(await putListing(reseller, listingBody(reseller)), 422, 'NOT_AN_INDIRECT_PROVIDER');
  });

  it("needs partnerProfile:update (FORBIDDEN 403 for the provider's admin agent)", async () => {
    const agent = await userWithRoles(provider.token, provider.domain, 'ADMIN_AGENT', 'NONE');

    expectProblem(await putListing(agent, listingBody(provider)), 403, 'FORBIDDEN');
  });

  it('caps countries × (services + 1) at 49 (VALIDATION_FAILED 400), and refuses unknown services', async () => {
    const nine = ['ES', 'PT', 'FR', 'DE', 'IT', 'NL', 'BE', 'AT', 'IE'];
    const all = ['TECHNICAL_TRAINING', 'MARKETING', 'FINANCING', 'BILLING', 'CUSTOMER_SUPPORT'];

    expectProblem(
      await putListing(provider, listingBody(provider, { countries: nine, services: all })),
      400,
      'VALIDATION_FAILED',
      'body.countries',
    );
    expectProblem(
      await putListing(provider, listingBody(provider, { services: ['PIZZA'] })),
      400,
      'VALIDATION_FAILED',
    );
    const eight = await putListing(
      provider,
      listingBody(provider, { countries: nine.slice(0, 8), services: all }),
    );
    expect(eight.status, JSON.stringify(eight.body)).toBe(200);
  });
});

describe('provider directory', () => {
  // A country of its own for this file, and a word in the names that only these providers carry.
  const COUNTRY = 'IS';
  const tag = `zq${randomUUID().slice(0, 6)}`;
  const providers: Array<Account & { name: string }> = [];

  beforeAll(async () => {
    const made = await Promise.all([indirectProvider(), indirectProvider(), indirectProvider()]);
    for (const [i, p] of made.entries()) {
      const services = i === 1 ? ['MARKETING', 'BILLING'] : ['BILLING'];
      const description = i === 2 ? `Azure specialists ${tag}` : `Distribution ${tag}`;
      const res = await putListing(p, listingBody(p, { countries: [COUNTRY, 'MT'], services, description }));
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      providers.push({ ...p, name: res.body.name });
    }
    providers.sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()));
  }, 90_000);

  const ours = (items: Record<string, unknown>[]) =>
    items.filter((l) => providers.some((p) => p.orgId === l.providerId)).map((l) => l.providerId);

  it('lists the providers of one country by name, page by page with a cursor', async () => {
    const first = await search(providers[0] as Account, `country=${COUNTRY}&limit=2`);
    const all = await allPages(`/provider-directory?country=${COUNTRY}`, (providers[0] as Account).token, 2);

    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    expect(ours(all)).toEqual(providers.map((p) => p.orgId));
    const names = all.map((l) => String(l.name).toLowerCase());
    expect(names).toEqual([...names].sort());
    expect(all.find((l) => l.providerId === providers[0]?.orgId)).toMatchObject({
      name: providers[0]?.name,
      countries: [COUNTRY, 'MT'].sort(),
      contactEmail: expect.stringContaining('@'),
    });
  });

  it('narrows to one service and filters name and description by text, case-insensitively', async () => {
    const marketing = await allPages(
      `/provider-directory?country=${COUNTRY}&service=MARKETING`,
      (providers[0] as Account).token,
      25,
    );
    const azure = await allPages(
      `/provider-directory?country=${COUNTRY}&q=${encodeURIComponent(`AZURE SPECIALISTS ${tag.toUpperCase()}`)}`,
      (providers[0] as Account).token,
      25,
    );
    const tagged = await allPages(
      `/provider-directory?country=${COUNTRY}&q=${tag}`,
      (providers[0] as Account).token,
      1,
    );

    const described = providers.find((p) => azure.some((l) => l.providerId === p.orgId));
    expect(ours(marketing)).toHaveLength(1);
    expect(marketing.every((l) => (l.services as string[]).includes('MARKETING'))).toBe(true);
    expect(ours(azure)).toEqual([described?.orgId]);
    expect(azure).toHaveLength(1);
    expect(ours(tagged)).toEqual(providers.map((p) => p.orgId));
  });

  it('is open to any user, an enrolling organization too, and refuses bad queries', async () => {
    const enrolling = await verifiedAccount();
    const helpdesk = await userWithRoles(
      (providers[0] as Account).token,
      (providers[0] as Account).domain,
      'HELPDESK_AGENT',
      'NONE',
    );

    const res = await search(enrolling, `country=${COUNTRY}&q=${tag}`);

    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(ours(res.body.items)).toEqual(providers.map((p) => p.orgId));
    expect((await search(helpdesk, `country=${COUNTRY}`)).status).toBe(200);
    expectProblem(await search(enrolling, 'q=x'), 400, 'VALIDATION_FAILED', 'query.country');
    expectProblem(await search(enrolling, `country=${COUNTRY}&service=PIZZA`), 400, 'VALIDATION_FAILED');
    const first = await search(enrolling, `country=${COUNTRY}&limit=1`);
    expectProblem(
      await search(enrolling, `country=MT&cursor=${encodeURIComponent(first.body.nextCursor)}`),
      400,
      'VALIDATION_FAILED',
      'query.cursor',
    );
  });
});

describe('contact requests', () => {
  let provider: Account;
  let contactEmail: string;

  beforeAll(async () => {
    provider = await indirectProvider();
    const body = listingBody(provider);
    contactEmail = body.contactEmail;
    const res = await putListing(provider, body);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  }, 60_000);

  const mailsToProvider = async () =>
    (await emailsSince(0)).filter((m) => m.destination.to.includes(contactEmail));

  it('sends 5 a day per organization, each to the listing contact with reply-to the caller; the 6th is 429', async () => {
    const reseller = await approvedReseller();
    // The limit is per UTC day: the six requests must not straddle midnight.
    const toMidnight = 86_400_000 - (Date.now() % 86_400_000);
    if (toMidnight < 60_000) await new Promise((r) => setTimeout(r, toMidnight + 1_000));

    const answers = [];
    for (let i = 1; i <= 5; i++)
      answers.push(await contact(reseller, provider.orgId, `Request ${i} <b>bold</b>`));
    const sixth = await contact(reseller, provider.orgId, 'Request 6');

    expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202, 202]);
    expect(answers[0]?.body).toEqual({ providerId: provider.orgId, status: 'SENT' });
    expectProblem(sixth, 429, 'RATE_LIMITED');
    const retryAfter = sixth.headers.get('retry-after') ?? '';
    expect(retryAfter).toMatch(/^[1-9][0-9]*$/);
    expect(Number(retryAfter)).toBeLessThanOrEqual(86_400);
    const mails = await eventually(async () => {
      const found = await mailsToProvider();
      return found.length >= 5 ? found : undefined;
    });
    expect(mails).toHaveLength(5);
    for (const mail of mails) expect(mail.replyTo).toEqual([reseller.email]);
    expect(mails.map((m) => m.body.text?.match(/> (Request \d)/)?.[1])).toEqual([
      'Request 1',
      'Request 2',
      'Request 3',
      'Request 4',
      'Request 5',
    ]);
    expect(mails[0]?.body.html).toContain('&lt;b&gt;bold&lt;/b&gt;');
    // The provider is in Spain: its email is in Spanish.
    expect(mails[0]?.subject).toBe(
      `Org ${reseller.domain} quiere trabajar con Distributor ${provider.domain} como su proveedor indirecto`,
    );
    const records = await call('GET', '/activity?resourceType=providerContact', { token: reseller.token });
    expect(
      (records.body.items as Array<{ operation: string; resourceId: string }>).map((r) => [
        r.operation,
        r.resourceId,
      ]),
    ).toEqual(Array.from({ length: 5 }, () => ['PROVIDER_CONTACT_REQUESTED', provider.orgId]));
  }, 180_000);

  it('is open to an organization enrolling as a reseller, not to one that is not (NOT_A_RESELLER 422)', async () => {
    const [enrolling, plain] = await Promise.all([enrollingAccount(), verifiedAccount()]);
    const before = (await mailsToProvider()).length;

    const accepted = await contact(enrolling, provider.orgId, 'We are enrolling');
    const refused = await contact(plain, provider.orgId, 'Hello');

    expect(accepted.status, JSON.stringify(accepted.body)).toBe(202);
    expectProblem(refused, 422, 'NOT_A_RESELLER');
    const mails = await eventually(async () => {
      const found = await mailsToProvider();
      return found.length > before ? found : undefined;
    });
    expect(mails.slice(before).map((m) => m.replyTo)).toEqual([[enrolling.email]]);
  });

  it('answers NOT_FOUND for an unknown or unlisted provider, FORBIDDEN for a user who is not a global admin', async () => {
    const reseller = await approvedReseller();
    const unlisted = await indirectProvider();
    const agent = await userWithRoles(
      reseller.token,
      reseller.domain,
      'ADMIN_AGENT',
      'USER_MANAGEMENT_ADMIN',
    );

    expectProblem(await contact(reseller, 'no-such-provider'), 404, 'NOT_FOUND');
    expectProblem(await contact(reseller, unlisted.orgId), 404, 'NOT_FOUND');
    expectProblem(await contact(agent, provider.orgId), 403, 'FORBIDDEN');
    expectProblem(
      await call('POST', `/provider-directory/${provider.orgId}/contact-requests`, {
        token: reseller.token,
        body: { message: '   ' },
      }),
      400,
      'VALIDATION_FAILED',
      'body.message',
    );
  });
});
