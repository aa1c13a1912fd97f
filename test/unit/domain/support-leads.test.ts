import { beforeEach, describe, expect, it } from 'vitest';
import type { OrganizationRecord, Principal } from '../../../functions/identity/domain/model.ts';
import type { Page } from '../../../functions/platform/ports.ts';
import { acceptInvitation, inviteReseller } from '../../../functions/relationships/domain/invitations.ts';
import {
  createLead,
  expiredBefore,
  getLead,
  INVITE_CLAIM_SECONDS,
  inviteLead,
  LEAD_EXPIRY_DAYS,
  type LeadInviteDeps,
  listLeads,
  markLeadWon,
  shareLead,
  statusAt,
  updateLead,
} from '../../../functions/support/domain/leads.ts';
import type {
  LeadFilter,
  LeadRecord,
  LeadRef,
  LeadStatus,
  LeadStore,
} from '../../../functions/support/lead-ports.ts';
import { addOrganization, addUser, type FakePorts, fakePorts, relationshipDeps, T0 } from '../fakes/deps.ts';
import { expectCode } from '../fakes/expect-code.ts';
import { tokenOf } from '../fakes/mailer.ts';
import { copy } from '../fakes/table.ts';

const DAY = 86_400;

interface Recorded {
  organizationId: string;
  operation: string;
  resourceId: string;
  changes: Record<string, [unknown, unknown]>;
}

/** Leads in memory, with the conditions of functions/support/lead-store.ts; records what each write would log. */
class FakeLeadStore implements LeadStore {
  readonly leads = new Map<string, LeadRecord>();
  readonly lookups = new Map<string, LeadRef>();
  readonly records: Recorded[] = [];
  /** Runs once before the next conditional write: a concurrent change landing between a read and a write. */
  beforeNextWrite: (() => Promise<void>) | undefined;

  private key = (orgId: string, leadId: string) => `${orgId}/${leadId}`;
  private stored = (l: Pick<LeadRecord, 'orgId' | 'leadId'>) => this.leads.get(this.key(l.orgId, l.leadId));
  private async meanwhile() {
    const run = this.beforeNextWrite;
    this.beforeNextWrite = undefined;
    await run?.();
  }
  private statusAsRead(before: LeadRecord, cutoff: string) {
    const now = this.stored(before);
    return (
      now !== undefined && now.status === before.status && (before.status !== 'NEW' || now.createdAt > cutoff)
    );
  }
  private record(lead: LeadRecord, operation: string, changes: Record<string, [unknown, unknown]>) {
    this.records.push({ organizationId: lead.orgId, operation, resourceId: lead.leadId, changes });
  }

  dump() {
    return JSON.stringify([[...this.leads], [...this.lookups], this.records]);
  }

  async create(lead: LeadRecord) {
    this.leads.set(this.key(lead.orgId, lead.leadId), copy(lead));
    this.record(lead, 'LEAD_CREATED', { status: [null, lead.status] });
  }

  async get(orgId: string, leadId: string) {
    return copy(this.leads.get(this.key(orgId, leadId)));
  }

  async list(orgId: string, filter: LeadFilter, limit: number, cursor?: string): Promise<Page<LeadRecord>> {
    const all = [...this.leads.values()]
      .filter((l) => l.orgId === orgId)
      .sort((a, b) => b.leadId.localeCompare(a.leadId));
    const start = cursor ? all.findIndex((l) => l.leadId === cursor) + 1 : 0;
    const read = all.slice(start, start + limit);
    const shows = (l: LeadRecord) =>
      filter.status === undefined ||
      (filter.status === 'EXPIRED'
        ? l.status === 'NEW' && l.createdAt <= filter.expiredBefore
        : filter.status === 'NEW'
          ? l.status === 'NEW' && l.createdAt > filter.expiredBefore
          : l.status === filter.status);
    const last = read.at(-1);
    return {
      items: copy(read.filter(shows)),
      ...(start + limit < all.length && last ? { nextCursor: last.leadId } : {}),
    };
  }

  async transition(
    before: LeadRecord,
    after: LeadRecord,
    operation: 'LEAD_UPDATED' | 'LEAD_WON',
    cutoff: string,
  ) {
    await this.meanwhile();
    if (!this.statusAsRead(before, cutoff)) return false;
    const stored = this.stored(before);
    if (!stored) return false;
    stored.status = after.status;
    stored.updatedAt = after.updatedAt;
    if (after.reason) stored.reason = after.reason;
    else delete stored.reason;
    this.record(after, operation, { status: [before.status, after.status] });
    return true;
  }

  async share(lead: LeadRecord, after: LeadRecord, referral: LeadRecord, cutoff: string) {
    await this.meanwhile();
    const stored = this.stored(lead);
    const shareable =
      stored !== undefined &&
      Object.keys(stored.sharedWith ?? {}).length === Object.keys(lead.sharedWith ?? {}).length &&
      (stored.status === 'ACTIVE' || (stored.status === 'NEW' && stored.createdAt > cutoff));
    if (!shareable || !stored) return false;
    stored.sharedWith = copy(after.sharedWith);
    stored.updatedAt = after.updatedAt;
    this.leads.set(this.key(referral.orgId, referral.leadId), copy(referral));
    this.record(lead, 'LEAD_SHARED', { sharedWith: [null, referral.orgId] });
    this.record(referral, 'LEAD_CREATED', { sharedBy: [null, lead.orgId] });
    return true;
  }

  async claimInvite(lead: LeadRecord, nowSeconds: number, staleBefore: number, cutoff: string) {
    await this.meanwhile();
    const stored = this.stored(lead);
    if (!stored || !this.statusAsRead(lead, cutoff) || stored.invitationId) return false;
    if (stored.inviteClaimedAt !== undefined && stored.inviteClaimedAt >= staleBefore) return false;
    stored.inviteClaimedAt = nowSeconds;
    return true;
  }

  async releaseInvite(lead: LeadRecord, claimedAt: number) {
    const stored = this.stored(lead);
    if (stored?.inviteClaimedAt === claimedAt) delete stored.inviteClaimedAt;
  }

  async invited(before: LeadRecord, after: LeadRecord, claimedAt: number) {
    await this.meanwhile();
    const stored = this.stored(before);
    if (
      !stored ||
      stored.status !== before.status ||
      stored.inviteClaimedAt !== claimedAt ||
      stored.invitationId ||
      !after.invitationId
    )
      return false;
    delete stored.inviteClaimedAt;
    stored.status = after.status;
    stored.invitationId = after.invitationId;
    stored.updatedAt = after.updatedAt;
    this.lookups.set(after.invitationId, { orgId: before.orgId, leadId: before.leadId });
    this.record(after, 'LEAD_INVITED', { invitationId: [null, after.invitationId] });
    return true;
  }

  async leadOfInvitation(invitationId: string) {
    return copy(this.lookups.get(invitationId));
  }
}

describe('leads', () => {
  let p: FakePorts;
  let store: FakeLeadStore;
  let deps: LeadInviteDeps;
  let reseller: { org: OrganizationRecord; admin: Principal };
  let provider: { org: OrganizationRecord; admin: Principal };
  let customer: { org: OrganizationRecord; admin: Principal };

  const input = (over: Record<string, string> = {}) => ({
    companyName: 'Contoso Iberia',
    contactName: 'Carla Contact',
    contactEmail: `ada@${customer.org.domain}`,
    country: 'ES',
    ...over,
  });
  const lead = (as: Principal, over: Record<string, string> = {}) => createLead(deps, as, input(over));
  const move = (as: Principal, leadId: string, status: LeadStatus, reason?: string) =>
    updateLead(deps, as, leadId, { status, ...(reason ? { reason } : {}) });
  const stored = (orgId: string, leadId: string) => {
    const l = store.leads.get(`${orgId}/${leadId}`);
    if (!l) throw new Error(`no lead ${leadId}`);
    return l;
  };
  /** An active provider–reseller link, made through the relationships domain (invite, accept). */
  const link = async (from: Principal, to: { org: OrganizationRecord; admin: Principal }) => {
    const rel = relationshipDeps(p);
    await inviteReseller(rel, from, { email: to.admin.user.email });
    const token = tokenOf(p.mailer.linkTo(to.admin.user.email, 'https://'));
    await acceptInvitation(rel, token, to.admin, true);
  };

  beforeEach(async () => {
    p = fakePorts(T0);
    store = new FakeLeadStore();
    deps = {
      leads: store,
      partners: p.relationships,
      organizations: p.identity,
      mailer: p.mailer,
      clock: p.clock,
      relationships: relationshipDeps(p),
    };
    reseller = await addOrganization(p, 'resel', ['RESELLER']);
    provider = await addOrganization(p, 'dist', ['INDIRECT_PROVIDER']);
    customer = await addOrganization(p, 'cust');
  });

  describe('create, read, list', () => {
    it('creates a NEW lead of the caller organization, recorded as LEAD_CREATED', async () => {
      const created = await lead(reseller.admin, { notes: 'Met at the fair' });

      expect(created).toMatchObject({
        status: 'NEW',
        companyName: 'Contoso Iberia',
        notes: 'Met at the fair',
      });
      expect(created.createdAt).toBe(T0.toISOString());
      expect(await getLead(deps, reseller.admin, created.leadId)).toEqual(created);
      expect(store.records).toEqual([
        expect.objectContaining({
          organizationId: 'resel',
          operation: 'LEAD_CREATED',
          resourceId: created.leadId,
        }),
      ]);
    });

    it("answers NOT_FOUND for another organization's lead, FORBIDDEN without leads:manage", async () => {
      const created = await lead(reseller.admin);
      const helpdesk = await addUser(p, reseller.org, 'hal', 'HELPDESK_AGENT', 'NONE');

      await expectCode('NOT_FOUND', getLead(deps, provider.admin, created.leadId));
      await expectCode('NOT_FOUND', move(provider.admin, created.leadId, 'ACTIVE'));
      await expectCode('FORBIDDEN', createLead(deps, helpdesk, input()));
      await expectCode('FORBIDDEN', listLeads(deps, helpdesk, { limit: 10 }));
    });

    it('lists newest first, filtered by the status each lead shows, EXPIRED after 30 days', async () => {
      const old = await lead(reseller.admin, { companyName: 'Old' });
      p.clock.advance(LEAD_EXPIRY_DAYS * DAY - 60);
      const active = await lead(reseller.admin, { companyName: 'Active' });
      await move(reseller.admin, active.leadId, 'ACTIVE');
      const fresh = await lead(reseller.admin, { companyName: 'Fresh' });

      // One minute before the 30 days are up the oldest is still NEW…
      const names = async (status?: LeadStatus) =>
        (await listLeads(deps, reseller.admin, { limit: 10, ...(status ? { status } : {}) })).items.map(
          (l) => l.companyName,
        );
      expect(await names()).toEqual(['Fresh', 'Active', 'Old']);
      expect(await names('NEW')).toEqual(['Fresh', 'Old']);
      // …and at the mark it is EXPIRED, in the list as on its own.
      p.clock.advance(60);
      expect(await names('NEW')).toEqual(['Fresh']);
      expect(await names('EXPIRED')).toEqual(['Old']);
      expect(await names('ACTIVE')).toEqual(['Active']);
      expect((await getLead(deps, reseller.admin, old.leadId)).status).toBe('EXPIRED');
      expect((await getLead(deps, reseller.admin, fresh.leadId)).status).toBe('NEW');
      expect(statusAt(stored('resel', old.leadId), p.clock.now())).toBe('EXPIRED');
      expect(expiredBefore(p.clock.now())).toBe(old.createdAt);
    });
  });

  describe('the status machine', () => {
    it('allows NEW → ACTIVE → WON, NEW → DECLINED and ACTIVE → LOST, each recorded as LEAD_UPDATED', async () => {
      const a = await lead(reseller.admin);
      const b = await lead(reseller.admin);
      const c = await lead(reseller.admin);

      expect((await move(reseller.admin, a.leadId, 'ACTIVE')).status).toBe('ACTIVE');
      expect((await move(reseller.admin, a.leadId, 'WON')).status).toBe('WON');
      expect(await move(reseller.admin, b.leadId, 'DECLINED', 'Out of our region')).toMatchObject({
        status: 'DECLINED',
        reason: 'Out of our region',
      });
      await move(reseller.admin, c.leadId, 'ACTIVE');
      expect(await move(reseller.admin, c.leadId, 'LOST', 'Chose another partner')).toMatchObject({
        status: 'LOST',
        reason: 'Chose another partner',
      });
      expect(
        store.records.filter((r) => r.operation === 'LEAD_UPDATED').map((r) => r.changes.status),
      ).toEqual([
        ['NEW', 'ACTIVE'],
        ['ACTIVE', 'WON'],
        ['NEW', 'DECLINED'],
        ['NEW', 'ACTIVE'],
        ['ACTIVE', 'LOST'],
      ]);
    });

    it('refuses every other move with INVALID_TRANSITION, from each final status too, writing nothing', async () => {
      const fresh = await lead(reseller.admin);
      const won = await lead(reseller.admin);
      await move(reseller.admin, won.leadId, 'ACTIVE');
      await move(reseller.admin, won.leadId, 'WON');
      const lost = await lead(reseller.admin);
      await move(reseller.admin, lost.leadId, 'ACTIVE');
      await move(reseller.admin, lost.leadId, 'LOST', 'No budget');
      const declined = await lead(reseller.admin);
      await move(reseller.admin, declined.leadId, 'DECLINED', 'Too small');
      const before = store.dump();

      await expectCode('INVALID_TRANSITION', move(reseller.admin, fresh.leadId, 'WON'));
      await expectCode('INVALID_TRANSITION', move(reseller.admin, fresh.leadId, 'LOST', 'x'));
      await expectCode('INVALID_TRANSITION', move(reseller.admin, fresh.leadId, 'NEW'));
      await expectCode('INVALID_TRANSITION', move(reseller.admin, fresh.leadId, 'EXPIRED'));
      await expectCode('INVALID_TRANSITION', move(reseller.admin, won.leadId, 'LOST', 'x'));
      await expectCode('INVALID_TRANSITION', move(reseller.admin, lost.leadId, 'ACTIVE'));
      const error = await expectCode('INVALID_TRANSITION', move(reseller.admin, declined.leadId, 'ACTIVE'));
      expect(error.detail).toContain('DECLINED, a final status');
      expect(store.dump()).toBe(before);
    });

    it('treats an expired lead as final', async () => {
      const created = await lead(reseller.admin);
      p.clock.advance(LEAD_EXPIRY_DAYS * DAY);

      const error = await expectCode('INVALID_TRANSITION', move(reseller.admin, created.leadId, 'ACTIVE'));
      expect(error.detail).toContain('EXPIRED');
      expect(stored('resel', created.leadId).status).toBe('NEW');
    });

    it('needs a reason for DECLINED and LOST (VALIDATION_FAILED on body.reason)', async () => {
      const created = await lead(reseller.admin);

      const error = await expectCode('VALIDATION_FAILED', move(reseller.admin, created.leadId, 'DECLINED'));
      expect(error.errors).toEqual([{ path: 'body.reason', message: 'is required for DECLINED' }]);
      expect(stored('resel', created.leadId).status).toBe('NEW');
    });

    it('judges a change that lost a race against the winner: INVALID_TRANSITION after a re-read', async () => {
      const created = await lead(reseller.admin);
      // Another PATCH lands between this one's read and its conditional write.
      store.beforeNextWrite = async () => {
        await move(reseller.admin, created.leadId, 'DECLINED', 'Not for us');
      };

      await expectCode('INVALID_TRANSITION', move(reseller.admin, created.leadId, 'ACTIVE'));
      expect(stored('resel', created.leadId)).toMatchObject({ status: 'DECLINED', reason: 'Not for us' });
      expect(store.records.filter((r) => r.operation === 'LEAD_UPDATED')).toHaveLength(1);
    });
  });

  describe('sharing', () => {
    it('gives a linked reseller a NEW referral naming the provider, once, and emails its global admins', async () => {
      await link(provider.admin, reseller);
      const created = await lead(provider.admin, { notes: 'internal' });
      p.clock.advance(60);

      const shared = await shareLead(deps, provider.admin, created.leadId, { resellerId: 'resel' });
      const again = await shareLead(deps, provider.admin, created.leadId, { resellerId: 'resel' });

      expect(shared.sharedWith).toEqual([
        { organizationId: 'resel', name: 'Org resel', sharedAt: p.clock.now().toISOString() },
      ]);
      expect(again).toEqual(shared);
      const referrals = (await listLeads(deps, reseller.admin, { limit: 10 })).items;
      expect(referrals).toHaveLength(1);
      expect(referrals[0]).toMatchObject({
        status: 'NEW',
        companyName: 'Contoso Iberia',
        sharedBy: { organizationId: 'dist', name: 'Org dist' },
        createdAt: p.clock.now().toISOString(),
      });
      expect(referrals[0]?.notes).toBeUndefined();
      expect(store.records.map((r) => [r.organizationId, r.operation])).toEqual([
        ['dist', 'LEAD_CREATED'],
        ['dist', 'LEAD_SHARED'],
        ['resel', 'LEAD_CREATED'],
      ]);
      // In the language of the reseller's country (ES).
      const mails = p.mailer
        .to(reseller.admin.user.email)
        .filter((m) => m.subject.includes('Contoso Iberia'));
      expect(mails).toHaveLength(1);
      expect(mails[0]?.subject).toBe(
        'Org dist ha compartido un cliente potencial con Org resel: Contoso Iberia',
      );
      expect(mails[0]?.text).toContain(`ada@${customer.org.domain}`);
    });

    it('keeps both of two shares that race (the second reads the lead again)', async () => {
      const second = await addOrganization(p, 'resel2', ['RESELLER']);
      await link(provider.admin, reseller);
      await link(provider.admin, second);
      const created = await lead(provider.admin);
      store.beforeNextWrite = async () => {
        await shareLead(deps, provider.admin, created.leadId, { resellerId: 'resel2' });
      };

      const shared = await shareLead(deps, provider.admin, created.leadId, { resellerId: 'resel' });

      expect(shared.sharedWith?.map((s) => s.organizationId).sort()).toEqual(['resel', 'resel2']);
      expect(Object.keys(stored('dist', created.leadId).sharedWith ?? {}).sort()).toEqual([
        'resel',
        'resel2',
      ]);
      expect(store.records.filter((r) => r.operation === 'LEAD_SHARED')).toHaveLength(2);
    });

    it('refuses an unlinked reseller and an unknown lead (NOT_FOUND), a reseller caller, and final leads', async () => {
      await link(provider.admin, reseller);
      const created = await lead(provider.admin);
      const other = await addOrganization(p, 'other', ['RESELLER']);
      const own = await lead(reseller.admin);

      await expectCode(
        'NOT_FOUND',
        shareLead(deps, provider.admin, created.leadId, { resellerId: other.org.id }),
      );
      await expectCode('NOT_FOUND', shareLead(deps, provider.admin, own.leadId, { resellerId: 'resel' }));
      await expectCode(
        'NOT_AN_INDIRECT_PROVIDER',
        shareLead(deps, reseller.admin, own.leadId, { resellerId: 'dist' }),
      );
      await move(provider.admin, created.leadId, 'DECLINED', 'Not ours');
      await expectCode(
        'INVALID_TRANSITION',
        shareLead(deps, provider.admin, created.leadId, { resellerId: 'resel' }),
      );
      expect(store.records.some((r) => r.operation === 'LEAD_SHARED')).toBe(false);
    });
  });

  describe('inviting the contact', () => {
    it('makes a relationship request, turns the lead ACTIVE, and WON when the customer accepts', async () => {
      const created = await lead(reseller.admin);

      const invited = await inviteLead(deps, reseller.admin, created.leadId, {
        delegatedAdmin: false,
        send: true,
      });

      expect(invited).toMatchObject({ leadId: created.leadId, status: 'PENDING' });
      expect(invited.link).toContain('/invitations/accept?token=');
      expect(await getLead(deps, reseller.admin, created.leadId)).toMatchObject({
        status: 'ACTIVE',
        invitationId: invited.invitationId,
      });
      expect(p.mailer.to(customer.admin.user.email)).toHaveLength(1);
      expect(stored('resel', created.leadId).inviteClaimedAt).toBeUndefined();
      await expectCode(
        'INVALID_TRANSITION',
        inviteLead(deps, reseller.admin, created.leadId, { delegatedAdmin: false, send: false }),
      );

      await acceptInvitation(relationshipDeps(p), tokenOf(invited.link), customer.admin, true);
      expect(await markLeadWon(deps, invited.invitationId)).toBe('won');
      expect(await markLeadWon(deps, invited.invitationId)).toBe('unchanged');
      expect(await markLeadWon(deps, 'another-invitation')).toBe('no-lead');

      expect((await getLead(deps, reseller.admin, created.leadId)).status).toBe('WON');
      expect(store.records.map((r) => r.operation)).toEqual(['LEAD_CREATED', 'LEAD_INVITED', 'LEAD_WON']);
    });

    it('refuses a non-reseller and an own-domain contact, giving the claim back', async () => {
      const fromProvider = await lead(provider.admin);
      const ownDomain = await lead(reseller.admin, { contactEmail: `bob@${reseller.org.domain}` });

      await expectCode(
        'NOT_A_RESELLER',
        inviteLead(deps, provider.admin, fromProvider.leadId, { delegatedAdmin: true, send: false }),
      );
      await expectCode(
        'INVITATION_TO_OWN_ORGANIZATION',
        inviteLead(deps, reseller.admin, ownDomain.leadId, { delegatedAdmin: true, send: false }),
      );
      expect(stored('dist', fromProvider.leadId)).toMatchObject({ status: 'NEW' });
      expect(stored('dist', fromProvider.leadId).inviteClaimedAt).toBeUndefined();
      expect(stored('resel', ownDomain.leadId).inviteClaimedAt).toBeUndefined();
    });

    it('answers RATE_LIMITED as a relationship request does, and the lead stays NEW', async () => {
      const created = await lead(reseller.admin);
      p.relationships.counters.set(`resel#${T0.toISOString().slice(0, 13)}`, 50);

      await expectCode(
        'RATE_LIMITED',
        inviteLead(deps, reseller.admin, created.leadId, { delegatedAdmin: true, send: false }),
      );
      expect(stored('resel', created.leadId).status).toBe('NEW');
      expect(stored('resel', created.leadId).inviteClaimedAt).toBeUndefined();
    });

    it('makes one invitation of concurrent invites (CONFLICT while another is being made)', async () => {
      const created = await lead(reseller.admin);
      store.beforeNextWrite = async () => {
        await store.claimInvite(
          stored('resel', created.leadId),
          p.clock.seconds(),
          p.clock.seconds() - INVITE_CLAIM_SECONDS,
          expiredBefore(p.clock.now()),
        );
      };

      await expectCode(
        'CONFLICT',
        inviteLead(deps, reseller.admin, created.leadId, { delegatedAdmin: true, send: false }),
      );
      expect(p.relationships.invitations.size).toBe(0);
      // A claim that lapsed (its request died) no longer holds.
      p.clock.advance(INVITE_CLAIM_SECONDS + 1);
      const invited = await inviteLead(deps, reseller.admin, created.leadId, {
        delegatedAdmin: true,
        send: false,
      });
      expect(stored('resel', created.leadId).invitationId).toBe(invited.invitationId);
    });

    it('cancels the invitation when the lead changed while it was made', async () => {
      const created = await lead(reseller.admin);
      // The claim is taken; then, before the lead is written, someone declines it.
      let claimed = false;
      const claim = store.claimInvite.bind(store);
      store.claimInvite = async (...args) => {
        claimed = await claim(...args);
        store.beforeNextWrite = async () => {
          await move(reseller.admin, created.leadId, 'DECLINED', 'Changed our mind');
        };
        return claimed;
      };

      await expectCode(
        'INVALID_TRANSITION',
        inviteLead(deps, reseller.admin, created.leadId, { delegatedAdmin: true, send: false }),
      );
      expect(claimed).toBe(true);
      const [invitation] = [...p.relationships.invitations.values()];
      expect(invitation?.status).toBe('CANCELED');
      expect(stored('resel', created.leadId)).toMatchObject({ status: 'DECLINED' });
      expect(store.lookups.size).toBe(0);
    });

    it('refuses invites of final leads and of callers without leads:manage', async () => {
      const created = await lead(reseller.admin);
      await move(reseller.admin, created.leadId, 'DECLINED', 'No');
      const helpdesk = await addUser(p, reseller.org, 'hal', 'HELPDESK_AGENT', 'NONE');

      await expectCode(
        'INVALID_TRANSITION',
        inviteLead(deps, reseller.admin, created.leadId, { delegatedAdmin: true, send: false }),
      );
      await expectCode(
        'FORBIDDEN',
        inviteLead(deps, helpdesk, created.leadId, { delegatedAdmin: true, send: false }),
      );
      expect(p.relationships.invitations.size).toBe(0);
    });
  });
});
