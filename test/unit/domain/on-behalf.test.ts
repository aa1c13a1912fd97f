import { beforeEach, describe, expect, it } from 'vitest';
import type { OrganizationRecord, Principal } from '../../../functions/identity/domain/model.ts';
import { grantDefaultRelationships } from '../../../functions/on-behalf/domain/defaults.ts';
import {
  answerAdminRelationship,
  assertAdminAccess,
  getAdminRelationship,
  listAdminRelationships,
  type OnBehalfDeps,
  requestAdminRelationship,
  terminateAdminRelationship,
  viewApproval,
} from '../../../functions/on-behalf/domain/relationships.ts';
import {
  type AdminRelationshipTimer,
  adminTimerName,
  runAdminRelationshipTimer,
} from '../../../functions/on-behalf/domain/terms.ts';
import { listCustomerUsers } from '../../../functions/on-behalf/domain/users.ts';
import type { InvitationRecord } from '../../../functions/relationships/domain/model.ts';
import { FakeAdminRelationshipStore } from '../fakes/admin-relationship-store.ts';
import { FakeCommerceStore, FakeCustomerLinks, FakeTimers } from '../fakes/commerce-store.ts';
import { FakeCustomerUserStore } from '../fakes/customer-user-store.ts';
import { addOrganization, addUser, type FakePorts, fakePorts, PUBLIC_BASE_URL, T0 } from '../fakes/deps.ts';
import { expectCode } from '../fakes/expect-code.ts';

const DAY = 86_400;
const tokenOf = (link: string) => new URL(link).searchParams.get('token') ?? '';

describe('administering on behalf', () => {
  let p: FakePorts;
  let store: FakeAdminRelationshipStore;
  let deps: OnBehalfDeps & { timers: FakeTimers<AdminRelationshipTimer> };
  let partner: { org: OrganizationRecord; admin: Principal };
  let customer: { org: OrganizationRecord; admin: Principal };
  let outsider: { org: OrganizationRecord; admin: Principal };

  const request = (over: Record<string, unknown> = {}, by = partner.admin) =>
    requestAdminRelationship(deps, by, customer.org.id, {
      displayName: 'Helpdesk',
      roles: ['DIRECTORY_READER', 'USER_ADMINISTRATOR'],
      duration: 'P30D',
      ...over,
    });

  beforeEach(async () => {
    p = fakePorts(T0);
    store = new FakeAdminRelationshipStore(p.identity);
    const links = new FakeCustomerLinks();
    deps = {
      adminRelationships: store,
      customers: links,
      organizations: p.identity,
      links: p.identity,
      timers: new FakeTimers<AdminRelationshipTimer>(),
      mailer: p.mailer,
      clock: p.clock,
      publicBaseUrl: PUBLIC_BASE_URL,
    };
    partner = await addOrganization(p, 'res', ['RESELLER']);
    customer = await addOrganization(p, 'cust');
    outsider = await addOrganization(p, 'other', ['RESELLER']);
    links.add(partner.org.id, {
      customerId: customer.org.id,
      name: customer.org.name,
      domain: customer.org.domain,
      country: customer.org.country,
      delegatedAdmin: false,
      since: T0.toISOString(),
    });
  });

  it('asks, emails the approval link to the customer’s global admins, and activates on approval', async () => {
    const requested = await request();
    expect(requested).toMatchObject({
      status: 'APPROVAL_PENDING',
      requestExpiresAt: new Date(T0.getTime() + 90 * DAY * 1000).toISOString(),
    });
    expect(requested.approvalLink.startsWith(`${PUBLIC_BASE_URL}/admin-relationships/approve?token=`)).toBe(
      true,
    );
    expect(p.mailer.sent.map((m) => m.to)).toEqual([`ada@${customer.org.domain}`]);
    expect(p.mailer.sent[0]?.text).toContain(requested.approvalLink);
    await expectCode(
      'ADMIN_RELATIONSHIP_REQUIRED',
      assertAdminAccess(deps, partner.admin, customer.org.id, 'DIRECTORY_READER'),
    );

    p.clock.advance(60);
    const answered = await answerAdminRelationship(
      deps,
      tokenOf(requested.approvalLink),
      customer.admin,
      'APPROVE',
    );
    expect(answered.status).toBe('ACTIVE');
    const active = await getAdminRelationship(deps, partner.admin, requested.relationshipId);
    expect(active).toMatchObject({
      status: 'ACTIVE',
      activatedAt: new Date(T0.getTime() + 60_000).toISOString(),
      endsAt: new Date(T0.getTime() + 60_000 + 30 * DAY * 1000).toISOString(),
    });
    const commerce = new FakeCommerceStore();
    const users = await listCustomerUsers(
      {
        ...deps,
        users: p.identity,
        customerUsers: new FakeCustomerUserStore(p.identity, commerce),
        subscriptions: commerce,
        directory: p.directory,
        metrics: p.metrics,
      },
      partner.admin,
      customer.org.id,
      { limit: 25 },
    );
    expect(users.items.map((u) => u.email)).toEqual([`ada@${customer.org.domain}`]);
  });

  it('scopes access by role: a reader reads, and needs the role it lacks for the rest', async () => {
    const requested = await request({ roles: ['DIRECTORY_READER'] });
    await answerAdminRelationship(deps, tokenOf(requested.approvalLink), customer.admin, 'APPROVE');
    await assertAdminAccess(deps, partner.admin, customer.org.id, 'DIRECTORY_READER');
    const refused = await expectCode(
      'ADMIN_RELATIONSHIP_REQUIRED',
      assertAdminAccess(deps, partner.admin, customer.org.id, 'LICENSE_ADMINISTRATOR'),
    );
    expect(refused.detail).toContain('LICENSE_ADMINISTRATOR');
    // Another organization without any relationship with the customer: 404, nothing revealed.
    await expectCode(
      'NOT_FOUND',
      assertAdminAccess(deps, outsider.admin, customer.org.id, 'DIRECTORY_READER'),
    );
  });

  it('ends access at the exact end of the duration', async () => {
    const requested = await request({ duration: 'P1D' });
    await answerAdminRelationship(deps, tokenOf(requested.approvalLink), customer.admin, 'APPROVE');
    p.clock.advance(DAY - 1);
    await assertAdminAccess(deps, partner.admin, customer.org.id, 'DIRECTORY_READER');
    p.clock.advance(1);
    await expectCode(
      'ADMIN_RELATIONSHIP_REQUIRED',
      assertAdminAccess(deps, partner.admin, customer.org.id, 'DIRECTORY_READER'),
    );
    expect((await getAdminRelationship(deps, partner.admin, requested.relationshipId)).status).toBe(
      'EXPIRED',
    );
    await expectCode(
      'RELATIONSHIP_NOT_ACTIVE',
      terminateAdminRelationship(deps, partner.admin, requested.relationshipId),
    );
  });

  it('refuses autoExtend with GLOBAL_ADMINISTRATOR, and a display name already pending', async () => {
    await expectCode(
      'AUTO_EXTEND_NOT_ALLOWED',
      request({ roles: ['GLOBAL_ADMINISTRATOR'], autoExtend: true }),
    );
    await request();
    await expectCode('DISPLAY_NAME_TAKEN', request({ displayName: ' helpdesk ' }));
    await expectCode('NOT_FOUND', request({}, outsider.admin));
  });

  it('lets only a global admin of that customer answer, once', async () => {
    const requested = await request();
    const token = tokenOf(requested.approvalLink);
    expect((await viewApproval(deps, token)).relationshipId).toBe(requested.relationshipId);
    await expectCode(
      'NOT_FOR_YOUR_ORGANIZATION',
      answerAdminRelationship(deps, token, partner.admin, 'APPROVE'),
    );
    const helpdesk = await addUser(p, customer.org, 'hal', 'HELPDESK_AGENT', 'NONE');
    await expectCode('FORBIDDEN', answerAdminRelationship(deps, token, helpdesk, 'APPROVE'));
    await expectCode('LINK_INVALID', answerAdminRelationship(deps, 'not-a-token', customer.admin, 'APPROVE'));
    expect((await answerAdminRelationship(deps, token, customer.admin, 'REJECT')).status).toBe('REJECTED');
    await expectCode('LINK_USED', answerAdminRelationship(deps, token, customer.admin, 'APPROVE'));
    await expectCode('LINK_USED', viewApproval(deps, token));
    // A rejected request frees its name.
    expect((await request()).status).toBe('APPROVAL_PENDING');
  });

  it('expires an unapproved request after 90 days', async () => {
    const requested = await request();
    p.clock.advance(90 * DAY);
    await expectCode('LINK_EXPIRED', viewApproval(deps, tokenOf(requested.approvalLink)));
    expect((await getAdminRelationship(deps, customer.admin, requested.relationshipId)).status).toBe(
      'EXPIRED',
    );
  });

  it('terminates from either side at once, emailing both', async () => {
    for (const side of ['partner', 'customer'] as const) {
      const requested = await request({ displayName: `Ops ${side}` });
      await answerAdminRelationship(deps, tokenOf(requested.approvalLink), customer.admin, 'APPROVE');
      p.mailer.sent.length = 0;
      const by = side === 'partner' ? partner.admin : customer.admin;
      const ended = await terminateAdminRelationship(deps, by, requested.relationshipId);
      expect(ended).toMatchObject({ status: 'TERMINATED', endedAt: T0.toISOString() });
      expect(p.mailer.sent.map((m) => m.to).sort()).toEqual([
        `ada@${customer.org.domain}`,
        `ada@${partner.org.domain}`,
      ]);
      await expectCode(
        'ADMIN_RELATIONSHIP_REQUIRED',
        assertAdminAccess(deps, partner.admin, customer.org.id, 'DIRECTORY_READER'),
      );
      await expectCode(
        'RELATIONSHIP_NOT_ACTIVE',
        terminateAdminRelationship(deps, by, requested.relationshipId),
      );
    }
  });

  it('shows each side its list and nobody else the relationship', async () => {
    const requested = await request();
    const outbound = await listAdminRelationships(deps, partner.admin, { direction: 'outbound', limit: 25 });
    const inbound = await listAdminRelationships(deps, customer.admin, { direction: 'inbound', limit: 25 });
    expect(outbound.items.map((r) => r.relationshipId)).toEqual([requested.relationshipId]);
    expect(inbound.items).toEqual(outbound.items);
    expect(
      (
        await listAdminRelationships(deps, partner.admin, {
          direction: 'outbound',
          status: 'ACTIVE',
          limit: 25,
        })
      ).items,
    ).toEqual([]);
    await expectCode('NOT_FOUND', getAdminRelationship(deps, outsider.admin, requested.relationshipId));
    const userAdmin = await addUser(p, customer.org, 'uma', 'NONE', 'USER_MANAGEMENT_ADMIN');
    await expectCode(
      'FORBIDDEN',
      listAdminRelationships(deps, userAdmin, { direction: 'inbound', limit: 25 }),
    );
    await expectCode('FORBIDDEN', getAdminRelationship(deps, userAdmin, requested.relationshipId));
  });

  describe('terms', () => {
    const fire = (timer: AdminRelationshipTimer) => runAdminRelationshipTimer(deps, timer);
    const pendingKinds = () =>
      [...deps.timers.pending.values()].map(({ input, due }) => [
        input.kind,
        input.daysLeft ?? null,
        due.toISOString(),
      ]);

    const approved = async (over: Record<string, unknown> = {}) => {
      const requested = await request(over);
      await answerAdminRelationship(deps, tokenOf(requested.approvalLink), customer.admin, 'APPROVE');
      return (await getAdminRelationship(deps, partner.admin, requested.relationshipId)) as {
        relationshipId: string;
        endsAt: string;
      };
    };

    it('arms the request’s expiry, then the term’s notices and end; a pending request expires, freeing its name', async () => {
      const requested = await request();
      const at = new Date(T0.getTime() + 90 * DAY * 1000).toISOString();
      expect(pendingKinds()).toEqual([['REQUEST_EXPIRY', null, at]]);
      await fire({ kind: 'REQUEST_EXPIRY', relationshipId: requested.relationshipId, at });
      expect((await getAdminRelationship(deps, partner.admin, requested.relationshipId)).status).toBe(
        'EXPIRED',
      );
      expect((await request()).status).toBe('APPROVAL_PENDING');
    });

    it('tells both sides 30, 7 and 1 days ahead, then ends the relationship and its access', async () => {
      deps.timers.pending.clear();
      const r = await approved({ duration: 'P40D' });
      const end = Date.parse(r.endsAt);
      expect(pendingKinds()).toEqual([
        ['NOTICE', 30, new Date(end - 30 * DAY * 1000).toISOString()],
        ['NOTICE', 7, new Date(end - 7 * DAY * 1000).toISOString()],
        ['NOTICE', 1, new Date(end - DAY * 1000).toISOString()],
        ['END', null, r.endsAt],
      ]);
      p.mailer.sent.length = 0;
      await fire({ kind: 'NOTICE', relationshipId: r.relationshipId, at: r.endsAt, daysLeft: 7 });
      expect(p.mailer.sent.map((m) => m.to).sort()).toEqual([
        `ada@${customer.org.domain}`,
        `ada@${partner.org.domain}`,
      ]);
      // Both organizations are in ES: Spanish.
      expect(p.mailer.sent[0]?.subject).toContain('finaliza el');
      await fire({ kind: 'END', relationshipId: r.relationshipId, at: r.endsAt });
      expect((await getAdminRelationship(deps, partner.admin, r.relationshipId)).status).toBe('EXPIRED');
      expect(store.grantsOf.get(`${partner.org.id}|${customer.org.id}`)?.size).toBe(0);
      // A late notice of the ended term does nothing.
      p.mailer.sent.length = 0;
      await fire({ kind: 'NOTICE', relationshipId: r.relationshipId, at: r.endsAt, daysLeft: 1 });
      expect(p.mailer.sent).toEqual([]);
    });

    it('extends an autoExtend relationship by 180 days at its end, with new timers', async () => {
      const r = await approved({ duration: 'P10D', autoExtend: true });
      deps.timers.pending.clear();
      p.clock.set(r.endsAt);
      await fire({ kind: 'END', relationshipId: r.relationshipId, at: r.endsAt });
      const extended = await getAdminRelationship(deps, partner.admin, r.relationshipId);
      const newEnd = new Date(Date.parse(r.endsAt) + 180 * DAY * 1000).toISOString();
      expect(extended).toMatchObject({ status: 'ACTIVE', endsAt: newEnd });
      await assertAdminAccess(deps, partner.admin, customer.org.id, 'USER_ADMINISTRATOR');
      expect([...deps.timers.pending.keys()]).toContain(
        adminTimerName({ kind: 'END', relationshipId: r.relationshipId, at: newEnd }),
      );
      // The old term's end again (a retry) changes nothing.
      await fire({ kind: 'END', relationshipId: r.relationshipId, at: r.endsAt });
      expect((await getAdminRelationship(deps, partner.admin, r.relationshipId)).endsAt).toBe(newEnd);
    });

    it('deletes the pending timers of a terminated relationship', async () => {
      const r = await approved();
      await terminateAdminRelationship(deps, partner.admin, r.relationshipId);
      expect(
        [...deps.timers.pending.values()].filter(
          (t) => t.input.relationshipId === r.relationshipId && t.input.kind !== 'REQUEST_EXPIRY',
        ),
      ).toEqual([]);
    });
  });

  describe('Default relationships of accepted invitations', () => {
    const invitation = (over: Partial<InvitationRecord> = {}): InvitationRecord => ({
      id: 'inv-1',
      kind: 'RESELLER_PROVIDER_CUSTOMER',
      from: { id: partner.org.id, name: partner.org.name, domain: partner.org.domain },
      provider: { id: outsider.org.id, name: outsider.org.name, domain: outsider.org.domain },
      email: `ada@${customer.org.domain}`,
      domain: customer.org.domain,
      delegatedAdmin: true,
      locale: 'en',
      status: 'ACCEPTED',
      tokenHash: 'h',
      createdAt: T0.toISOString(),
      expiresAt: 0,
      acceptedBy: { id: customer.org.id, name: customer.org.name, domain: customer.org.domain },
      decidedAt: T0.toISOString(),
      ...over,
    });
    const grant = (inv: InvitationRecord) =>
      grantDefaultRelationships({ ...deps, invitations: { getInvitation: async () => inv } }, inv.id);

    it('makes one ACTIVE P730D relationship per partner named, once, with access at once', async () => {
      const made = await grant(invitation());
      expect(made).toHaveLength(2);
      expect(await grant(invitation())).toEqual([]);
      for (const id of made)
        expect(await getAdminRelationship(deps, customer.admin, id)).toMatchObject({
          displayName: 'Default',
          status: 'ACTIVE',
          roles: [
            'DIRECTORY_READER',
            'USER_ADMINISTRATOR',
            'LICENSE_ADMINISTRATOR',
            'SERVICE_SUPPORT_ADMINISTRATOR',
          ],
          duration: 'P730D',
          autoExtend: false,
          activatedAt: T0.toISOString(),
          endsAt: new Date(T0.getTime() + 730 * DAY * 1000).toISOString(),
        });
      await assertAdminAccess(deps, partner.admin, customer.org.id, 'USER_ADMINISTRATOR');
      await expectCode(
        'ADMIN_RELATIONSHIP_REQUIRED',
        assertAdminAccess(deps, partner.admin, customer.org.id, 'GLOBAL_ADMINISTRATOR'),
      );
      // A second accepted invitation of the same partner: the next Default is named after it.
      const second = await grant(invitation({ id: 'inv-2abcdefgh', provider: undefined }));
      expect((await getAdminRelationship(deps, customer.admin, second[0] ?? '')).displayName).toBe(
        'Default inv-2abc',
      );
    });

    it('makes none for a partner whose relationship with the customer ended before the stream got there', async () => {
      // The reseller ended it; the provider still has the customer through that reseller's share.
      store.endedRows.add(`${partner.org.id}#${customer.org.id}`);
      const made = await grant(invitation());
      expect(made).toHaveLength(1);
      expect((await getAdminRelationship(deps, customer.admin, made[0] ?? '')).partner.organizationId).toBe(
        outsider.org.id,
      );
      await expectCode(
        'ADMIN_RELATIONSHIP_REQUIRED',
        assertAdminAccess(deps, partner.admin, customer.org.id, 'DIRECTORY_READER'),
      );
      // The provider's row through that reseller went too: nothing is made, and a repeat makes nothing.
      store.endedRows.add(`${outsider.org.id}#${customer.org.id}#${partner.org.id}`);
      expect(await grant(invitation({ id: 'inv-3' }))).toEqual([]);
    });

    it('makes none without delegatedAdmin, before acceptance, or for a provider–reseller link', async () => {
      expect(await grant(invitation({ delegatedAdmin: false }))).toEqual([]);
      expect(await grant(invitation({ status: 'PENDING' }))).toEqual([]);
      expect(await grant(invitation({ kind: 'PROVIDER_RESELLER', provider: undefined }))).toEqual([]);
    });
  });
});
