import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { operatorToken } from '../support/enrollment.ts';
import { type Account, verifiedAccount } from '../support/identity.ts';
import { call } from '../support/runtime.ts';

interface Offer {
  offerId: string;
  name: string;
  maxQuantity: number;
  countries: string[];
  adminAgentOnly: boolean;
  available: boolean;
}

const offerBody = (over: Record<string, unknown> = {}) => ({
  name: 'Contoso Backup',
  description: 'Nightly backups of mailboxes and sites',
  unitType: 'LICENSE',
  minQuantity: 1,
  maxQuantity: 50,
  termDurations: ['P1M', 'P1Y'],
  billingCycles: ['MONTHLY'],
  countries: ['es', 'FR'],
  adminAgentOnly: false,
  available: true,
  ...over,
});

/** Every offer the catalog lists for `query`, across pages. */
async function allOffers(token: string, query = ''): Promise<Offer[]> {
  const offers: Offer[] = [];
  let cursor: string | undefined;
  do {
    const page = await call(
      'GET',
      `/offers?limit=2${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      { token },
    );
    expect(page.status).toBe(200);
    offers.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor);
  return offers;
}

describe('the offer catalog', () => {
  let partner: Account;
  let operator: string;
  beforeAll(async () => {
    [partner, operator] = await Promise.all([verifiedAccount(), operatorToken()]);
  });

  it('starts with the sample offers API.md asks for, readable by any partner user', async () => {
    const offers = await allOffers(partner.token);
    expect(offers.length).toBeGreaterThanOrEqual(4);
    expect(offers.some((o) => o.adminAgentOnly)).toBe(true);
    expect(offers.some((o) => o.maxQuantity <= 300)).toBe(true);
    expect(offers.some((o) => !o.countries.includes('US'))).toBe(true);
    const one = await call('GET', '/offers/m365-e3', { token: partner.token });
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({
      offerId: 'm365-e3',
      unitType: 'LICENSE',
      termDurations: ['P1M', 'P1Y', 'P3Y'],
    });
    expect(one.body).not.toHaveProperty('updatedAt');
  });

  it('filters by country and by words of the name or description', async () => {
    const us = await allOffers(partner.token, '&country=us');
    expect(us.length).toBeGreaterThan(0);
    expect(us.every((o) => o.countries.includes('US'))).toBe(true);
    expect(us.map((o) => o.offerId)).not.toContain('dynamics-365-sales');
    const sales = await allOffers(partner.token, '&q=SALES%20force');
    expect(sales.map((o) => o.offerId)).toEqual(['dynamics-365-sales']);
    const bad = await call('GET', '/offers?country=XX', { token: partner.token });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('query.country');
  });

  it('lets operators create and replace offers, partners see them, and nobody else writes', async () => {
    const offerId = `backup-${randomUUID().slice(0, 8)}`;
    const created = await call('PUT', `/operator/offers/${offerId}`, { token: operator, body: offerBody() });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    expect(created.body).toMatchObject({ offerId, countries: ['ES', 'FR'], available: true });
    const replaced = await call('PUT', `/operator/offers/${offerId}`, {
      token: operator,
      body: offerBody({ available: false, maxQuantity: 80 }),
    });
    expect(replaced.status).toBe(200);
    const seen = await call('GET', `/offers/${offerId}`, { token: partner.token });
    expect(seen.body).toMatchObject({ available: false, maxQuantity: 80 });

    const partnerPut = await call('PUT', `/operator/offers/${offerId}`, {
      token: partner.token,
      body: offerBody(),
    });
    expect(partnerPut.status).toBe(403);
    expect((await call('GET', '/offers/no-such-offer', { token: partner.token })).body.code).toBe(
      'NOT_FOUND',
    );
  });

  it.each([
    [{ minQuantity: 10, maxQuantity: 5 }, 'body.maxQuantity'],
    [{ termDurations: [] }, 'body.termDurations'],
    [{ termDurations: ['P1M', 'P1M'] }, 'body.termDurations'],
    [{ termDurations: ['P2Y'] }, 'body.termDurations.0'],
    [{ countries: ['ZZ'] }, 'body.countries.0'],
    [{ name: '' }, 'body.name'],
  ])('refuses %j with VALIDATION_FAILED at %s', async (over, path) => {
    const res = await call('PUT', '/operator/offers/refused-offer', {
      token: operator,
      body: offerBody(over),
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    expect((await call('GET', '/offers/refused-offer', { token: partner.token })).status).toBe(404);
  });
});
