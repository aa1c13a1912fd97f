import { beforeEach, describe, expect, it } from 'vitest';
import {
  type CommerceDeps,
  getOrder,
  listOrders,
  placeOrder,
} from '../../../functions/commerce/domain/orders.ts';
import { runSubscriptionTimer } from '../../../functions/commerce/domain/renewals.ts';
import {
  cancelSubscription,
  getSubscription,
  listSubscriptions,
  ownSubscriptions,
  patchSubscription,
  reactivateSubscription,
  suspendSubscription,
} from '../../../functions/commerce/domain/subscriptions.ts';
import { termEnd, timerName } from '../../../functions/commerce/domain/terms.ts';
import type { OrganizationRecord, Principal } from '../../../functions/identity/domain/model.ts';
import { SAMPLE_OFFERS } from '../../../infra/local/offers.ts';
import { FakeCommerceStore, FakeCustomerLinks, FakeOfferStore, FakeTimers } from '../fakes/commerce-store.ts';
import { addOrganization, addUser, type FakePorts, fakePorts, T0 } from '../fakes/deps.ts';
import { expectCode } from '../fakes/expect-code.ts';

const DAY = 86_400;
const line = (over: Record<string, unknown> = {}) => ({
  offerId: 'm365-e3',
  quantity: 10,
  termDuration: 'P1M',
  billingCycle: 'MONTHLY',
  ...over,
});

describe('commerce', () => {
  let p: FakePorts;
  let deps: CommerceDeps & { commerce: FakeCommerceStore; timers: FakeTimers };
  let links: FakeCustomerLinks;
  let provider: { org: OrganizationRecord; admin: Principal };
  let reseller: { org: OrganizationRecord; admin: Principal };
  let customer: { org: OrganizationRecord; admin: Principal };
  let outsider: { org: OrganizationRecord; admin: Principal };

  /** The customer shared by `resellerOrg` with `providerOrg`, as an accepted combined invitation writes it. */
  const share = (cust: OrganizationRecord, resellerOrg: OrganizationRecord, providerOrg = provider.org) => {
    const row = {
      customerId: cust.id,
      name: cust.name,
      domain: cust.domain,
      country: cust.country,
      delegatedAdmin: false,
      since: T0.toISOString(),
    };
    links.add(resellerOrg.id, { ...row, indirectProviderId: providerOrg.id });
    links.add(providerOrg.id, { ...row, indirectResellerId: resellerOrg.id });
  };

  const ordered = async (lineItems = [line()], by = provider.admin, cust = customer.org) =>
    placeOrder(deps, by, cust.id, { lineItems });

  beforeEach(async () => {
    p = fakePorts(T0);
    links = new FakeCustomerLinks();
    const offers = new FakeOfferStore();
    for (const offer of SAMPLE_OFFERS) await offers.put({ ...offer, updatedAt: T0.toISOString() });
    deps = {
      offers,
      commerce: new FakeCommerceStore(),
      customers: links,
      organizations: p.identity,
      timers: new FakeTimers(),
      mailer: p.mailer,
      clock: p.clock,
      metrics: p.metrics,
    };
    provider = await addOrganization(p, 'prov', ['INDIRECT_PROVIDER']);
    reseller = await addOrganization(p, 'res', ['RESELLER'], { mpnId: '1234567' });
    customer = await addOrganization(p, 'cust');
    outsider = await addOrganization(p, 'other', ['INDIRECT_PROVIDER']);
    share(customer.org, reseller.org);
  });

  describe('orders', () => {
    it('derives the reseller of record with its MPN ID, makes one subscription per line, arms each term, emails both sides', async () => {
      const order = await ordered([
        line(),
        line({ offerId: 'm365-business-basic', quantity: 3, termDuration: 'P1Y' }),
      ]);
      expect(order).toMatchObject({
        customerId: customer.org.id,
        providerId: provider.org.id,
        resellerOfRecord: { organizationId: reseller.org.id, name: reseller.org.name, mpnId: '1234567' },
        status: 'COMPLETED',
        createdAt: T0.toISOString(),
      });
      expect(order.lineItems.map((l) => l.lineItemNumber)).toEqual([0, 1]);
      const subs = await Promise.all(
        order.lineItems.map((l) => getSubscription(deps, provider.admin, customer.org.id, l.subscriptionId)),
      );
      expect(subs[0]).toMatchObject({
        quantity: 10,
        status: 'ACTIVE',
        autoRenew: true,
        assignedLicenses: 0,
        termStartDate: T0.toISOString(),
        termEndDate: '2026-04-02T09:00:00.000Z',
        cancellationAllowedUntil: '2026-03-09T09:00:00.000Z',
        resellerOfRecord: { mpnId: '1234567' },
        etag: '"1"',
      });
      expect(subs[1]?.termEndDate).toBe('2027-03-02T09:00:00.000Z');
      expect([...deps.timers.pending.values()].map((t) => [t.input.kind, t.due.toISOString()])).toEqual([
        ['NOTICE', '2026-03-26T09:00:00.000Z'],
        ['TERM_END', '2026-04-02T09:00:00.000Z'],
        ['NOTICE', '2027-02-23T09:00:00.000Z'],
        ['TERM_END', '2027-03-02T09:00:00.000Z'],
      ]);
      expect(p.mailer.sent.map((m) => m.to).sort()).toEqual([
        `ada@${customer.org.domain}`,
        `ada@${reseller.org.domain}`,
      ]);
      expect(deps.commerce.records).toEqual([
        { operation: 'ORDER_PLACED', log: provider.org.id, resourceId: order.orderId },
      ]);
    });

    it('refuses a caller that is no indirect provider', async () => {
      await expectCode('NOT_AN_INDIRECT_PROVIDER', ordered([line()], reseller.admin));
    });

    it('answers 404 to a provider the customer is not shared with, and to any organization without a relationship', async () => {
      await expectCode('NOT_FOUND', ordered([line()], outsider.admin));
      const fresh = await addOrganization(p, 'fresh');
      await expectCode('NOT_FOUND', ordered([line()], fresh.admin));
      // A reseller's own row does not make its organization a buyer either.
      const both = await addOrganization(p, 'both', ['INDIRECT_PROVIDER', 'RESELLER'], { mpnId: '5555555' });
      links.add(both.org.id, {
        ...(links.rows.get(reseller.org.id)?.[0] ?? ({} as never)),
        indirectProviderId: undefined,
      });
      await expectCode('NOT_FOUND', ordered([line()], both.admin));
    });

    it('needs resellerId when several resellers share the customer, and only one of them', async () => {
      const second = await addOrganization(p, 'res2', ['RESELLER'], { mpnId: '7654321' });
      share(customer.org, second.org);
      const refused = await expectCode('RESELLER_OF_RECORD_REQUIRED', ordered());
      expect(refused.errors).toEqual([
        { path: 'body.resellerId', message: expect.stringContaining(second.org.id) },
      ]);
      await expectCode(
        'RESELLER_OF_RECORD_REQUIRED',
        placeOrder(deps, provider.admin, customer.org.id, {
          resellerId: outsider.org.id,
          lineItems: [line()],
        }),
      );
      const order = await placeOrder(deps, provider.admin, customer.org.id, {
        resellerId: second.org.id,
        lineItems: [line()],
      });
      expect(order.resellerOfRecord).toEqual({
        organizationId: second.org.id,
        name: second.org.name,
        mpnId: '7654321',
      });
    });

    it('checks every line first: a bad second line writes nothing, arms nothing, emails nobody', async () => {
      const before = deps.commerce.dump();
      const refused = await expectCode(
        'QUANTITY_OUT_OF_RANGE',
        ordered([line(), line({ quantity: 10_001 })]),
      );
      expect(refused.errors).toEqual([
        { path: 'body.lineItems.1.quantity', message: 'must be from 1 to 10000 for Microsoft 365 E3' },
      ]);
      expect(deps.commerce.dump()).toBe(before);
      expect(deps.timers.pending.size).toBe(0);
      expect(p.mailer.sent).toEqual([]);
      expect(p.metrics.counted).toEqual([]);
    });

    it('counts an order once it is written, whatever its number of lines', async () => {
      await ordered([line(), line({ quantity: 3 })]);

      expect(p.metrics.counted).toEqual([{ metric: 'orderPlaced', n: 1 }]);
    });

    it('names each bad line and field', async () => {
      const missing = await expectCode('OFFER_NOT_FOUND', ordered([line({ offerId: 'nope' })]));
      expect(missing.errors?.[0]?.path).toBe('body.lineItems.0.offerId');
      const unavailable = await expectCode(
        'OFFER_NOT_AVAILABLE',
        ordered([line(), line({ offerId: 'visio-plan-2' })]),
      );
      expect(unavailable.errors?.[0]?.path).toBe('body.lineItems.1.offerId');
      const term = await expectCode(
        'TERM_NOT_SUPPORTED',
        ordered([
          line({ offerId: 'dynamics-365-sales', quantity: 5, termDuration: 'P1M', billingCycle: 'MONTHLY' }),
        ]),
      );
      expect(term.errors?.map((e) => e.path)).toEqual([
        'body.lineItems.0.termDuration',
        'body.lineItems.0.billingCycle',
      ]);
      const few = await expectCode(
        'QUANTITY_OUT_OF_RANGE',
        ordered([
          line({ offerId: 'dynamics-365-sales', quantity: 4, termDuration: 'P1Y', billingCycle: 'ANNUAL' }),
        ]),
      );
      expect(few.errors?.[0]?.message).toContain('from 5 to 5000');
    });

    it('refuses an offer not sold in the customer’s country', async () => {
      const us = await addOrganization(p, 'us', [], { country: 'US' });
      share(us.org, reseller.org);
      const refused = await expectCode(
        'OFFER_NOT_AVAILABLE',
        ordered(
          [line({ offerId: 'dynamics-365-sales', quantity: 5, termDuration: 'P1Y', billingCycle: 'ANNUAL' })],
          provider.admin,
          us.org,
        ),
      );
      expect(refused.detail).toContain('(US)');
    });

    it('refuses a reseller of record without an MPN ID rather than losing its incentives', async () => {
      const old = await addOrganization(p, 'old', ['RESELLER']);
      const cust2 = await addOrganization(p, 'cust2');
      share(cust2.org, old.org);
      await expectCode('CONFLICT', ordered([line()], provider.admin, cust2.org));
    });

    it('shows an order to the provider and the reseller of record, 404 to others', async () => {
      const order = await ordered();
      expect(await getOrder(deps, reseller.admin, customer.org.id, order.orderId)).toEqual(order);
      expect((await listOrders(deps, provider.admin, customer.org.id, { limit: 25 })).items).toEqual([order]);
      expect((await listOrders(deps, reseller.admin, customer.org.id, { limit: 25 })).items).toEqual([order]);
      await expectCode('NOT_FOUND', getOrder(deps, outsider.admin, customer.org.id, order.orderId));
      await expectCode('NOT_FOUND', listOrders(deps, outsider.admin, customer.org.id, { limit: 25 }));
      await expectCode('NOT_FOUND', getOrder(deps, provider.admin, customer.org.id, 'nope'));
    });
  });

  describe('subscriptions', () => {
    let subscriptionId: string;
    let ref: { customerId: string; subscriptionId: string; ifMatch: string | undefined };
    beforeEach(async () => {
      const order = await ordered([line({ offerId: 'm365-business-basic', quantity: 10 })]);
      subscriptionId = order.lineItems[0]?.subscriptionId ?? '';
      ref = { customerId: customer.org.id, subscriptionId, ifMatch: '"1"' };
    });

    it('lists for the provider, the reseller of record and the customer’s own admin', async () => {
      for (const who of [provider.admin, reseller.admin])
        expect(
          (await listSubscriptions(deps, who, customer.org.id, { limit: 25 })).items.map(
            (s) => s.subscriptionId,
          ),
        ).toEqual([subscriptionId]);
      expect((await ownSubscriptions(deps, customer.admin, { limit: 25 })).items).toHaveLength(1);
      expect(
        (await listSubscriptions(deps, provider.admin, customer.org.id, { status: 'SUSPENDED', limit: 25 }))
          .items,
      ).toEqual([]);
      await expectCode('NOT_FOUND', getSubscription(deps, outsider.admin, customer.org.id, subscriptionId));
    });

    it('needs If-Match on PATCH, and the current one', async () => {
      await expectCode(
        'PRECONDITION_REQUIRED',
        patchSubscription(deps, reseller.admin, { ...ref, ifMatch: undefined }, { autoRenew: false }),
      );
      await expectCode(
        'PRECONDITION_FAILED',
        patchSubscription(deps, reseller.admin, { ...ref, ifMatch: '"7"' }, { autoRenew: false }),
      );
      const patched = await patchSubscription(
        deps,
        reseller.admin,
        { ...ref, ifMatch: 'W/"1"' },
        { autoRenew: false, friendlyName: 'Sales' },
      );
      expect(patched).toMatchObject({ autoRenew: false, friendlyName: 'Sales', etag: '"2"' });
      expect(deps.commerce.records.at(-1)).toEqual({
        operation: 'SUBSCRIPTION_UPDATED',
        log: reseller.org.id,
        resourceId: subscriptionId,
      });
    });

    it('answers 412 when another change wins between the read and the write', async () => {
      deps.commerce.beforeNextUpdate = () => {
        const stored = deps.commerce.subscriptions.get(subscriptionId);
        if (stored) stored.version = 2;
      };
      await expectCode(
        'PRECONDITION_FAILED',
        patchSubscription(deps, provider.admin, ref, { friendlyName: 'Mine' }),
      );
    });

    it('lets only the buying provider change the quantity, within the offer’s range and the assigned licenses', async () => {
      await expectCode('FORBIDDEN', patchSubscription(deps, reseller.admin, ref, { quantity: 12 }));
      const range = await expectCode(
        'QUANTITY_OUT_OF_RANGE',
        patchSubscription(deps, provider.admin, ref, { quantity: 301 }),
      );
      expect(range.errors).toEqual([{ path: 'body.quantity', message: 'must be from 1 to 300' }]);
      const stored = deps.commerce.subscriptions.get(subscriptionId);
      if (stored) stored.assignedLicenses = 8;
      await expectCode('LICENSES_IN_USE', patchSubscription(deps, provider.admin, ref, { quantity: 7 }));
      expect(await patchSubscription(deps, provider.admin, ref, { quantity: 8 })).toMatchObject({
        quantity: 8,
      });
    });

    it('refuses a decrease after the 7-day window, not an increase', async () => {
      p.clock.advance(7 * DAY + 1);
      await expectCode(
        'QUANTITY_DECREASE_NOT_ALLOWED',
        patchSubscription(deps, provider.admin, ref, { quantity: 9 }),
      );
      expect(await patchSubscription(deps, provider.admin, ref, { quantity: 11 })).toMatchObject({
        quantity: 11,
      });
    });

    it('keeps helpdesk agents off adminAgentOnly offers', async () => {
      const helpdesk = await addUser(p, provider.org, 'hal', 'HELPDESK_AGENT', 'NONE');
      const agent = await addUser(p, provider.org, 'ann', 'ADMIN_AGENT', 'NONE');
      await expectCode('FORBIDDEN', patchSubscription(deps, helpdesk, ref, { friendlyName: 'Help' }));
      await expectCode('FORBIDDEN', suspendSubscription(deps, helpdesk, ref));
      expect(await patchSubscription(deps, agent, ref, { friendlyName: 'Agent' })).toMatchObject({
        friendlyName: 'Agent',
      });
    });

    it('suspends and reactivates, refusing the wrong state', async () => {
      await expectCode('SUBSCRIPTION_NOT_SUSPENDED', reactivateSubscription(deps, reseller.admin, ref));
      const suspended = await suspendSubscription(deps, reseller.admin, { ...ref, ifMatch: undefined });
      expect(suspended.status).toBe('SUSPENDED');
      await expectCode(
        'SUBSCRIPTION_NOT_ACTIVE',
        suspendSubscription(deps, reseller.admin, { ...ref, ifMatch: undefined }),
      );
      await expectCode(
        'SUBSCRIPTION_NOT_ACTIVE',
        patchSubscription(deps, reseller.admin, { ...ref, ifMatch: suspended.etag }, { autoRenew: false }),
      );
      await expectCode('PRECONDITION_FAILED', reactivateSubscription(deps, reseller.admin, ref));
      expect(
        (await reactivateSubscription(deps, reseller.admin, { ...ref, ifMatch: suspended.etag })).status,
      ).toBe('ACTIVE');
    });

    it('cancels within 7 days only, by the buying provider, deleting its timers', async () => {
      await expectCode('FORBIDDEN', cancelSubscription(deps, reseller.admin, ref));
      const canceled = await cancelSubscription(deps, provider.admin, ref);
      expect(canceled).toMatchObject({ status: 'CANCELED', assignedLicenses: 0 });
      expect(deps.timers.pending.size).toBe(0);
      await expectCode(
        'SUBSCRIPTION_NOT_ACTIVE',
        cancelSubscription(deps, provider.admin, { ...ref, ifMatch: undefined }),
      );
    });

    it('closes the cancellation window after 7 days', async () => {
      p.clock.advance(7 * DAY + 1);
      await expectCode('CANCELLATION_WINDOW_CLOSED', cancelSubscription(deps, provider.admin, ref));
      expect(deps.timers.pending.size).toBe(2);
    });
  });

  describe('terms', () => {
    it('ends a term on the same day of the month, or the last day of a shorter month', () => {
      expect(termEnd(new Date('2027-01-31T10:00:00Z'), 'P1M').toISOString()).toBe('2027-02-28T10:00:00.000Z');
      expect(termEnd(new Date('2028-01-31T10:00:00Z'), 'P1M').toISOString()).toBe('2028-02-29T10:00:00.000Z');
      expect(termEnd(new Date('2026-12-15T00:00:00Z'), 'P1M').toISOString()).toBe('2027-01-15T00:00:00.000Z');
      expect(termEnd(new Date('2028-02-29T08:00:00Z'), 'P1Y').toISOString()).toBe('2029-02-28T08:00:00.000Z');
      expect(termEnd(new Date('2026-03-02T09:00:00Z'), 'P3Y').toISOString()).toBe('2029-03-02T09:00:00.000Z');
    });

    it('names timers as Scheduler allows', () => {
      const name = timerName({
        kind: 'TERM_END',
        customerId: 'c',
        subscriptionId: '01a236a9-ff9c-74d0-81ea-8e8522e88663',
        termEndDate: '2029-03-02T09:00:00.000Z',
      });
      expect(name).toBe('01a236a9-ff9c-74d0-81ea-8e8522e88663.e.20290302090000');
      expect(name).toMatch(/^[0-9A-Za-z_.-]{1,64}$/);
    });

    const fire = async (kind: 'NOTICE' | 'TERM_END', subscriptionId: string, termEndDate: string) =>
      runSubscriptionTimer(deps, { kind, customerId: customer.org.id, subscriptionId, termEndDate });

    it('sends the notice once, then arms the end; at the end it renews for a new term', async () => {
      const order = await ordered();
      const id = order.lineItems[0]?.subscriptionId ?? '';
      const end = '2026-04-02T09:00:00.000Z';
      p.mailer.sent.length = 0;
      await fire('NOTICE', id, end);
      expect(p.mailer.sent.map((m) => m.to).sort()).toEqual([
        `ada@${customer.org.domain}`,
        `ada@${reseller.org.domain}`,
      ]);
      await fire('NOTICE', id, end);
      expect(p.mailer.sent).toHaveLength(2);

      await fire('TERM_END', id, end);
      const renewed = await getSubscription(deps, provider.admin, customer.org.id, id);
      expect(renewed).toMatchObject({
        status: 'ACTIVE',
        termStartDate: end,
        termEndDate: '2026-05-02T09:00:00.000Z',
        cancellationAllowedUntil: '2026-04-09T09:00:00.000Z',
        etag: '"2"',
      });
      expect(deps.commerce.records.at(-1)).toMatchObject({
        operation: 'SUBSCRIPTION_RENEWED',
        log: provider.org.id,
      });
      expect(deps.timers.pending.get(`${id}.n.20260502090000`)?.due.toISOString()).toBe(
        '2026-04-25T09:00:00.000Z',
      );

      // A retried end of the old term changes nothing, but re-arms the current term if its timers are gone.
      deps.timers.pending.clear();
      await fire('TERM_END', id, end);
      expect((await getSubscription(deps, provider.admin, customer.org.id, id)).etag).toBe('"2"');
      expect([...deps.timers.pending.keys()].sort()).toEqual([
        `${id}.e.20260502090000`,
        `${id}.n.20260502090000`,
      ]);
    });

    it('ends a subscription without autoRenew EXPIRED, with no further timer', async () => {
      const order = await ordered();
      const id = order.lineItems[0]?.subscriptionId ?? '';
      await patchSubscription(
        deps,
        reseller.admin,
        { customerId: customer.org.id, subscriptionId: id, ifMatch: '"1"' },
        { autoRenew: false },
      );
      deps.timers.pending.clear();
      await fire('TERM_END', id, '2026-04-02T09:00:00.000Z');
      expect(await getSubscription(deps, provider.admin, customer.org.id, id)).toMatchObject({
        status: 'EXPIRED',
        assignedLicenses: 0,
      });
      expect(deps.timers.pending.size).toBe(0);
      expect(deps.commerce.records.at(-1)?.operation).toBe('SUBSCRIPTION_EXPIRED');
    });

    it('fails the step when the subscription changes meanwhile, so Scheduler calls it again', async () => {
      const order = await ordered();
      const id = order.lineItems[0]?.subscriptionId ?? '';
      deps.commerce.beforeNextUpdate = () => {
        const stored = deps.commerce.subscriptions.get(id);
        if (stored) stored.version = 5;
      };
      await expect(fire('TERM_END', id, '2026-04-02T09:00:00.000Z')).rejects.toThrow(
        /changed while its term ended/,
      );
    });
  });
});
