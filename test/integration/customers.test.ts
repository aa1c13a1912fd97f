import { beforeAll, describe, expect, it } from 'vitest';
import { encodeKey, expectCursorRefused, tampered } from '../support/cursors.ts';
import { approvedReseller, enrolledAsReseller, indirectProvider } from '../support/enrollment.ts';
import { type Account, verifiedAccount } from '../support/identity.ts';
import { acceptedCustomer, allPages, linkProviderAndReseller } from '../support/relationships.ts';
import { call, eventually } from '../support/runtime.ts';

/** The customer as a partner's list shows it; `extra` holds indirectProviderId / indirectResellerId. */
const row = (customer: Account, extra: Record<string, string> = {}) => ({
  customerId: customer.orgId,
  name: `Org ${customer.domain}`,
  domain: customer.domain,
  country: 'ES',
  delegatedAdmin: true,
  since: expect.any(String),
  status: 'ACTIVE',
  ...extra,
});

/**
 * delegatedAdmin follows the "Default" admin relationships, which the stream consumer makes from
 * each acceptance within a moment: wait until each partner administers its customer.
 */
const defaultsOf = (pairs: Array<[Account, Account]>) =>
  eventually(
    async () => {
      for (const [partner, customer] of pairs) {
        const users = await call('GET', `/customers/${customer.orgId}/users`, { token: partner.token });
        if (users.status !== 200) return undefined;
      }
      return true;
    },
    15_000,
    'the Default admin relationships',
  );

describe("an indirect provider's customers", () => {
  let provider: Account;
  let reseller: Account;
  let shared: Account;
  let direct: Account;
  beforeAll(async () => {
    [provider, reseller] = await Promise.all([indirectProvider(), approvedReseller()]);
    await linkProviderAndReseller(provider, reseller);
    [shared, direct] = await Promise.all([
      acceptedCustomer(reseller, provider.orgId),
      acceptedCustomer(reseller),
    ]);
    await defaultsOf([
      [provider, shared],
      [reseller, shared],
      [reseller, direct],
    ]);
  }, 120_000);

  it('lists and gets every customer shared through a combined invitation, with indirectResellerId', async () => {
    const list = await call('GET', '/customers', { token: provider.token });
    expect(list.status).toBe(200);
    expect(list.body).toEqual({ items: [row(shared, { indirectResellerId: reseller.orgId })] });

    const one = await call('GET', `/customers/${shared.orgId}`, { token: provider.token });
    expect(one.status).toBe(200);
    expect(one.body).toEqual(row(shared, { indirectResellerId: reseller.orgId }));

    // The reseller's customer it did not share stays the reseller's alone.
    const unshared = await call('GET', `/customers/${direct.orgId}`, { token: provider.token });
    expect(unshared.status).toBe(404);
    expect(unshared.body.code).toBe('NOT_FOUND');
  });

  it("keeps the reseller's view: indirectProviderId where the customer is shared", async () => {
    const items = await allPages('/customers', reseller.token, 1);
    expect(items).toHaveLength(2);
    expect(items).toEqual(
      expect.arrayContaining([row(shared, { indirectProviderId: provider.orgId }), row(direct)]),
    );
    expect((await call('GET', `/customers/${shared.orgId}`, { token: reseller.token })).body).toEqual(
      row(shared, { indirectProviderId: provider.orgId }),
    );
    const byReseller = await call('GET', `/indirect-resellers/${reseller.orgId}/customers`, {
      token: provider.token,
    });
    expect(byReseller.body.items.map((c: { customerId: string }) => c.customerId)).toEqual([shared.orgId]);
  });

  it("refuses a tampered cursor of the reseller's list with VALIDATION_FAILED", async () => {
    const first = await call('GET', '/customers?limit=1', { token: reseller.token });
    const cursor: string = first.body.nextCursor;
    expect(cursor).toEqual(expect.any(String));
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    for (const [what, changed] of [
      ...tampered(cursor, ['sk']),
      ['a sort key outside the list', { ...key, sk: `PROVIDER#${provider.orgId}` }],
    ] as Array<[string, unknown]>) {
      await expectCursorRefused('/customers', reseller.token, encodeKey(changed), what);
    }
    // The same cursor is not one of the provider's list.
    await expectCursorRefused('/customers', provider.token, cursor, "another organization's cursor");
  });

  it('answers 404 to every organization without a relationship with the customer', async () => {
    const [otherProvider, otherReseller, plain] = await Promise.all([
      indirectProvider(),
      approvedReseller(),
      verifiedAccount(),
    ]);
    for (const stranger of [otherProvider, otherReseller, plain, shared]) {
      const res = await call('GET', `/customers/${shared.orgId}`, { token: stranger.token });
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body.code).toBe('NOT_FOUND');
      const list = await call('GET', '/customers?limit=100', { token: stranger.token });
      expect(list.status).toBe(200);
      expect(list.body.items).toEqual([]);
    }
  });

  it('shows an organization that is both a reseller and a provider both kinds in one list', async () => {
    const both = await enrolledAsReseller(await indirectProvider());
    const partner = await approvedReseller();
    await linkProviderAndReseller(both, partner);
    const [own, throughPartner] = await Promise.all([
      acceptedCustomer(both),
      acceptedCustomer(partner, both.orgId),
    ]);
    await defaultsOf([
      [both, own],
      [both, throughPartner],
    ]);

    const items = await allPages('/customers', both.token, 1);
    expect(items).toHaveLength(2);
    expect(items).toEqual(
      expect.arrayContaining([row(own), row(throughPartner, { indirectResellerId: partner.orgId })]),
    );
    expect((await call('GET', `/customers/${own.orgId}`, { token: both.token })).body).toEqual(row(own));
    expect((await call('GET', `/customers/${throughPartner.orgId}`, { token: both.token })).body).toEqual(
      row(throughPartner, { indirectResellerId: partner.orgId }),
    );
  });
});
