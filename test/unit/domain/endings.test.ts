import { beforeEach, describe, expect, it } from 'vitest';
import type { SubscriptionRecord } from '../../../functions/commerce/ports.ts';
import type { OrganizationRecord, Principal } from '../../../functions/identity/domain/model.ts';
import { grantDefaultRelationships } from '../../../functions/on-behalf/domain/defaults.ts';
import {
  type EndingDeps,
  endCustomerRelationship,
  endIndirectProvider,
  endIndirectReseller,
  endPartnerRelationship,
} from '../../../functions/on-behalf/domain/endings.ts';
import {
  answerAdminRelationship,
  assertAdminAccess,
  getAdminRelationship,
  type OnBehalfDeps,
  requestAdminRelationship,
  terminateAdminRelationship,
} from '../../../functions/on-behalf/domain/relationships.ts';
import { type AdminRelationshipTimer, adminTimerName } from '../../../functions/on-behalf/domain/terms.ts';
import {
  acceptInvitation,
  inviteReseller,
  listCustomers,
  listPartners,
  listSharedCustomers,
  type RelationshipDeps,
  requestCustomerRelationship,
} from '../../../functions/relationships/domain/invitations.ts';
import { FakeAdminRelationshipStore } from '../fakes/admin-relationship-store.ts';
import { FakeCommerceStore, FakeTimers, subscriptionRecord } from '../fakes/commerce-store.ts';
import {
  addOrganization,
  addUser,
  type FakePorts,
  fakePorts,
  PUBLIC_BASE_URL,
  relationshipDeps,
  T0,
  tableDump,
} from '../fakes/deps.ts';
import { FakeEndingStore } from '../fakes/endings-store.ts';
import { expectCode } from '../fakes/expect-code.ts';
import { tokenOf } from '../fakes/mailer.ts';

const ACCEPT = `${PUBLIC_BASE_URL}/invitations/accept?token=`;
const DAY = 86_400;

type Org = { org: OrganizationRecord; admin: Principal };

let p: FakePorts;
let admins: FakeAdminRelationshipStore;
let commerce: FakeCommerceStore;
let endings: FakeEndingStore;
let timers: FakeTimers<AdminRelationshipTimer>;
let deps: EndingDeps;
let rel: RelationshipDeps;
let onBehalf: OnBehalfDeps;
/** An indirect provider (ES), a reseller (US: emails in English), a customer (ES), an organization that is neither. */
let provider: Org;
let reseller: Org;
let customer: Org;
let outsider: Org;

beforeEach(async () => {
  p = fakePorts(T0);
  admins = new FakeAdminRelationshipStore(p.identity);
  commerce = new FakeCommerceStore();
  endings = new FakeEndingStore(p.relationships, admins);
  timers = new FakeTimers<AdminRelationshipTimer>();
  deps = {
    endings,
    rows: p.relationships,
    subscriptions: commerce,
    organizations: p.identity,
    timers,
    mailer: p.mailer,
    clock: p.clock,
  };
  rel = relationshipDeps(p);
  onBehalf = {
    adminRelationships: admins,
    customers: p.relationships,
    organizations: p.identity,
    links: p.identity,
    timers,
    mailer: p.mailer,
    clock: p.clock,
    publicBaseUrl: PUBLIC_BASE_URL,
  };
  provider = await addOrganization(p, 'fabrikam', ['INDIRECT_PROVIDER']);
  reseller = await addOrganization(p, 'contoso', ['RESELLER'], { country: 'US' });
  customer = await addOrganization(p, 'tailspin');
  outsider = await addOrganization(p, 'woodgrove', ['RESELLER', 'INDIRECT_PROVIDER']);
});

/** The provider invites the reseller, who accepts: an active link. */
async function link(of: Org = reseller) {
  await inviteReseller(rel, provider.admin, { email: of.admin.user.email });
  const token = tokenOf(p.mailer.linkTo(of.admin.user.email, ACCEPT));
  await acceptInvitation(rel, token, of.admin, true);
}

/**
 * The customer accepts the reseller's request (with the provider: the combined invitation), and
 * the Default admin relationships of each partner are made, as the stream consumer does.
 */
async function connect(opts: { by?: Org; to?: Org; withProvider?: boolean; delegatedAdmin?: boolean } = {}) {
  const by = opts.by ?? reseller;
  const to = opts.to ?? customer;
  const body = await requestCustomerRelationship(
    rel,
    by.admin,
    {
      customerEmail: to.admin.user.email,
      delegatedAdmin: opts.delegatedAdmin ?? true,
      send: false,
    },
    opts.withProvider ? { providerId: provider.org.id } : {},
  );
  const { invitation } = await acceptInvitation(rel, tokenOf(body.link), to.admin, true);
  return grantDefaultRelationships(
    { adminRelationships: admins, invitations: p.relationships, timers, clock: p.clock },
    invitation.id,
  );
}

let subscriptions = 0;
/** A subscription the provider bought for the customer through the reseller (of record), stored as commerce keeps it. */
function bought(over: Partial<SubscriptionRecord> = {}): SubscriptionRecord {
  const s = subscriptionRecord(
    T0,
    { customerId: customer.org.id, providerId: provider.org.id, reseller: reseller.org },
    { subscriptionId: `sub-${++subscriptions}`, ...over },
  );
  commerce.subscriptions.set(s.subscriptionId, s);
  return s;
}

/** The sort keys of an organization's relationship rows. */
const rowsOf = (org: Org) => [...(p.relationships.rows.get(org.org.id)?.keys() ?? [])].sort();
const customerIds = async (of: Org) =>
  (await listCustomers(rel, of.admin, 100)).items.map((c) => [c.customerId, c.indirectProviderId ?? null]);
const dump = () => [...tableDump(p), admins.dump(), endings.dump(), commerce.dump()];
const statusOf = async (id: string) => (await getAdminRelationship(onBehalf, customer.admin, id)).status;
const mailTo = (org: Org) => p.mailer.to(org.admin.user.email);

describe('a partner ends its relationship with a customer (DELETE /customers/{customerId}/relationship)', () => {
  it('by the reseller: both lists, the sharing with its provider and the admin relationships of both partners end, in one change; both sides and the provider are emailed', async () => {
    await link();
    const defaults = await connect({ withProvider: true });
    expect(defaults).toHaveLength(2);
    p.mailer.sent.length = 0;

    await endCustomerRelationship(deps, reseller.admin, customer.org.id);

    expect(await customerIds(reseller)).toEqual([]);
    expect(await customerIds(provider)).toEqual([]);
    expect(rowsOf(customer)).toEqual([]);
    // The link between provider and reseller stays; only the customer's sharing went.
    expect(rowsOf(reseller)).toEqual([`PROVIDER#${provider.org.id}`]);
    expect(rowsOf(provider)).toEqual([`RESELLER#${reseller.org.id}`]);
    expect((await listSharedCustomers(rel, reseller.admin, provider.org.id, 25)).items).toEqual([]);
    for (const id of defaults) expect(await statusOf(id)).toBe('TERMINATED');
    for (const partner of [reseller, provider])
      await expectCode(
        'NOT_FOUND',
        assertAdminAccess(onBehalf, partner.admin, customer.org.id, 'DIRECTORY_READER'),
      );
    expect([...timers.pending.values()].map((t) => t.input.relationshipId)).toEqual([]);
    // All in the reseller's log, about the customer (its inbound view): the ending, then each admin relationship.
    const records = endings.records.map((r) => [r.organizationId, r.operation, r.resourceId, r.customerId]);
    expect(records[0]).toEqual([
      reseller.org.id,
      'CUSTOMER_RELATIONSHIP_ENDED',
      customer.org.id,
      customer.org.id,
    ]);
    expect(records.slice(1).sort()).toEqual(
      defaults.map((id) => [reseller.org.id, 'ADMIN_RELATIONSHIP_TERMINATED', id, customer.org.id]).sort(),
    );

    // The reseller (US) reads English, the customer and the provider (ES) Spanish.
    expect(mailTo(reseller).map((m) => m.subject)).toEqual([
      'The relationship between Org contoso and Org tailspin ended',
    ]);
    expect(mailTo(reseller)[0]?.text).toContain('Org tailspin is no longer on your customer list.');
    expect(mailTo(reseller)[0]?.text).toContain('The admin relationship "Default" with Org tailspin ended');
    expect(mailTo(customer).map((m) => m.subject)).toEqual([
      'Ha finalizado la relación entre Org contoso y Org tailspin',
    ]);
    expect(mailTo(customer)[0]?.text).toContain('Org fabrikam ya no es uno de sus asociados');
    expect(mailTo(provider)[0]?.text).toContain(
      'Org tailspin (a través de Org contoso) ya no figura en su lista de clientes.',
    );
    expect(p.mailer.sent).toHaveLength(3);

    // A second DELETE finds nothing to end.
    await expectCode('NOT_FOUND', endCustomerRelationship(deps, reseller.admin, customer.org.id));
    // They can work together again: a new request, accepted, makes new Default relationships.
    expect(await connect({ withProvider: true })).toHaveLength(2);
    expect(await customerIds(reseller)).toEqual([[customer.org.id, provider.org.id]]);
  });

  it('by the provider: the reseller keeps the customer, no longer shared; only the provider’s admin relationships end', async () => {
    await link();
    const [ofReseller = '', ofProvider = ''] = await connect({ withProvider: true });
    p.mailer.sent.length = 0;

    await endCustomerRelationship(deps, provider.admin, customer.org.id);

    expect(await customerIds(provider)).toEqual([]);
    expect(await customerIds(reseller)).toEqual([[customer.org.id, null]]);
    expect((await listSharedCustomers(rel, provider.admin, reseller.org.id, 25)).items).toEqual([]);
    expect(rowsOf(customer)).toEqual([`PARTNER#${reseller.org.id}`]);
    expect(await statusOf(ofProvider)).toBe('TERMINATED');
    expect(await statusOf(ofReseller)).toBe('ACTIVE');
    await assertAdminAccess(onBehalf, reseller.admin, customer.org.id, 'USER_ADMINISTRATOR');
    expect(mailTo(reseller)[0]?.text).toContain(
      'Org tailspin stays on your customer list, but is no longer shared with Org fabrikam.',
    );
    expect(mailTo(customer)[0]?.text).toContain('"Default" con Org fabrikam finalizó');
    expect(mailTo(customer)[0]?.text).not.toContain('con Org contoso');
  });

  it('keeps the provider’s customer when another reseller still shares it', async () => {
    const second = await addOrganization(p, 'adatum', ['RESELLER']);
    await link();
    await link(second);
    const first = await connect({ withProvider: true });
    const again = await connect({ by: second, withProvider: true });
    // The provider's Default of the second invitation is named after it (one per partner and customer).
    expect(again).toHaveLength(2);

    await endCustomerRelationship(deps, reseller.admin, customer.org.id);

    expect((await listCustomers(rel, provider.admin, 25)).items.map((c) => c.indirectResellerId)).toEqual([
      second.org.id,
    ]);
    expect(rowsOf(customer)).toEqual([`PARTNER#${second.org.id}`, `PARTNER#${provider.org.id}`].sort());
    for (const id of [...again, first[1] ?? '']) expect(await statusOf(id)).toBe('ACTIVE');
    expect(await statusOf(first[0] ?? '')).toBe('TERMINATED');
  });

  it('ends pending requests too: their approval link is used up, and a terminated one cannot end again', async () => {
    await connect({ delegatedAdmin: false });
    const pending = await requestAdminRelationship(onBehalf, reseller.admin, customer.org.id, {
      displayName: 'Onboarding',
      roles: ['DIRECTORY_READER'],
      duration: 'P30D',
    });
    expect(timers.pending.size).toBe(1);

    await endCustomerRelationship(deps, reseller.admin, customer.org.id);

    expect(await statusOf(pending.relationshipId)).toBe('TERMINATED');
    expect(timers.pending.size).toBe(0);
    const token = tokenOf(pending.approvalLink);
    await expectCode('LINK_USED', answerAdminRelationship(onBehalf, token, customer.admin, 'APPROVE'));
    await expectCode(
      'RELATIONSHIP_NOT_ACTIVE',
      terminateAdminRelationship(onBehalf, customer.admin, pending.relationshipId),
    );
  });

  it('records an admin relationship whose term was already over as EXPIRED, as its timer would', async () => {
    await connect({ delegatedAdmin: false });
    const asked = await requestAdminRelationship(onBehalf, reseller.admin, customer.org.id, {
      displayName: 'Short',
      roles: ['DIRECTORY_READER'],
      duration: 'P1D',
    });
    await answerAdminRelationship(onBehalf, tokenOf(asked.approvalLink), customer.admin, 'APPROVE');
    const endsAt = new Date(T0.getTime() + DAY * 1000).toISOString();
    p.clock.advance(2 * DAY);

    await endCustomerRelationship(deps, reseller.admin, customer.org.id);

    expect(admins.relationships.get(asked.relationshipId)).toMatchObject({
      status: 'EXPIRED',
      endedAt: endsAt,
    });
    expect(endings.records.map((r) => r.operation)).toEqual([
      'CUSTOMER_RELATIONSHIP_ENDED',
      'ADMIN_RELATIONSHIP_EXPIRED',
    ]);
    expect(
      timers.pending.has(adminTimerName({ kind: 'END', relationshipId: asked.relationshipId, at: endsAt })),
    ).toBe(false);
    // Nobody is told an expired relationship ended now.
    expect(mailTo(reseller).at(-1)?.text).not.toContain('"Short"');
  });
});

describe('a customer ends its relationship with a partner (DELETE /partners/{partnerId})', () => {
  it('ends it the same from the customer’s side, in the customer’s own log', async () => {
    await link();
    const defaults = await connect({ withProvider: true });
    p.mailer.sent.length = 0;

    await endPartnerRelationship(deps, customer.admin, reseller.org.id);

    expect(await customerIds(reseller)).toEqual([]);
    expect(await customerIds(provider)).toEqual([]);
    expect(rowsOf(customer)).toEqual([]);
    for (const id of defaults) expect(await statusOf(id)).toBe('TERMINATED');
    expect(endings.records.map((r) => [r.organizationId, r.operation, r.resourceType, r.customerId])).toEqual(
      [
        [customer.org.id, 'PARTNER_RELATIONSHIP_ENDED', 'partner', undefined],
        [customer.org.id, 'ADMIN_RELATIONSHIP_TERMINATED', 'adminRelationship', undefined],
        [customer.org.id, 'ADMIN_RELATIONSHIP_TERMINATED', 'adminRelationship', undefined],
      ],
    );
    expect(mailTo(reseller)[0]?.text).toMatch(
      /^Org tailspin ended the relationship between Org contoso and its customer Org tailspin/,
    );
    expect(mailTo(customer)).toHaveLength(1);
    expect(mailTo(provider)).toHaveLength(1);
    await expectCode('NOT_FOUND', endPartnerRelationship(deps, customer.admin, reseller.org.id));
  });

  it('ends the provider alone when the customer names it', async () => {
    await link();
    await connect({ withProvider: true });

    await endPartnerRelationship(deps, customer.admin, provider.org.id);

    expect(await customerIds(provider)).toEqual([]);
    expect(await customerIds(reseller)).toEqual([[customer.org.id, null]]);
    expect(rowsOf(customer)).toEqual([`PARTNER#${reseller.org.id}`]);
  });
});

describe('a provider and a reseller end their link (DELETE /indirect-providers/{id}, /indirect-resellers/{id})', () => {
  it.each(['reseller', 'provider'] as const)(
    'by the %s: both lists drop it, shared customers stay the reseller’s and leave the provider',
    async (by) => {
      await link();
      const [ofReseller = '', ofProvider = ''] = await connect({ withProvider: true });
      p.mailer.sent.length = 0;

      if (by === 'reseller') await endIndirectProvider(deps, reseller.admin, provider.org.id);
      else await endIndirectReseller(deps, provider.admin, reseller.org.id);

      expect((await listPartners(rel, reseller.admin, 'providers', 25)).items).toEqual([]);
      expect((await listPartners(rel, provider.admin, 'resellers', 25)).items).toEqual([]);
      expect(await customerIds(reseller)).toEqual([[customer.org.id, null]]);
      expect(await customerIds(provider)).toEqual([]);
      expect(rowsOf(provider)).toEqual([]);
      expect(rowsOf(reseller)).toEqual([`CUSTOMER#${customer.org.id}`]);
      expect(rowsOf(customer)).toEqual([`PARTNER#${reseller.org.id}`]);
      expect(await statusOf(ofProvider)).toBe('TERMINATED');
      expect(await statusOf(ofReseller)).toBe('ACTIVE');
      expect(endings.records.map((r) => r.operation)).toEqual([
        by === 'reseller' ? 'INDIRECT_PROVIDER_RELATIONSHIP_ENDED' : 'INDIRECT_RESELLER_RELATIONSHIP_ENDED',
        'ADMIN_RELATIONSHIP_TERMINATED',
      ]);
      expect(endings.records[0]?.organizationId).toBe(by === 'reseller' ? reseller.org.id : provider.org.id);
      // Both sides, and the customer whose admin relationship with the provider ended.
      expect(mailTo(reseller).map((m) => m.subject)).toEqual([
        'The indirect provider relationship between Org fabrikam and Org contoso ended',
      ]);
      expect(mailTo(provider)).toHaveLength(1);
      expect(mailTo(customer)[0]?.text).toContain('"Default" con Org fabrikam finalizó');
      await expectCode(
        'NOT_FOUND',
        by === 'reseller'
          ? endIndirectProvider(deps, reseller.admin, provider.org.id)
          : endIndirectReseller(deps, provider.admin, reseller.org.id),
      );
      // Linked again later, it starts with no shared customer.
      await link();
      expect((await listSharedCustomers(rel, reseller.admin, provider.org.id, 25)).items).toEqual([]);
    },
  );

  it('refuses a link whose sharing one change cannot hold, writing nothing', async () => {
    await link();
    for (let i = 0; i < 40; i++) {
      const other = await addOrganization(p, `cust${i}`);
      await connect({ to: other, withProvider: true, delegatedAdmin: false });
    }
    const before = dump();
    const refused = await expectCode('CONFLICT', endIndirectProvider(deps, reseller.admin, provider.org.id));
    expect(refused.detail).toContain('DELETE /customers/{customerId}/relationship');
    expect(dump()).toEqual(before);
  });
});

describe('guards', () => {
  it('refuses while subscriptions bind the relationship, listing each; canceled and expired ones do not bind; nothing is written', async () => {
    await link();
    await connect({ withProvider: true });
    const active = bought();
    const suspended = bought({ status: 'SUSPENDED', offerName: 'Teams Essentials' });
    bought({ status: 'CANCELED' });
    bought({ status: 'EXPIRED' });
    const before = dump();
    const attempts = [
      () => endCustomerRelationship(deps, reseller.admin, customer.org.id),
      () => endCustomerRelationship(deps, provider.admin, customer.org.id),
      () => endPartnerRelationship(deps, customer.admin, reseller.org.id),
      () => endPartnerRelationship(deps, customer.admin, provider.org.id),
      () => endIndirectProvider(deps, reseller.admin, provider.org.id),
      () => endIndirectReseller(deps, provider.admin, reseller.org.id),
    ];
    for (const attempt of attempts) {
      const refused = await expectCode('ACTIVE_SUBSCRIPTIONS', attempt());
      expect(refused.detail).toContain('2 subscriptions');
      expect(refused.errors).toEqual(
        expect.arrayContaining([
          {
            path: `subscriptions.${active.subscriptionId}`,
            message: expect.stringMatching(/^"Office 365 E3" is ACTIVE for Org tailspin/),
          },
          {
            path: `subscriptions.${suspended.subscriptionId}`,
            message: expect.stringMatching(/^"Teams Essentials" is SUSPENDED for Org tailspin/),
          },
        ]),
      );
      expect(refused.errors).toHaveLength(2);
    }
    expect(dump()).toEqual(before);
    expect(p.mailer.sent.filter((m) => /ended|finalizado/i.test(m.subject))).toEqual([]);

    // Canceled (within the window) and expired: nothing binds any more.
    commerce.subscriptions.set(active.subscriptionId, { ...active, status: 'CANCELED' });
    commerce.subscriptions.set(suspended.subscriptionId, { ...suspended, status: 'EXPIRED' });
    await endCustomerRelationship(deps, reseller.admin, customer.org.id);
    expect(await customerIds(reseller)).toEqual([]);
  });

  it('lets only what binds this relationship block it', async () => {
    const second = await addOrganization(p, 'adatum', ['RESELLER']);
    await link();
    await link(second);
    await connect({ withProvider: true });
    await connect({ by: second, withProvider: true });
    // Bought through the second reseller: it binds the provider and that reseller, not the first.
    bought({ resellerOfRecord: { organizationId: second.org.id, name: second.org.name, mpnId: '7654321' } });

    await endIndirectProvider(deps, reseller.admin, provider.org.id);
    await endCustomerRelationship(deps, reseller.admin, customer.org.id);
    await expectCode('ACTIVE_SUBSCRIPTIONS', endCustomerRelationship(deps, provider.admin, customer.org.id));
    await expectCode('ACTIVE_SUBSCRIPTIONS', endIndirectReseller(deps, provider.admin, second.org.id));
  });

  it('answers FORBIDDEN to a user who is not a global admin, before anything else', async () => {
    await link();
    await connect({ withProvider: true });
    const before = dump();
    let n = 0;
    for (const [org, roles] of [
      [reseller, ['ADMIN_AGENT', 'USER_MANAGEMENT_ADMIN']],
      [provider, ['ADMIN_AGENT', 'NONE']],
      [customer, ['NONE', 'USER_MANAGEMENT_ADMIN']],
    ] as const) {
      const user = await addUser(p, org.org, `user${++n}`, roles[0], roles[1]);
      await expectCode('FORBIDDEN', endCustomerRelationship(deps, user, customer.org.id));
      await expectCode('FORBIDDEN', endPartnerRelationship(deps, user, reseller.org.id));
      await expectCode('FORBIDDEN', endIndirectProvider(deps, user, provider.org.id));
      await expectCode('FORBIDDEN', endIndirectReseller(deps, user, reseller.org.id));
    }
    expect(dump().slice(2)).toEqual(before.slice(2));
    expect(await customerIds(reseller)).toEqual([[customer.org.id, provider.org.id]]);
  });

  it('answers NOT_FOUND to an organization without such a relationship, revealing nothing', async () => {
    await link();
    await connect({ withProvider: true });
    const before = dump();
    await expectCode('NOT_FOUND', endCustomerRelationship(deps, outsider.admin, customer.org.id));
    await expectCode('NOT_FOUND', endCustomerRelationship(deps, reseller.admin, outsider.org.id));
    await expectCode(
      'NOT_FOUND',
      endCustomerRelationship(deps, reseller.admin, `${customer.org.id}#${reseller.org.id}`),
    );
    await expectCode('NOT_FOUND', endPartnerRelationship(deps, outsider.admin, reseller.org.id));
    await expectCode('NOT_FOUND', endPartnerRelationship(deps, customer.admin, outsider.org.id));
    await expectCode('NOT_FOUND', endIndirectProvider(deps, outsider.admin, provider.org.id));
    await expectCode('NOT_FOUND', endIndirectProvider(deps, reseller.admin, outsider.org.id));
    await expectCode('NOT_FOUND', endIndirectReseller(deps, outsider.admin, reseller.org.id));
    // A customer is no indirect reseller of its partners.
    await expectCode('NOT_FOUND', endIndirectReseller(deps, reseller.admin, customer.org.id));
    expect(dump()).toEqual(before);
  });

  it('writes nothing when the relationship changed between reading and writing', async () => {
    await link();
    await connect({ withProvider: true });
    // The other side ended it meanwhile: the relationship itself is gone, a 404 like a second DELETE.
    endings.beforeNextEnd = () =>
      p.relationships.deleteRow({ orgId: reseller.org.id, kind: 'CUSTOMER', otherId: customer.org.id });
    await expectCode('NOT_FOUND', endCustomerRelationship(deps, reseller.admin, customer.org.id));
    expect(endings.records).toEqual([]);
    // Something else it reads changed meanwhile: CONFLICT, retry.
    await connect({ to: outsider, delegatedAdmin: false });
    const other = { orgId: outsider.org.id, kind: 'PARTNER' as const, otherId: reseller.org.id };
    endings.beforeNextEnd = () => p.relationships.deleteRow(other);
    await expectCode('CONFLICT', endCustomerRelationship(deps, reseller.admin, outsider.org.id));
    expect(rowsOf(reseller)).toContain(`CUSTOMER#${outsider.org.id}`);
    expect(endings.records).toEqual([]);
  });
});
