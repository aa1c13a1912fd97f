import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../functions/platform/data/table.ts';
import {
  accountIn,
  act,
  type CommerceWorld,
  commerceWorld,
  escapeRegExp,
  line,
  mailsTo,
  order,
  orgName,
  shareCustomer,
  sharedCustomer,
} from '../support/commerce.ts';
import { indirectProvider } from '../support/enrollment.ts';
import { type Account, userWithRoles, verifiedAccount } from '../support/identity.ts';
import { linkStartingWith, waitForEmail } from '../support/mailbox.ts';
import { expectProblem } from '../support/problems.ts';
import {
  accept,
  acceptedCustomer,
  allPages,
  linkProviderAndReseller,
  tokenOf,
} from '../support/relationships.ts';
import { call, dynamo, eventually, runtime, tableName } from '../support/runtime.ts';

const expectNoContent = (res: { status: number; body: unknown }) =>
  expect(res.status, JSON.stringify(res.body)).toBe(204);

const nowSeconds = () => Math.floor(Date.now() / 1000) - 1;
const exactly = (s: string) => new RegExp(`^${escapeRegExp(s)}$`);
const providerName = (a: Account) => `Distributor ${a.domain}`;

const end = {
  customer: (customerId: string, as: { token: string }) =>
    call('DELETE', `/customers/${customerId}/relationship`, { token: as.token }),
  partner: (partnerId: string, as: { token: string }) =>
    call('DELETE', `/partners/${partnerId}`, { token: as.token }),
  provider: (providerId: string, as: { token: string }) =>
    call('DELETE', `/indirect-providers/${providerId}`, { token: as.token }),
  reseller: (resellerId: string, as: { token: string }) =>
    call('DELETE', `/indirect-resellers/${resellerId}`, { token: as.token }),
};

/** The customer ids of a list (GET /customers, or a shared list), every page. */
const idsOf = async (path: string, as: { token: string }) =>
  (await allPages(path, as.token, 100)).map((c) => c.customerId ?? c.organizationId);
const customerRow = (customerId: string, as: { token: string }) =>
  call('GET', `/customers/${customerId}`, { token: as.token });
/** The partner rows of a customer's own list (no route lists them): read from the table. */
const partnerRow = async (customerId: string, partnerId: string) =>
  (
    await dynamo.send(
      new GetCommand({ TableName: tableName, Key: keys.relationship(customerId, 'PARTNER', partnerId) }),
    )
  ).Item;

/** The customer's admin relationships, once the Default ones its acceptance makes (a stream consumer) are there. */
async function inbound(customer: Account, count: number) {
  return eventually(
    async () => {
      const list = await call('GET', '/admin-relationships?direction=inbound', { token: customer.token });
      return list.body.items?.length === count
        ? (list.body.items as Array<{ relationshipId: string; partner: { organizationId: string } }>)
        : undefined;
    },
    15_000,
    `${count} admin relationships of ${customer.domain}`,
  );
}
const defaultOf = (list: Awaited<ReturnType<typeof inbound>>, partner: Account) =>
  list.find((r) => r.partner.organizationId === partner.orgId)?.relationshipId ?? '';
const adminStatus = async (id: string, as: { token: string }) => {
  const res = await call('GET', `/admin-relationships/${id}`, { token: as.token });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.status as string;
};
const usersOf = (customerId: string, as: { token: string }) =>
  call('GET', `/customers/${customerId}/users`, { token: as.token });

/** The provider invites the reseller again; the reseller accepts from the newest invitation email. */
async function relink(provider: Account, reseller: Account) {
  const since = nowSeconds();
  const invited = await call('POST', '/indirect-resellers/invitations', {
    token: provider.token,
    body: { email: reseller.email },
  });
  expect(invited.status, JSON.stringify(invited.body)).toBe(201);
  const mail = await waitForEmail(reseller.email, {
    since,
    subject: new RegExp(`^${escapeRegExp(providerName(provider))} (invites you|le invita)`),
  });
  const accepted = await accept(
    tokenOf(linkStartingWith(mail, `${runtime.apiUrl}/invitations/accept?token=`)),
    reseller,
  );
  expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
}

describe('ending relationships', () => {
  let w: CommerceWorld;
  beforeAll(async () => {
    w = await commerceWorld();
  }, 120_000);

  it('a reseller ends a shared customer: refused while a subscription binds it, then both lists, the shared lists and the admin relationships end; everyone is emailed', async () => {
    // A customer in the US: its emails are in English, the partners' (ES) in Spanish.
    const customer = await shareCustomer(w.reseller, w.provider.orgId, await accountIn('US'));
    const defaults = await inbound(customer, 2);
    const placed = await order(w.provider, customer.orgId, [
      line('m365-e3', 3, 'P1M', 'MONTHLY'),
      line('m365-business-basic', 2, 'P1M', 'MONTHLY'),
    ]);
    const [active, suspended] = placed.lineItems.map((l: { subscriptionId: string }) => l.subscriptionId);
    expect((await act(w.provider, customer.orgId, suspended, 'suspend')).status).toBe(200);

    const refused = await end.customer(customer.orgId, w.reseller);
    expectProblem(refused, 409, 'ACTIVE_SUBSCRIPTIONS');
    const byPath = Object.fromEntries(
      (refused.body.errors ?? []).map((e: { path: string; message: string }) => [e.path, e.message]),
    );
    expect(Object.keys(byPath).sort()).toEqual(
      [`subscriptions.${active}`, `subscriptions.${suspended}`].sort(),
    );
    expect(byPath[`subscriptions.${active}`]).toMatch(
      new RegExp(`^"Microsoft 365 E3" is ACTIVE for ${escapeRegExp(orgName(customer))}`),
    );
    expect(byPath[`subscriptions.${suspended}`]).toMatch(
      new RegExp(`^"Microsoft 365 Business Basic" is SUSPENDED for ${escapeRegExp(orgName(customer))}`),
    );
    // The provider that bought them and the customer itself are refused the same way.
    expectProblem(await end.customer(customer.orgId, w.provider), 409, 'ACTIVE_SUBSCRIPTIONS');
    expectProblem(await end.partner(w.reseller.orgId, customer), 409, 'ACTIVE_SUBSCRIPTIONS');
    // Nothing was half-written: lists, shared lists, admin access and the log are as they were.
    expect(await idsOf('/customers', w.reseller)).toContain(customer.orgId);
    expect(await idsOf('/customers', w.provider)).toContain(customer.orgId);
    expect(await idsOf(`/indirect-resellers/${w.reseller.orgId}/customers`, w.provider)).toContain(
      customer.orgId,
    );
    expect(await partnerRow(customer.orgId, w.provider.orgId)).toBeDefined();
    for (const partner of [w.reseller, w.provider]) {
      expect(await adminStatus(defaultOf(defaults, partner), customer)).toBe('ACTIVE');
      expect((await usersOf(customer.orgId, partner)).status).toBe(200);
    }
    const log = await allPages(`/activity?customerId=${customer.orgId}`, w.reseller.token, 100);
    expect(log.map((a) => a.operation)).not.toContain('CUSTOMER_RELATIONSHIP_ENDED');

    // Canceled within the 7-day window, they bind nothing any more.
    for (const id of [active, suspended])
      expect((await act(w.provider, customer.orgId, id, 'cancel')).status).toBe(200);
    const since = nowSeconds();
    expectNoContent(await end.customer(customer.orgId, w.reseller));

    expect(await idsOf('/customers', w.reseller)).not.toContain(customer.orgId);
    expect(await idsOf('/customers', w.provider)).not.toContain(customer.orgId);
    expect(await idsOf(`/indirect-providers/${w.provider.orgId}/customers`, w.reseller)).not.toContain(
      customer.orgId,
    );
    expect(await idsOf(`/indirect-resellers/${w.reseller.orgId}/customers`, w.provider)).not.toContain(
      customer.orgId,
    );
    for (const partner of [w.reseller, w.provider]) {
      expectProblem(await customerRow(customer.orgId, partner), 404, 'NOT_FOUND');
      expect(await partnerRow(customer.orgId, partner.orgId)).toBeUndefined();
      expect(await adminStatus(defaultOf(defaults, partner), customer)).toBe('TERMINATED');
      expectProblem(await usersOf(customer.orgId, partner), 404, 'NOT_FOUND');
    }
    // The provider and the reseller still work together; the world's own customer is untouched.
    expect(await idsOf('/indirect-providers', w.reseller)).toContain(w.provider.orgId);
    expect(await idsOf('/customers', w.provider)).toContain(w.customer.orgId);
    // Recorded in the reseller's log, about the customer (its inbound view).
    const records = await eventually(async () => {
      const items = await allPages(`/activity?customerId=${customer.orgId}`, w.reseller.token, 100);
      return items.some((a) => a.operation === 'CUSTOMER_RELATIONSHIP_ENDED') ? items : undefined;
    });
    expect(
      records
        .filter((a) => /_ENDED$|_TERMINATED$/.test(String(a.operation)))
        .map((a) => a.operation)
        .sort(),
    ).toEqual([
      'ADMIN_RELATIONSHIP_TERMINATED',
      'ADMIN_RELATIONSHIP_TERMINATED',
      'CUSTOMER_RELATIONSHIP_ENDED',
    ]);

    // Each side in its country's language, and the provider that lost the customer through the reseller.
    const ended = (reseller: string) =>
      [
        exactly(`The relationship between ${reseller} and ${orgName(customer)} ended`),
        exactly(`Ha finalizado la relación entre ${reseller} y ${orgName(customer)}`),
      ] as const;
    const [english, spanish] = ended(w.reseller.name);
    const toCustomer = await waitForEmail(customer.email, { subject: english, since });
    expect(toCustomer.body.text).toContain(`${providerName(w.provider)} is no longer one of your partners`);
    expect(toCustomer.body.text).toContain('The admin relationship "Default" with');
    const toReseller = await waitForEmail(w.reseller.email, { subject: spanish, since });
    expect(toReseller.body.text).toContain(`${orgName(customer)} ya no figura en su lista de clientes.`);
    const toProvider = await waitForEmail(w.provider.email, { subject: spanish, since });
    expect(toProvider.body.text).toContain(
      `${orgName(customer)} (a través de ${w.reseller.name}) ya no figura en su lista de clientes.`,
    );
    expect(await mailsTo(customer.email, spanish, since)).toEqual([]);

    // A second DELETE finds nothing to end, from either side.
    expectProblem(await end.customer(customer.orgId, w.reseller), 404, 'NOT_FOUND');
    expectProblem(await end.partner(w.reseller.orgId, customer), 404, 'NOT_FOUND');
  }, 90_000);

  it('a provider ends a customer: the reseller keeps it, no longer shared, and keeps its admin access', async () => {
    const customer = await sharedCustomer(w.reseller, w.provider);
    const defaults = await inbound(customer, 2);

    expectNoContent(await end.customer(customer.orgId, w.provider));

    expectProblem(await customerRow(customer.orgId, w.provider), 404, 'NOT_FOUND');
    const kept = await customerRow(customer.orgId, w.reseller);
    expect(kept.status).toBe(200);
    expect(kept.body.customerId).toBe(customer.orgId);
    expect(kept.body.indirectProviderId).toBeUndefined();
    expect(await idsOf(`/indirect-providers/${w.provider.orgId}/customers`, w.reseller)).not.toContain(
      customer.orgId,
    );
    expect(await adminStatus(defaultOf(defaults, w.provider), customer)).toBe('TERMINATED');
    expect(await adminStatus(defaultOf(defaults, w.reseller), customer)).toBe('ACTIVE');
    expectProblem(await usersOf(customer.orgId, w.provider), 404, 'NOT_FOUND');
    expect((await usersOf(customer.orgId, w.reseller)).status).toBe(200);
    expect(await partnerRow(customer.orgId, w.reseller.orgId)).toBeDefined();
    expect(await partnerRow(customer.orgId, w.provider.orgId)).toBeUndefined();
    // The provider can no longer order for it.
    const refused = await call('POST', `/customers/${customer.orgId}/orders`, {
      token: w.provider.token,
      body: { lineItems: [line('m365-e3', 1, 'P1M', 'MONTHLY')] },
    });
    expectProblem(refused, 404, 'NOT_FOUND');
  }, 60_000);

  it('a customer ends a partner (DELETE /partners/{id}): refused while the provider bills it, then the same from its side', async () => {
    const customer = await sharedCustomer(w.reseller, w.provider);
    const defaults = await inbound(customer, 2);
    const placed = await order(w.provider, customer.orgId, [line('m365-e3', 1, 'P1M', 'MONTHLY')]);
    const subscriptionId = placed.lineItems[0].subscriptionId as string;

    const refused = await end.partner(w.provider.orgId, customer);
    expectProblem(refused, 409, 'ACTIVE_SUBSCRIPTIONS');
    expect(refused.body.errors?.map((e: { path: string }) => e.path)).toEqual([
      `subscriptions.${subscriptionId}`,
    ]);
    expect((await act(w.provider, customer.orgId, subscriptionId, 'cancel')).status).toBe(200);
    const since = nowSeconds();
    expectNoContent(await end.partner(w.provider.orgId, customer));

    expectProblem(await customerRow(customer.orgId, w.provider), 404, 'NOT_FOUND');
    expect((await customerRow(customer.orgId, w.reseller)).status).toBe(200);
    expect(await adminStatus(defaultOf(defaults, w.provider), customer)).toBe('TERMINATED');
    expect(await adminStatus(defaultOf(defaults, w.reseller), customer)).toBe('ACTIVE');
    // Both sides (ES: Spanish), and the reseller whose customer is no longer shared.
    const subject = exactly(
      `Ha finalizado la relación entre ${providerName(w.provider)} y ${orgName(customer)}`,
    );
    for (const to of [customer.email, w.provider.email, w.reseller.email])
      await waitForEmail(to, { subject, since });
    expectProblem(await end.partner(w.provider.orgId, customer), 404, 'NOT_FOUND');

    // Then its reseller, which shared it with nobody any more.
    expectNoContent(await end.partner(w.reseller.orgId, customer));
    expectProblem(await customerRow(customer.orgId, w.reseller), 404, 'NOT_FOUND');
    expect(await adminStatus(defaultOf(defaults, w.reseller), customer)).toBe('TERMINATED');
    expect(await partnerRow(customer.orgId, w.reseller.orgId)).toBeUndefined();
  }, 60_000);

  it('answers FORBIDDEN to a user who is not a global admin and NOT_FOUND to an unrelated organization, changing nothing', async () => {
    const customer = await acceptedCustomer(w.reseller, undefined, { delegatedAdmin: false });
    const agent = await userWithRoles(
      w.reseller.token,
      w.reseller.domain,
      'ADMIN_AGENT',
      'USER_MANAGEMENT_ADMIN',
    );
    const customerUser = await userWithRoles(
      customer.token,
      customer.domain,
      'NONE',
      'USER_MANAGEMENT_ADMIN',
    );
    const stranger = await verifiedAccount();
    const attempts = (as: { token: string }) => [
      end.customer(customer.orgId, as),
      end.partner(w.reseller.orgId, as),
      end.provider(w.provider.orgId, as),
      end.reseller(w.reseller.orgId, as),
    ];
    for (const as of [agent, customerUser])
      for (const res of await Promise.all(attempts(as))) expectProblem(res, 403, 'FORBIDDEN');
    for (const res of await Promise.all(attempts(stranger))) expectProblem(res, 404, 'NOT_FOUND');
    // Ids of other kinds are no relationship either: a customer is no indirect provider of its reseller.
    expectProblem(await end.provider(customer.orgId, w.reseller), 404, 'NOT_FOUND');
    expectProblem(await end.customer(w.provider.orgId, w.reseller), 404, 'NOT_FOUND');
    expectProblem(await end.partner(w.provider.orgId, customer), 404, 'NOT_FOUND');

    expect(await idsOf('/customers', w.reseller)).toContain(customer.orgId);
    expect(await partnerRow(customer.orgId, w.reseller.orgId)).toBeDefined();
    expect(await idsOf('/indirect-providers', w.reseller)).toContain(w.provider.orgId);
  }, 60_000);

  it('a reseller and a provider end their link from either side: refused while the provider bills the reseller’s customers, then both lists drop it', async () => {
    const provider = await indirectProvider();
    await linkProviderAndReseller(provider, w.reseller);
    const customer = await sharedCustomer(w.reseller, provider);
    const defaults = await inbound(customer, 2);
    const placed = await order(provider, customer.orgId, [line('m365-e3', 2, 'P1M', 'MONTHLY')]);
    const subscriptionId = placed.lineItems[0].subscriptionId as string;

    for (const refused of [
      await end.provider(provider.orgId, w.reseller),
      await end.reseller(w.reseller.orgId, provider),
    ]) {
      expectProblem(refused, 409, 'ACTIVE_SUBSCRIPTIONS');
      expect(refused.body.errors?.map((e: { path: string }) => e.path)).toEqual([
        `subscriptions.${subscriptionId}`,
      ]);
    }
    expect(await idsOf('/indirect-providers', w.reseller)).toContain(provider.orgId);
    expect(await idsOf(`/indirect-resellers/${w.reseller.orgId}/customers`, provider)).toEqual([
      customer.orgId,
    ]);

    expect((await act(provider, customer.orgId, subscriptionId, 'cancel')).status).toBe(200);
    const since = nowSeconds();
    expectNoContent(await end.provider(provider.orgId, w.reseller));

    expect(await idsOf('/indirect-providers', w.reseller)).not.toContain(provider.orgId);
    expect(await idsOf('/indirect-resellers', provider)).not.toContain(w.reseller.orgId);
    expectProblem(
      await call('GET', `/indirect-providers/${provider.orgId}/customers`, { token: w.reseller.token }),
      404,
      'NOT_FOUND',
    );
    expect(await idsOf('/customers', provider)).toEqual([]);
    const kept = await customerRow(customer.orgId, w.reseller);
    expect(kept.status).toBe(200);
    expect(kept.body.indirectProviderId).toBeUndefined();
    expect(await adminStatus(defaultOf(defaults, provider), customer)).toBe('TERMINATED');
    expect(await adminStatus(defaultOf(defaults, w.reseller), customer)).toBe('ACTIVE');
    expectProblem(await usersOf(customer.orgId, provider), 404, 'NOT_FOUND');
    const subject = exactly(
      `Ha finalizado la relación de proveedor indirecto entre ${providerName(provider)} y ${w.reseller.name}`,
    );
    for (const to of [provider.email, w.reseller.email, customer.email])
      await waitForEmail(to, { subject, since });
    expectProblem(await end.provider(provider.orgId, w.reseller), 404, 'NOT_FOUND');
    expectProblem(await end.reseller(w.reseller.orgId, provider), 404, 'NOT_FOUND');

    // Linked again, the provider ends it from its side.
    await relink(provider, w.reseller);
    expect(await idsOf('/indirect-resellers', provider)).toEqual([w.reseller.orgId]);
    expectNoContent(await end.reseller(w.reseller.orgId, provider));
    expect(await idsOf('/indirect-resellers', provider)).toEqual([]);
    expect(await idsOf('/indirect-providers', w.reseller)).not.toContain(provider.orgId);
    expectProblem(await end.reseller(w.reseller.orgId, provider), 404, 'NOT_FOUND');
  }, 120_000);
});
