import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  act,
  boughtSubscription,
  type CommerceWorld,
  commerceWorld,
  escapeRegExp,
  line,
  mailsTo,
  order,
  ordersPath,
  orgName,
  patch,
  plusDays,
  plusOneMonth,
  plusYears,
  postOrder,
  type Reseller,
  resellerWithMpn,
  setStored,
  shareCustomer,
  sharedCustomer,
  subscription,
  subscriptionsPath,
} from '../support/commerce.ts';
import { indirectProvider } from '../support/enrollment.ts';
import { type Account, userWithRoles, verifiedAccount } from '../support/identity.ts';
import { emailsSince } from '../support/mailbox.ts';
import { expectProblem } from '../support/problems.ts';
import { allPages, linkProviderAndReseller } from '../support/relationships.ts';
import { call, env, eventually } from '../support/runtime.ts';

type User = { token: string };

const nowSeconds = () => Math.floor(Date.now() / 1000) - 1;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ids = (items: Array<{ subscriptionId?: string; orderId?: string }>) =>
  items.map((i) => i.subscriptionId ?? i.orderId);

/** The subject of the order email to the customer's global admins (customer in ES → Spanish). */
const customerOrderSubject = (customer: Account, orderId: string) =>
  new RegExp(`^${escapeRegExp(`Nuevas suscripciones para ${orgName(customer)}: pedido ${orderId}`)}$`);
/** The subject of the order email to the reseller of record's global admins (reseller in ES → Spanish). */
const resellerOrderSubject = (customer: Account, orderId: string) =>
  new RegExp(
    `^${escapeRegExp(`Pedido ${orderId} para ${orgName(customer)}: usted es el revendedor de registro`)}$`,
  );

describe('orders and subscriptions', () => {
  let w: CommerceWorld;
  /** A second reseller of the provider; it shares `shared` with it too. */
  let reseller2: Reseller;
  /** A customer both resellers share with the provider. */
  let shared: Account;
  /** A customer in the US (dynamics-365-sales is not sold there). */
  let usCustomer: Account;
  /** A customer every refused order is tried on: nothing must ever be written for it. */
  let untouched: Account;
  /** A customer of the idempotency test (it counts orders). */
  let idem: Account;
  /** A customer of the term test. */
  let terms: Account;
  /** An indirect provider with no relationship with any of these customers. */
  let lonelyProvider: Account;
  /** A work account with no relationship at all. */
  let stranger: Account;
  /** Users of the provider: a helpdesk agent and an admin agent. */
  let helpdesk: User;
  let adminAgent: User;

  beforeAll(async () => {
    [w, reseller2, lonelyProvider, stranger] = await Promise.all([
      commerceWorld(),
      resellerWithMpn(),
      indirectProvider(),
      verifiedAccount(),
    ]);
    await linkProviderAndReseller(w.provider, reseller2);
    [shared, usCustomer, untouched, idem, terms, helpdesk, adminAgent] = await Promise.all([
      sharedCustomer(w.reseller, w.provider).then((c) => shareCustomer(reseller2, w.provider.orgId, c)),
      sharedCustomer(w.reseller, w.provider, 'US'),
      sharedCustomer(w.reseller, w.provider),
      sharedCustomer(w.reseller, w.provider),
      sharedCustomer(w.reseller, w.provider),
      userWithRoles(w.provider.token, w.provider.domain, 'HELPDESK_AGENT', 'NONE'),
      userWithRoles(w.provider.token, w.provider.domain, 'ADMIN_AGENT', 'NONE'),
    ]);
  }, 120_000);

  describe('placing orders', () => {
    it('derives the reseller of record, records its MPN ID on the order and every subscription, and emails customer and reseller', async () => {
      const since = nowSeconds();
      const before = new Date().toISOString();
      const lines = [line('m365-e3', 10, 'P1Y', 'ANNUAL'), line('m365-business-basic', 3, 'P1M', 'MONTHLY')];
      const res = await postOrder(w.provider, w.customer.orgId, { lineItems: lines });
      const after = new Date().toISOString();
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      const ofRecord = { organizationId: w.reseller.orgId, name: w.reseller.name, mpnId: w.reseller.mpnId };
      expect(res.body).toEqual({
        orderId: expect.any(String),
        customerId: w.customer.orgId,
        providerId: w.provider.orgId,
        resellerOfRecord: ofRecord,
        status: 'COMPLETED',
        createdAt: expect.any(String),
        lineItems: lines.map((l, n) => ({ lineItemNumber: n, ...l, subscriptionId: expect.any(String) })),
      });
      const placed = res.body;
      expect(placed.createdAt >= before && placed.createdAt <= after).toBe(true);
      const subscriptionIds: string[] = placed.lineItems.map(
        (l: { subscriptionId: string }) => l.subscriptionId,
      );
      expect(new Set(subscriptionIds).size).toBe(2);

      // The order, read back by the provider that bought and the reseller of record.
      for (const as of [w.provider, w.reseller]) {
        const one = await call('GET', `${ordersPath(w.customer.orgId)}/${placed.orderId}`, {
          token: as.token,
        });
        expect(one.status).toBe(200);
        expect(one.body).toEqual(placed);
        const listed = await allPages(ordersPath(w.customer.orgId), as.token, 100);
        expect(ids(listed)).toContain(placed.orderId);
      }

      // One subscription per line, each with the reseller of record and its MPN ID.
      for (const [n, l] of lines.entries()) {
        const subscriptionId = subscriptionIds[n] as string;
        const offer = await call('GET', `/offers/${l.offerId}`, { token: w.provider.token });
        const s = await subscription(w.provider, w.customer.orgId, subscriptionId);
        expect(s).toEqual({
          subscriptionId,
          customerId: w.customer.orgId,
          offerId: l.offerId,
          offerName: offer.body.name,
          friendlyName: offer.body.name,
          quantity: l.quantity,
          assignedLicenses: 0,
          status: 'ACTIVE',
          autoRenew: true,
          termDuration: l.termDuration,
          billingCycle: l.billingCycle,
          termStartDate: expect.any(String),
          termEndDate: expect.any(String),
          cancellationAllowedUntil: expect.any(String),
          resellerOfRecord: ofRecord,
          providerId: w.provider.orgId,
          orderId: placed.orderId,
          etag: expect.any(String),
        });
        expect(s.termStartDate >= before && s.termStartDate <= after).toBe(true);
        expect(s.termEndDate).toBe(
          l.termDuration === 'P1Y' ? plusYears(s.termStartDate, 1) : plusOneMonth(s.termStartDate),
        );
        expect(s.cancellationAllowedUntil).toBe(plusDays(s.termStartDate, 7));
        // The reseller of record sees the same subscription.
        expect(await subscription(w.reseller, w.customer.orgId, subscriptionId)).toEqual(s);
      }
      for (const as of [w.provider, w.reseller]) {
        const listed = await allPages(subscriptionsPath(w.customer.orgId), as.token, 100);
        expect(ids(listed)).toEqual(expect.arrayContaining(subscriptionIds));
      }

      // Emails: the customer's global admin (ES → Spanish) and the reseller's global admin.
      await mailsOf(w.customer.email, customerOrderSubject(w.customer, placed.orderId), since, 1);
      const [toReseller] = await mailsOf(
        w.reseller.email,
        resellerOrderSubject(w.customer, placed.orderId),
        since,
        1,
      );
      expect(toReseller?.body.text).toContain(w.reseller.mpnId);

      // The provider's activity log holds the order.
      const activity = await call('GET', `/activity?customerId=${w.customer.orgId}`, {
        token: w.provider.token,
      });
      expect(activity.status).toBe(200);
      expect(activity.body.items).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ operation: 'ORDER_PLACED', resourceId: placed.orderId }),
        ]),
      );
    });

    it('answers NOT_AN_INDIRECT_PROVIDER to a reseller, which orders through its provider', async () => {
      const res = await postOrder(w.reseller, untouched.orgId, {
        lineItems: [line('m365-e3', 1, 'P1M', 'MONTHLY')],
      });
      expectProblem(res, 422, 'NOT_AN_INDIRECT_PROVIDER');
    });

    it.each([
      [
        'an unknown offer on line 1',
        [line('m365-e3', 1, 'P1M', 'MONTHLY'), line('no-such-offer', 1, 'P1M', 'MONTHLY')],
        'OFFER_NOT_FOUND',
        'body.lineItems.1.offerId',
      ],
      [
        'an unavailable offer',
        [line('visio-plan-2', 1, 'P1M', 'MONTHLY')],
        'OFFER_NOT_AVAILABLE',
        'body.lineItems.0.offerId',
      ],
      [
        'more than the maximum (300) on line 1',
        [line('m365-e3', 1, 'P1M', 'MONTHLY'), line('m365-business-basic', 301, 'P1M', 'MONTHLY')],
        'QUANTITY_OUT_OF_RANGE',
        'body.lineItems.1.quantity',
      ],
      [
        'less than the minimum (5)',
        [line('dynamics-365-sales', 4, 'P1Y', 'ANNUAL')],
        'QUANTITY_OUT_OF_RANGE',
        'body.lineItems.0.quantity',
      ],
      [
        'a term the offer is not sold for',
        [line('dynamics-365-sales', 5, 'P1M', 'ANNUAL')],
        'TERM_NOT_SUPPORTED',
        'body.lineItems.0.termDuration',
      ],
      [
        'a billing cycle the offer lacks',
        [line('dynamics-365-sales', 5, 'P1Y', 'MONTHLY')],
        'TERM_NOT_SUPPORTED',
        'body.lineItems.0.billingCycle',
      ],
      [
        'a term no offer knows (enums are open)',
        [line('m365-e3', 1, 'P2Y', 'MONTHLY')],
        'TERM_NOT_SUPPORTED',
        'body.lineItems.0.termDuration',
      ],
    ])('refuses %s with its code, naming the line', async (_what, lineItems, code, path) => {
      const res = await postOrder(w.provider, untouched.orgId, { lineItems });
      expectProblem(res, 422, code, path);
    });

    it('answers OFFER_NOT_AVAILABLE for an offer not sold in the customer’s country', async () => {
      const res = await postOrder(w.provider, usCustomer.orgId, {
        lineItems: [line('m365-e3', 1, 'P1M', 'MONTHLY'), line('dynamics-365-sales', 5, 'P1Y', 'ANNUAL')],
      });
      expectProblem(res, 422, 'OFFER_NOT_AVAILABLE', 'body.lineItems.1.offerId');
      expect(
        (await call('GET', subscriptionsPath(usCustomer.orgId), { token: w.provider.token })).body.items,
      ).toEqual([]);
      // The same offer is sold to a customer in Spain.
      const inSpain = await order(w.provider, w.customer.orgId, [
        line('dynamics-365-sales', 5, 'P1Y', 'ANNUAL'),
      ]);
      expect(inSpain.lineItems).toHaveLength(1);
      // And to the US customer, an offer sold there.
      const inUs = await order(w.provider, usCustomer.orgId, [line('m365-e3', 1, 'P1M', 'MONTHLY')]);
      expect(inUs.lineItems).toHaveLength(1);
    });

    it('is all or nothing: a bad second line leaves no order, no subscription and no email', async () => {
      const res = await postOrder(w.provider, untouched.orgId, {
        lineItems: [line('m365-e3', 2, 'P1Y', 'ANNUAL'), line('m365-business-basic', 400, 'P1M', 'MONTHLY')],
      });
      expectProblem(res, 422, 'QUANTITY_OUT_OF_RANGE', 'body.lineItems.1.quantity');
      await sleep(1000);
      // Nothing for this customer from this or any of the refused orders before it.
      for (const as of [w.provider, w.reseller]) {
        const subs = await call('GET', subscriptionsPath(untouched.orgId), { token: as.token });
        expect(subs.status).toBe(200);
        expect(subs.body.items).toEqual([]);
        const orders = await call('GET', ordersPath(untouched.orgId), { token: as.token });
        expect(orders.status).toBe(200);
        expect(orders.body.items).toEqual([]);
      }
      const own = await call('GET', '/subscriptions', { token: untouched.token });
      expect(own.body.items).toEqual([]);
      // No order email, ever, to the customer or about it to the reseller.
      expect(await mailsTo(untouched.email, /pedido|order/i, 0)).toEqual([]);
      expect(
        await mailsTo(w.reseller.email, new RegExp(`^Pedido .*${escapeRegExp(orgName(untouched))}`), 0),
      ).toEqual([]);
    });

    it('needs resellerId when two resellers share the customer, and records the one named', async () => {
      const lineItems = [line('m365-e3', 4, 'P1M', 'MONTHLY')];
      const missing = await postOrder(w.provider, shared.orgId, { lineItems });
      expectProblem(missing, 422, 'RESELLER_OF_RECORD_REQUIRED');
      const notSharing = await postOrder(w.provider, shared.orgId, { resellerId: stranger.orgId, lineItems });
      expectProblem(notSharing, 422, 'RESELLER_OF_RECORD_REQUIRED');
      const unrelatedReseller = await postOrder(w.provider, shared.orgId, {
        resellerId: lonelyProvider.orgId,
        lineItems,
      });
      expectProblem(unrelatedReseller, 422, 'RESELLER_OF_RECORD_REQUIRED');
      expect((await call('GET', ordersPath(shared.orgId), { token: w.provider.token })).body.items).toEqual(
        [],
      );

      const since = nowSeconds();
      const placed = await order(w.provider, shared.orgId, lineItems, reseller2.orgId);
      const ofRecord = { organizationId: reseller2.orgId, name: reseller2.name, mpnId: reseller2.mpnId };
      expect(placed.resellerOfRecord).toEqual(ofRecord);
      const subscriptionId = placed.lineItems[0].subscriptionId;
      const s = await subscription(reseller2, shared.orgId, subscriptionId);
      expect(s.resellerOfRecord).toEqual(ofRecord);
      expect(
        (await call('GET', `${ordersPath(shared.orgId)}/${placed.orderId}`, { token: reseller2.token })).body,
      ).toEqual(placed);
      await mailsOf(reseller2.email, resellerOrderSubject(shared, placed.orderId), since, 1);
      await mailsOf(shared.email, customerOrderSubject(shared, placed.orderId), since, 1);

      // The other reseller shares the customer but is not of record for this order: it sees none of it.
      expect(
        (await call('GET', `${ordersPath(shared.orgId)}/${placed.orderId}`, { token: w.reseller.token }))
          .status,
      ).toBe(404);
      expect(
        (await call('GET', subscriptionsPath(shared.orgId, subscriptionId), { token: w.reseller.token }))
          .status,
      ).toBe(404);
      expect((await call('GET', ordersPath(shared.orgId), { token: w.reseller.token })).body.items).toEqual(
        [],
      );
      expect(
        (await call('GET', subscriptionsPath(shared.orgId), { token: w.reseller.token })).body.items,
      ).toEqual([]);
      expect(await mailsTo(w.reseller.email, new RegExp(escapeRegExp(placed.orderId)), since)).toEqual([]);

      // Naming the other reseller records that one.
      const other = await order(w.provider, shared.orgId, lineItems, w.reseller.orgId);
      expect(other.resellerOfRecord).toEqual({
        organizationId: w.reseller.orgId,
        name: w.reseller.name,
        mpnId: w.reseller.mpnId,
      });
      expect(
        ids((await call('GET', ordersPath(shared.orgId), { token: w.reseller.token })).body.items),
      ).toEqual([other.orderId]);
      expect(
        ids((await call('GET', ordersPath(shared.orgId), { token: w.provider.token })).body.items).sort(),
      ).toEqual([placed.orderId, other.orderId].sort());
    });

    it('replays the first answer to the same Idempotency-Key: one order, one set of subscriptions, one email each', async () => {
      const since = nowSeconds();
      const key = randomUUID();
      const body = {
        lineItems: [line('m365-e3', 7, 'P1Y', 'MONTHLY'), line('m365-business-basic', 2, 'P1Y', 'ANNUAL')],
      };
      const first = await postOrder(w.provider, idem.orgId, body, { 'Idempotency-Key': key });
      expect(first.status, JSON.stringify(first.body)).toBe(201);
      const replay = await postOrder(w.provider, idem.orgId, body, { 'Idempotency-Key': key });
      expect(replay.status, JSON.stringify(replay.body)).toBe(201);
      expect(replay.body).toEqual(first.body);
      const parallel = await Promise.all(
        [1, 2, 3].map(() => postOrder(w.provider, idem.orgId, body, { 'Idempotency-Key': key })),
      );
      for (const res of parallel) {
        expect(res.status, JSON.stringify(res.body)).toBe(201);
        expect(res.body).toEqual(first.body);
      }

      const orders = await call('GET', ordersPath(idem.orgId), { token: w.provider.token });
      expect(ids(orders.body.items)).toEqual([first.body.orderId]);
      const subs = await call('GET', subscriptionsPath(idem.orgId), { token: w.provider.token });
      expect(ids(subs.body.items).sort()).toEqual(
        first.body.lineItems.map((l: { subscriptionId: string }) => l.subscriptionId).sort(),
      );
      await mailsOf(idem.email, customerOrderSubject(idem, first.body.orderId), since, 1);
      await mailsOf(w.reseller.email, resellerOrderSubject(idem, first.body.orderId), since, 1);
      await sleep(1000);
      expect(await mailsTo(idem.email, /pedido/i, since)).toHaveLength(1);
      expect(await mailsTo(w.reseller.email, new RegExp(escapeRegExp(orgName(idem))), since)).toHaveLength(1);
    });
  });

  describe('who sees what', () => {
    it('answers 404 to organizations without a relationship, on POST orders and every read', async () => {
      const placed = await order(w.provider, w.customer.orgId, [line('m365-e3', 1, 'P1M', 'MONTHLY')]);
      const subscriptionId = placed.lineItems[0].subscriptionId;
      const s = await subscription(w.provider, w.customer.orgId, subscriptionId);
      const c = w.customer.orgId;
      const got: unknown[] = [];
      const expected: unknown[] = [];
      for (const [who, as] of [
        ['a fresh work account', stranger],
        ['an indirect provider with no relationship', lonelyProvider],
      ] as const) {
        const answers = {
          postOrder: await postOrder(as, c, { lineItems: [line('m365-e3', 1, 'P1M', 'MONTHLY')] }),
          listOrders: await call('GET', ordersPath(c), { token: as.token }),
          getOrder: await call('GET', `${ordersPath(c)}/${placed.orderId}`, { token: as.token }),
          listSubscriptions: await call('GET', subscriptionsPath(c), { token: as.token }),
          getSubscription: await call('GET', subscriptionsPath(c, subscriptionId), { token: as.token }),
          patch: await patch(as, c, subscriptionId, { friendlyName: 'Mine now' }, s.etag),
          suspend: await act(as, c, subscriptionId, 'suspend'),
          cancel: await act(as, c, subscriptionId, 'cancel'),
        };
        for (const [what, res] of Object.entries(answers)) {
          got.push(`${who}: ${what} → ${res.status} ${res.body.code}`);
          expected.push(`${who}: ${what} → 404 NOT_FOUND`);
        }
      }
      // Soft: the reads below still run when the POST answers otherwise.
      expect.soft(got).toEqual(expected);
      // Nothing changed.
      expect(await subscription(w.provider, c, subscriptionId)).toEqual(s);
      // The customer itself is no partner of its own: it reads its subscriptions through GET /subscriptions.
      expect((await call('GET', ordersPath(c), { token: w.customer.token })).status).toBe(404);
    });

    it('shows a customer’s global admin its own subscriptions on GET /subscriptions, and nobody else’s', async () => {
      const s = await boughtSubscription(w, line('m365-e3', 2, 'P1M', 'MONTHLY'));
      const bought = await allPages(subscriptionsPath(w.customer.orgId), w.provider.token, 100);
      const own = await allPages('/subscriptions', w.customer.token, 100);
      expect(ids(own).sort()).toEqual(ids(bought).sort());
      expect(own.find((o) => o.subscriptionId === s.subscriptionId)).toEqual(s);
      expect(own.every((o) => o.customerId === w.customer.orgId)).toBe(true);

      const suspended = await act(w.provider, w.customer.orgId, s.subscriptionId, 'suspend');
      expect(suspended.status).toBe(200);
      const onlySuspended = await allPages('/subscriptions?status=SUSPENDED', w.customer.token, 100);
      expect(ids(onlySuspended)).toContain(s.subscriptionId);
      expect(onlySuspended.every((o) => o.status === 'SUSPENDED')).toBe(true);
      const active = await allPages('/subscriptions?status=ACTIVE', w.customer.token, 100);
      expect(ids(active)).not.toContain(s.subscriptionId);

      // Partners' own organizations bought nothing for themselves.
      expect((await call('GET', '/subscriptions', { token: w.provider.token })).body.items).toEqual([]);
      const agent = await userWithRoles(w.customer.token, w.customer.domain, 'ADMIN_AGENT', 'NONE');
      expectProblem(await call('GET', '/subscriptions', { token: agent.token }), 403, 'FORBIDDEN');
    });
  });

  describe('changing subscriptions', () => {
    it('needs If-Match on PATCH (428) and refuses a stale one (412), changing nothing', async () => {
      const s = await boughtSubscription(w, line('m365-e3', 5, 'P1M', 'MONTHLY'));
      const c = w.customer.orgId;
      expectProblem(
        await patch(w.provider, c, s.subscriptionId, { friendlyName: 'No precondition' }),
        428,
        'PRECONDITION_REQUIRED',
      );
      expect(await subscription(w.provider, c, s.subscriptionId)).toEqual(s);

      const changed = await patch(w.provider, c, s.subscriptionId, { friendlyName: 'Sales team' }, s.etag);
      expect(changed.status, JSON.stringify(changed.body)).toBe(200);
      expect(changed.body).toEqual({ ...s, friendlyName: 'Sales team', etag: expect.any(String) });
      expect(changed.body.etag).not.toBe(s.etag);
      expect(await subscription(w.provider, c, s.subscriptionId)).toEqual(changed.body);

      expectProblem(
        await patch(w.provider, c, s.subscriptionId, { friendlyName: 'Stale' }, s.etag),
        412,
        'PRECONDITION_FAILED',
      );
      for (const action of ['suspend', 'cancel'] as const)
        expectProblem(await act(w.provider, c, s.subscriptionId, action, s.etag), 412, 'PRECONDITION_FAILED');
      expect(await subscription(w.provider, c, s.subscriptionId)).toEqual(changed.body);

      // Sent and current, If-Match lets suspend and reactivate through.
      const suspended = await act(w.provider, c, s.subscriptionId, 'suspend', changed.body.etag);
      expect(suspended.status).toBe(200);
      expectProblem(
        await act(w.provider, c, s.subscriptionId, 'reactivate', changed.body.etag),
        412,
        'PRECONDITION_FAILED',
      );
      const reactivated = await act(w.provider, c, s.subscriptionId, 'reactivate', suspended.body.etag);
      expect(reactivated.status).toBe(200);
      expect(reactivated.body.status).toBe('ACTIVE');
    });

    it('lets exactly one of 20 concurrent PATCHes with the same etag win; the others get 412', async () => {
      const s = await boughtSubscription(w, line('m365-e3', 5, 'P1M', 'MONTHLY'));
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          patch(w.provider, w.customer.orgId, s.subscriptionId, { friendlyName: `Racer ${i}` }, s.etag),
        ),
      );
      const statuses = answers.map((a) => a.status);
      expect(
        statuses.filter((x) => x === 200),
        JSON.stringify(statuses),
      ).toHaveLength(1);
      expect(
        statuses.filter((x) => x === 412),
        JSON.stringify(statuses),
      ).toHaveLength(19);
      expect(
        answers.filter((a) => a.status === 412).every((a) => a.body.code === 'PRECONDITION_FAILED'),
      ).toBe(true);
      const winner = answers.find((a) => a.status === 200)?.body;
      expect(await subscription(w.provider, w.customer.orgId, s.subscriptionId)).toEqual(winner);
    });

    it('lets only the buying provider change the quantity, within range, not below assigned licenses, and only up after the window', async () => {
      const s = await boughtSubscription(w, line('m365-business-basic', 10, 'P1M', 'MONTHLY'));
      const c = w.customer.orgId;
      const id = s.subscriptionId;
      expectProblem(await patch(w.reseller, c, id, { quantity: 12 }, s.etag), 403, 'FORBIDDEN');
      // A helpdesk agent of the provider lacks orders:submit.
      const e3 = await boughtSubscription(w, line('m365-e3', 10, 'P1M', 'MONTHLY'));
      expectProblem(await patch(helpdesk, c, e3.subscriptionId, { quantity: 12 }, e3.etag), 403, 'FORBIDDEN');
      expectProblem(
        await patch(w.provider, c, id, { quantity: 301 }, s.etag),
        422,
        'QUANTITY_OUT_OF_RANGE',
        'body.quantity',
      );
      expect(await subscription(w.provider, c, id)).toEqual(s);

      const up = await patch(w.provider, c, id, { quantity: 12 }, s.etag);
      expect(up.status, JSON.stringify(up.body)).toBe(200);
      expect(up.body.quantity).toBe(12);
      // Within the 7-day window, a decrease is allowed (an admin agent of the provider may buy too).
      const down = await patch(adminAgent, c, id, { quantity: 8 }, up.body.etag);
      expect(down.status, JSON.stringify(down.body)).toBe(200);
      expect(down.body.quantity).toBe(8);

      // Six licenses assigned to users (the licenses context's doing; written here directly).
      await setStored(c, id, { assignedLicenses: 6 });
      const inUse = await patch(w.provider, c, id, { quantity: 5 }, down.body.etag);
      expectProblem(inUse, 409, 'LICENSES_IN_USE');
      expect((await subscription(w.provider, c, id)).quantity).toBe(8);

      // Seven days later (wall-clock; written directly): decreases are over, increases are not.
      await setStored(c, id, { cancellationAllowedUntil: new Date(Date.now() - 60_000).toISOString() });
      const late = await subscription(w.provider, c, id);
      expectProblem(
        await patch(w.provider, c, id, { quantity: 7 }, late.etag),
        409,
        'QUANTITY_DECREASE_NOT_ALLOWED',
      );
      const more = await patch(w.provider, c, id, { quantity: 9 }, late.etag);
      expect(more.status, JSON.stringify(more.body)).toBe(200);
      expect(more.body).toMatchObject({ quantity: 9, assignedLicenses: 6 });
    });

    it('lets provider and reseller of record change autoRenew and friendlyName; adminAgentOnly offers refuse helpdesk agents', async () => {
      const c = w.customer.orgId;
      const [basic, e3] = await Promise.all([
        boughtSubscription(w, line('m365-business-basic', 3, 'P1M', 'MONTHLY')),
        boughtSubscription(w, line('m365-e3', 3, 'P1M', 'MONTHLY')),
      ]);
      expectProblem(
        await patch(helpdesk, c, basic.subscriptionId, { friendlyName: 'Helpdesk' }, basic.etag),
        403,
        'FORBIDDEN',
      );
      expectProblem(
        await patch(helpdesk, c, basic.subscriptionId, { autoRenew: false }, basic.etag),
        403,
        'FORBIDDEN',
      );
      expectProblem(await act(helpdesk, c, basic.subscriptionId, 'suspend'), 403, 'FORBIDDEN');
      expect(await subscription(w.provider, c, basic.subscriptionId)).toEqual(basic);

      const byAdminAgent = await patch(
        adminAgent,
        c,
        basic.subscriptionId,
        { friendlyName: 'Front office' },
        basic.etag,
      );
      expect(byAdminAgent.status, JSON.stringify(byAdminAgent.body)).toBe(200);
      expect(byAdminAgent.body.friendlyName).toBe('Front office');
      const byReseller = await patch(
        w.reseller,
        c,
        basic.subscriptionId,
        { autoRenew: false },
        byAdminAgent.body.etag,
      );
      expect(byReseller.status, JSON.stringify(byReseller.body)).toBe(200);
      expect(byReseller.body).toMatchObject({ autoRenew: false, friendlyName: 'Front office' });

      const byHelpdesk = await patch(
        helpdesk,
        c,
        e3.subscriptionId,
        { friendlyName: 'Back office' },
        e3.etag,
      );
      expect(byHelpdesk.status, JSON.stringify(byHelpdesk.body)).toBe(200);
      expect(byHelpdesk.body.friendlyName).toBe('Back office');
      const suspended = await act(helpdesk, c, e3.subscriptionId, 'suspend');
      expect(suspended.status, JSON.stringify(suspended.body)).toBe(200);
      expect(suspended.body.status).toBe('SUSPENDED');
    });

    it('suspends, reactivates and cancels along the contract’s paths', async () => {
      const c = w.customer.orgId;
      const [s, late] = await Promise.all([
        boughtSubscription(w, line('m365-e3', 4, 'P1M', 'MONTHLY')),
        boughtSubscription(w, line('m365-e3', 4, 'P1Y', 'ANNUAL')),
      ]);
      const id = s.subscriptionId;

      const suspended = await act(w.reseller, c, id, 'suspend');
      expect(suspended.status, JSON.stringify(suspended.body)).toBe(200);
      expect(suspended.body).toEqual({ ...s, status: 'SUSPENDED', etag: expect.any(String) });
      expect(suspended.body.etag).not.toBe(s.etag);
      expectProblem(await act(w.provider, c, id, 'suspend'), 409, 'SUBSCRIPTION_NOT_ACTIVE');
      expectProblem(
        await patch(w.provider, c, id, { friendlyName: 'Paused' }, suspended.body.etag),
        409,
        'SUBSCRIPTION_NOT_ACTIVE',
      );
      expectProblem(
        await patch(w.provider, c, id, { quantity: 6 }, suspended.body.etag),
        409,
        'SUBSCRIPTION_NOT_ACTIVE',
      );
      const listed = await call('GET', `${subscriptionsPath(c)}?status=SUSPENDED&limit=100`, {
        token: w.provider.token,
      });
      expect(ids(listed.body.items)).toContain(id);
      expect(listed.body.items.every((x: { status: string }) => x.status === 'SUSPENDED')).toBe(true);

      const reactivated = await act(w.provider, c, id, 'reactivate');
      expect(reactivated.status).toBe(200);
      expect(reactivated.body).toEqual({ ...s, status: 'ACTIVE', etag: expect.any(String) });
      expectProblem(await act(w.provider, c, id, 'reactivate'), 409, 'SUBSCRIPTION_NOT_SUSPENDED');

      // Only the provider that bought it cancels.
      expectProblem(await act(w.reseller, c, id, 'cancel'), 403, 'FORBIDDEN');
      // Three licenses in use (assigned by the licenses context; written here directly): canceling releases them.
      await setStored(c, id, { assignedLicenses: 3 });
      const canceled = await act(w.provider, c, id, 'cancel');
      expect(canceled.status, JSON.stringify(canceled.body)).toBe(200);
      expect(canceled.body).toMatchObject({ status: 'CANCELED', assignedLicenses: 0, quantity: 4 });
      expect(await subscription(w.reseller, c, id)).toEqual(canceled.body);
      // Final.
      expect((await act(w.provider, c, id, 'cancel')).status).toBe(409);
      expectProblem(await act(w.provider, c, id, 'suspend'), 409, 'SUBSCRIPTION_NOT_ACTIVE');
      expectProblem(await act(w.provider, c, id, 'reactivate'), 409, 'SUBSCRIPTION_NOT_SUSPENDED');
      expectProblem(
        await patch(w.provider, c, id, { autoRenew: false }, canceled.body.etag),
        409,
        'SUBSCRIPTION_NOT_ACTIVE',
      );
      const canceledList = await call('GET', `${subscriptionsPath(c)}?status=CANCELED&limit=100`, {
        token: w.provider.token,
      });
      expect(ids(canceledList.body.items)).toContain(id);

      // Seven days into its term (wall-clock; written directly), a subscription can no longer be canceled.
      await setStored(c, late.subscriptionId, {
        cancellationAllowedUntil: new Date(Date.now() - 60_000).toISOString(),
      });
      expectProblem(
        await act(w.provider, c, late.subscriptionId, 'cancel'),
        409,
        'CANCELLATION_WINDOW_CLOSED',
      );
      expect((await subscription(w.provider, c, late.subscriptionId)).status).toBe('ACTIVE');
    });
  });

  describe('terms', () => {
    it('notifies seven days ahead, then renews a P1M term with autoRenew and lets one without it expire', async () => {
      const tag = randomUUID().slice(0, 6);
      const placedAt = Date.now();
      const placed = await order(w.provider, terms.orgId, [
        line('m365-e3', 3, 'P1M', 'MONTHLY'),
        line('m365-e3', 2, 'P1M', 'MONTHLY'),
      ]);
      const [renewingId, endingId] = placed.lineItems.map(
        (l: { subscriptionId: string }) => l.subscriptionId,
      );
      const c = terms.orgId;
      const r0 = await subscription(w.provider, c, renewingId);
      const e0 = await subscription(w.provider, c, endingId);
      const renewing = await patch(w.provider, c, renewingId, { friendlyName: `Renews ${tag}` }, r0.etag);
      const ending = await patch(
        w.provider,
        c,
        endingId,
        { friendlyName: `Ends ${tag}`, autoRenew: false },
        e0.etag,
      );
      expect([renewing.status, ending.status]).toEqual([200, 200]);

      // The notices (customer and reseller in ES: Spanish), a week before the end, while the first term runs.
      const since = nowSeconds();
      const notices = [
        [terms.email, `Renews ${tag} se renueva el `],
        [terms.email, `Ends ${tag} finaliza el `],
        [w.reseller.email, `Renews ${tag} se renueva el `],
        [w.reseller.email, `Ends ${tag} finaliza el `],
      ] as const;
      // One poller for the four (each poll reads the mailbox), a few times a second.
      const mails = await eventually(
        async () => {
          const box = await emailsSince(since);
          const found = notices.map(([to, subject]) =>
            box.find((m) => m.destination.to.includes(to) && m.subject.startsWith(subject)),
          );
          if (found.every((m) => m !== undefined)) return found;
          await sleep(200);
          return undefined;
        },
        60_000,
        `the notices ${JSON.stringify(notices)}`,
      );
      const noticedAt = Date.now();
      expect(mails[0]?.body.text).toContain(renewingId);
      expect(mails[1]?.body.text).toContain(endingId);
      expect(mails[2]?.body.text).toContain(orgName(terms));
      const atNotice = await subscription(w.provider, c, renewingId);
      expect(atNotice.termStartDate).toBe(r0.termStartDate);

      const renewed = await eventually(
        async () => {
          const s = await subscription(w.provider, c, renewingId);
          if (s.termStartDate !== r0.termStartDate) return s;
          await sleep(100);
          return undefined;
        },
        60_000,
        'the renewal',
      );
      const renewedAt = Date.now();
      expect(renewed).toEqual({
        ...renewing.body,
        termStartDate: r0.termEndDate,
        termEndDate: plusOneMonth(r0.termEndDate),
        cancellationAllowedUntil: plusDays(r0.termEndDate, 7),
        etag: expect.any(String),
      });
      expect(renewed).toMatchObject({ status: 'ACTIVE', autoRenew: true, quantity: 3 });
      expect(renewed.etag).not.toBe(renewing.body.etag);

      const expired = await eventually(
        async () => {
          const s = await subscription(w.provider, c, endingId);
          return s.status === 'EXPIRED' ? s : undefined;
        },
        60_000,
        'the expiry',
      );
      expect(expired).toEqual({
        ...ending.body,
        status: 'EXPIRED',
        assignedLicenses: 0,
        etag: expect.any(String),
      });
      const listed = await call('GET', `${subscriptionsPath(c)}?status=EXPIRED`, { token: w.reseller.token });
      expect(ids(listed.body.items)).toEqual([endingId]);
      // One notice each per term, not more.
      for (const [to, subject] of notices)
        expect(await mailsTo(to, new RegExp(`^${escapeRegExp(subject)}`), since)).toHaveLength(1);

      // The timing, in scaled days (LOCAL_TIME_SCALE: a day per second here): the notices come about
      // seven days before the end, the end a term after the purchase. Never early; late by a few
      // scaled days at most on a loaded machine (a day is a second here).
      const day = 86_400_000 / Number(env.LOCAL_TIME_SCALE ?? 86_400);
      const termDays = (Date.parse(r0.termEndDate) - Date.parse(r0.termStartDate)) / 86_400_000;
      const noticeDay = (noticedAt - placedAt) / day;
      const endDay = (renewedAt - placedAt) / day;
      expect.soft(noticeDay, 'days from the purchase to the notices').toBeGreaterThan(termDays - 7 - 1);
      expect.soft(noticeDay, 'days from the purchase to the notices').toBeLessThan(termDays - 7 + 10);
      expect.soft(endDay - noticeDay, 'days from the notices to the renewal').toBeGreaterThan(3);
      expect.soft(endDay, 'days from the purchase to the renewal').toBeGreaterThan(termDays - 1);
      expect.soft(endDay, 'days from the purchase to the renewal').toBeLessThan(termDays + 10);
    }, 90_000);
  });
});

/** Waits for `count` emails to `to` matching `subject` since `since`, then returns them. */
async function mailsOf(to: string, subject: RegExp, since: number, count: number) {
  const found = await eventually(
    async () => {
      const mails = await mailsTo(to, subject, since);
      return mails.length >= count ? mails : undefined;
    },
    10_000,
    `${count} email(s) to ${to} matching ${subject}`,
  );
  expect(found).toHaveLength(count);
  return found;
}
