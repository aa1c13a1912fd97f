import { describe, expect, it } from 'vitest';
import type { OrganizationRecord } from '../../functions/identity/domain/model.ts';
import { hashLinkToken } from '../../functions/platform/links/links.ts';
import {
  acceptInvitation,
  customerOf,
  type RelationshipDeps,
} from '../../functions/relationships/domain/invitations.ts';
import type { InvitationRecord } from '../../functions/relationships/domain/model.ts';
import type { RelationshipRow, RelationshipStore } from '../../functions/relationships/ports.ts';
import { globalAdminOf, organizationRecord } from '../support/records.ts';
import { FakeBusinessCounts } from './fakes/metrics.ts';

const NOW = new Date('2026-03-01T10:00:00Z');
const org = (id: string, partnerTypes: OrganizationRecord['partnerTypes'] = []) =>
  organizationRecord(id, partnerTypes, NOW);
const admin = (orgId: string) => globalAdminOf(orgId, NOW);

/**
 * In-memory relationship rows keyed like the table (`<kind>#<otherId>[#<subId>]` in sort order);
 * only what these use cases call is implemented.
 */
function fakeDeps(orgs: OrganizationRecord[], invitation?: InvitationRecord) {
  const rows = new Map<string, Record<string, unknown>>();
  /** `<partner>#<customer>` → the ends of the partner's admin grants there. */
  const grantEnds = new Map<string, string[]>();
  const keyOf = (orgId: string, kind: string, otherId: string, subId?: string) =>
    `${orgId}|${kind}#${otherId}${subId === undefined ? '' : `#${subId}`}`;
  const put = (r: RelationshipRow) => rows.set(keyOf(r.orgId, r.kind, r.otherId, r.subId), { ...r.data });
  const relationships = {
    getInvitation: async () => invitation,
    getRelationship: async (orgId: string, kind: string, otherId: string, subId?: string) =>
      rows.get(keyOf(orgId, kind, otherId, subId)),
    relationshipsWith: async (orgId: string, kind: string, otherId: string) => {
      const own = keyOf(orgId, kind, otherId);
      return [...rows.keys()]
        .filter((k) => k === own || k.startsWith(`${own}#`))
        .sort()
        .map((k) => rows.get(k) ?? {});
    },
    acceptInvitation: async (_inv: InvitationRecord, _by: unknown, _at: Date, written: RelationshipRow[]) => {
      written.forEach(put);
      return true;
    },
    adminGrantEnds: async (partnerId: string, customerIds: string[]) =>
      new Map(customerIds.map((id) => [id, grantEnds.get(`${partnerId}#${id}`) ?? []])),
  } as unknown as RelationshipStore;
  const deps = {
    relationships,
    identity: { getOrganization: async (id: string) => orgs.find((o) => o.id === id) },
    links: {
      getLink: async (tokenHash: string) =>
        invitation && tokenHash === invitation.tokenHash
          ? { tokenHash, kind: 'INVITATION', orgId: invitation.from.id, invitationId: invitation.id }
          : undefined,
    },
    mailer: { send: async () => 'id' },
    clock: { now: () => NOW },
    publicBaseUrl: 'https://app.example',
    metrics: new FakeBusinessCounts(),
  } as unknown as RelationshipDeps;
  return { deps, put, rows, grantEnds };
}

const HOUR_MS = 3_600_000;
const ahead = new Date(NOW.getTime() + HOUR_MS).toISOString();

const customerRow = (customerId: string, extra: Record<string, unknown> = {}) => ({
  customerId,
  name: `Org ${customerId}`,
  domain: `${customerId}.example`,
  country: 'ES',
  delegatedAdmin: true,
  since: NOW.toISOString(),
  ...extra,
});
/** A customer as the API answers it (the stored row and its status). */
const listed = (row: Record<string, unknown>) => ({ ...row, status: 'ACTIVE' });

describe('a combined invitation accepted', () => {
  it("puts the customer on the provider's Customers list with indirectResellerId, beside the shared rows", async () => {
    const [reseller, provider, customer] = [
      org('r1', ['RESELLER']),
      org('p1', ['INDIRECT_PROVIDER']),
      org('c1'),
    ];
    const invitation: InvitationRecord = {
      id: 'inv1',
      kind: 'RESELLER_PROVIDER_CUSTOMER',
      from: { id: reseller.id, name: reseller.name, domain: reseller.domain },
      provider: { id: provider.id, name: provider.name, domain: provider.domain },
      email: `ada@${customer.domain}`,
      domain: customer.domain,
      delegatedAdmin: true,
      locale: 'en-US',
      status: 'PENDING',
      tokenHash: hashLinkToken('token'),
      createdAt: NOW.toISOString(),
      expiresAt: NOW.getTime() / 1000 + 3600,
    };
    const { deps, rows, grantEnds } = fakeDeps([reseller, provider, customer], invitation);

    await acceptInvitation(deps, 'token', admin(customer.id), true);
    // The "Default" admin relationships the acceptance asked for (made by the stream consumer).
    grantEnds.set('p1#c1', [ahead]);
    grantEnds.set('r1#c1', [ahead]);

    expect(rows.get('p1|CUSTOMER#c1#r1')).toEqual(customerRow('c1', { indirectResellerId: 'r1' }));
    expect(rows.get('r1|CUSTOMER#c1')).toEqual(customerRow('c1', { indirectProviderId: 'p1' }));
    expect(rows.get('p1|SHARED#r1#c1')).toMatchObject({ customerId: 'c1', resellerId: 'r1' });
    expect(await customerOf(deps, admin(provider.id), 'c1')).toEqual(
      listed(customerRow('c1', { indirectResellerId: 'r1' })),
    );
    expect(await customerOf(deps, admin(reseller.id), 'c1')).toEqual(
      listed(customerRow('c1', { indirectProviderId: 'p1' })),
    );
  });
});

describe('customerOf', () => {
  it("answers the organization's own relationship first, then one through a reseller", async () => {
    const { deps, put, grantEnds } = fakeDeps([]);
    grantEnds.set('o1#c1', [ahead]);
    const through = customerRow('c1', { indirectResellerId: 'r1' });
    put({ orgId: 'o1', kind: 'CUSTOMER', otherId: 'c1', subId: 'r1', data: through });
    expect(await customerOf(deps, admin('o1'), 'c1')).toEqual(listed(through));
    put({ orgId: 'o1', kind: 'CUSTOMER', otherId: 'c1', data: customerRow('c1') });
    expect(await customerOf(deps, admin('o1'), 'c1')).toEqual(listed(customerRow('c1')));
  });

  it('shows delegatedAdmin while an admin relationship is active: none, ended and past its end read false', async () => {
    const { deps, put, grantEnds } = fakeDeps([]);
    // Asked for at the acceptance: true until its Default is made, then as the grants say.
    put({ orgId: 'o1', kind: 'CUSTOMER', otherId: 'c1', data: customerRow('c1') });
    expect((await customerOf(deps, admin('o1'), 'c1')).delegatedAdmin).toBe(true);
    put({
      orgId: 'o1',
      kind: 'CUSTOMER',
      otherId: 'c1',
      data: customerRow('c1', { defaultAdminAt: NOW.toISOString() }),
    });
    expect(await customerOf(deps, admin('o1'), 'c1')).toEqual(
      listed(customerRow('c1', { delegatedAdmin: false })),
    );
    grantEnds.set('o1#c1', [NOW.toISOString()]);
    expect((await customerOf(deps, admin('o1'), 'c1')).delegatedAdmin).toBe(false);
    grantEnds.set('o1#c1', [NOW.toISOString(), ahead]);
    expect((await customerOf(deps, admin('o1'), 'c1')).delegatedAdmin).toBe(true);
    // Another partner's relationship with the customer is not this one's.
    grantEnds.delete('o1#c1');
    grantEnds.set('o2#c1', [ahead]);
    expect((await customerOf(deps, admin('o1'), 'c1')).delegatedAdmin).toBe(false);
  });

  it('is NOT_FOUND without a relationship, for another organization, and for an id that spells a row key', async () => {
    const { deps, put } = fakeDeps([]);
    put({
      orgId: 'o1',
      kind: 'CUSTOMER',
      otherId: 'c1',
      subId: 'r1',
      data: customerRow('c1', { indirectResellerId: 'r1' }),
    });
    for (const [orgId, id] of [
      ['o1', 'c2'],
      ['o2', 'c1'],
      ['o1', 'c1#r1'],
    ] as const) {
      await expect(customerOf(deps, admin(orgId), id)).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
    }
  });
});
