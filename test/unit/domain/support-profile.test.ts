import { beforeEach, describe, expect, it } from 'vitest';
import type { EnrollmentRecord } from '../../../functions/enrollment/domain/model.ts';
import type { OrganizationRecord, Principal } from '../../../functions/identity/domain/model.ts';
import { keys } from '../../../functions/platform/data/table.ts';
import type { Page } from '../../../functions/platform/ports.ts';
import {
  CONTACT_REQUESTS_PER_DAY,
  type DirectoryDeps,
  putProviderListing,
  requestProviderContact,
  searchProviderDirectory,
  secondsToEndOfUtcDay,
} from '../../../functions/support/domain/directory.ts';
import {
  getPartnerProfile,
  updatePartnerLegal,
  updatePartnerSupport,
} from '../../../functions/support/domain/profile.ts';
import type {
  Change,
  DirectoryQuery,
  Listing,
  ListingRecord,
  PartnerProfileRecord,
  ProfileStore,
} from '../../../functions/support/profile-ports.ts';
import { addOrganization, addUser, type FakePorts, fakePorts, T0 } from '../fakes/deps.ts';
import { expectCode } from '../fakes/expect-code.ts';
import { copy, query } from '../fakes/table.ts';

interface Recorded {
  organizationId: string;
  operation: string;
  resourceType: string;
  resourceId: string;
  changes?: Record<string, [unknown, unknown]>;
  activityId?: string;
}

interface Entry {
  key: { pk: string; sk: string };
  listing: Listing;
  searchText: string;
}

/**
 * The profile area's store in memory, with the adapter's conditions (version read, counter limit)
 * and its directory partitions (the real key builders and cursors). `beforeWrite` runs once
 * before the next conditional write: another request's change landing between read and write.
 */
class FakeProfileStore implements ProfileStore {
  readonly profiles = new Map<string, PartnerProfileRecord>();
  readonly listings = new Map<string, ListingRecord>();
  readonly entries = new Map<string, Entry>();
  readonly counters = new Map<string, number>();
  readonly activity: Recorded[] = [];
  beforeWrite: (() => void) | undefined;
  /** Every conditional write fails (a store that always loses the race). */
  alwaysLose = false;

  dump() {
    return JSON.stringify(
      [this.profiles, this.listings, this.entries, this.counters, this.activity].map((m) => [...m]),
    );
  }

  private race() {
    const hook = this.beforeWrite;
    this.beforeWrite = undefined;
    hook?.();
    return !this.alwaysLose;
  }

  async getProfile(orgId: string) {
    return copy(this.profiles.get(orgId));
  }

  async saveProfile(before: PartnerProfileRecord | undefined, after: PartnerProfileRecord, change: Change) {
    if (!this.race()) return false;
    if (this.profiles.get(after.orgId)?.version !== before?.version) return false;
    this.profiles.set(after.orgId, copy(after));
    this.activity.push({
      organizationId: after.orgId,
      operation: 'PARTNER_PROFILE_UPDATED',
      resourceType: 'partnerProfile',
      resourceId: after.orgId,
      changes: copy(change.changes),
    });
    return true;
  }

  async getListing(providerId: string) {
    return copy(this.listings.get(providerId));
  }

  private keysOf(l: ListingRecord) {
    const name = l.name.toLowerCase();
    return l.countries.flatMap((c) => [
      keys.directoryEntry(c, undefined, name, l.providerId),
      ...l.services.map((s) => keys.directoryEntry(c, s, name, l.providerId)),
    ]);
  }

  async publishListing(before: ListingRecord | undefined, after: ListingRecord, change: Change) {
    if (!this.race()) return false;
    if (this.listings.get(after.providerId)?.version !== before?.version) return false;
    for (const key of before ? this.keysOf(before) : []) this.entries.delete(`${key.pk}|${key.sk}`);
    const { version: _v, updatedAt: _u, ...listing } = after;
    for (const key of this.keysOf(after))
      this.entries.set(`${key.pk}|${key.sk}`, {
        key,
        listing: copy(listing),
        searchText: `${after.name} ${after.description}`.toLowerCase(),
      });
    this.listings.set(after.providerId, copy(after));
    this.activity.push({
      organizationId: after.providerId,
      operation: 'PROVIDER_LISTING_PUBLISHED',
      resourceType: 'providerListing',
      resourceId: after.providerId,
      changes: copy(change.changes),
    });
    return true;
  }

  async searchDirectory(q: DirectoryQuery): Promise<Page<Listing>> {
    const scope = {
      partition: keys.directoryEntry(q.country, q.service).pk,
      sortKeyPrefix: keys.directoryEntry(q.country, q.service).sk,
    };
    const page = query(
      [...this.entries.values()].filter((e) => e.key.pk === scope.partition),
      {
        keyOf: (e) => e.key,
        sortKey: 'sk',
        scope,
        limit: q.limit,
        cursor: q.cursor,
        filter: (e) => !q.q || e.searchText.includes(q.q),
      },
    );
    return { ...page, items: page.items.map((e) => e.listing) };
  }

  async countContactRequest(
    r: { orgId: string; providerId: string; day: string; activityId: string; at: string },
    limit: number,
  ) {
    const key = `${r.orgId}#${r.day}`;
    const sent = this.counters.get(key) ?? 0;
    if (sent >= limit) return false;
    this.counters.set(key, sent + 1);
    this.activity.push({
      organizationId: r.orgId,
      operation: 'PROVIDER_CONTACT_REQUESTED',
      resourceType: 'providerContact',
      resourceId: r.providerId,
      activityId: r.activityId,
    });
    return true;
  }

  async uncountContactRequest(r: { orgId: string; day: string; activityId: string }) {
    const key = `${r.orgId}#${r.day}`;
    this.counters.set(key, (this.counters.get(key) ?? 1) - 1);
    const i = this.activity.findIndex((a) => a.activityId === r.activityId);
    if (i >= 0) this.activity.splice(i, 1);
  }
}

const listingBody = (over: Partial<Parameters<typeof putProviderListing>[2]> = {}) => ({
  description: 'Cloud distribution, training and financing for resellers',
  countries: ['ES', 'PT'],
  services: ['TECHNICAL_TRAINING', 'FINANCING'] as (
    | 'TECHNICAL_TRAINING'
    | 'FINANCING'
    | 'MARKETING'
    | 'BILLING'
    | 'CUSTOMER_SUPPORT'
  )[],
  contactEmail: 'partners@dist.example',
  ...over,
});

describe('partner profile, provider listing, directory and contact requests', () => {
  let p: FakePorts;
  let profiles: FakeProfileStore;
  let deps: DirectoryDeps;

  /** An enrollment of `org` submitted by `admin`, written through the enrollment store port. */
  const enroll = async (org: OrganizationRecord, admin: Principal, over: Partial<EnrollmentRecord> = {}) => {
    const mpnId = `${1_000_000 + p.enrollments.profiles.size}`;
    await p.enrollments.putMpnProfile({
      mpnId,
      legalName: `MPN ${org.name} Holdings`,
      country: org.country,
      status: 'ACTIVE',
      updatedAt: T0.toISOString(),
    });
    const e: EnrollmentRecord = {
      id: `enrollment-${org.id}`,
      orgId: org.id,
      userId: admin.user.id,
      mpnId,
      legalName: `${org.name} S.L.`,
      address: { line1: 'Calle Mayor 1', city: 'Madrid', postalCode: '28013', country: org.country },
      primaryContact: {
        firstName: 'Paz',
        lastName: 'Contact',
        email: `paz@${org.domain}`,
        phone: '+34 910 000 000',
      },
      supportContact: {
        email: `support@${org.domain}`,
        phone: '+34 910 000 001',
        website: `https://${org.domain}`,
      },
      locale: 'es-ES',
      status: 'PENDING_EMAIL_VERIFICATION',
      history: [],
      createdAt: T0.toISOString(),
      verificationDeadline: 0,
      ...over,
    };
    await p.enrollments.createEnrollment(e);
    return e;
  };
  const toReview = (e: EnrollmentRecord) =>
    p.enrollments.transition(e, 'PENDING_EMAIL_VERIFICATION', { status: 'IN_REVIEW', at: T0.toISOString() });
  const approve = async (e: EnrollmentRecord) => {
    await toReview(e);
    await p.enrollments.transition(
      e,
      'IN_REVIEW',
      { status: 'APPROVED', at: T0.toISOString() },
      { approve: true },
    );
  };
  const reseller = async (id: string) => {
    const r = await addOrganization(p, id);
    await approve(await enroll(r.org, r.admin));
    return r;
  };

  beforeEach(() => {
    p = fakePorts();
    profiles = new FakeProfileStore();
    deps = {
      profiles,
      organizations: p.identity,
      enrollments: {
        getEnrollment: (id) => p.enrollments.getEnrollment(id),
        getMpnClaim: (mpnId) => p.enrollments.getMpnClaim(mpnId),
        getMpnProfile: (mpnId) => p.enrollments.getMpnProfile(mpnId),
        openEnrollmentId: async (orgId) => p.enrollments.openEnrollments.get(orgId),
      },
      clock: p.clock,
      mailer: p.mailer,
    };
  });

  describe('the profile', () => {
    it("of an approved reseller is its enrollment's, AUTHORIZED, with the MPN profile's name", async () => {
      const { admin } = await reseller('contoso');

      const profile = await getPartnerProfile(deps, admin);

      expect(profile).toEqual({
        legal: {
          legalName: 'Org contoso S.L.',
          address: { line1: 'Calle Mayor 1', city: 'Madrid', postalCode: '28013', country: 'ES' },
          vettingStatus: 'AUTHORIZED',
        },
        support: {
          email: 'support@contoso.example',
          phone: '+34 910 000 001',
          website: 'https://contoso.example',
        },
        mpn: { mpnId: '1000000', partnerName: 'MPN Org contoso Holdings' },
      });
    });

    it("of an enrolling organization shows its enrollment's step", async () => {
      const { org, admin } = await addOrganization(p, 'fabrikam');
      const e = await enroll(org, admin);
      expect((await getPartnerProfile(deps, admin)).legal.vettingStatus).toBe('PENDING_EMAIL_VERIFICATION');

      await toReview(e);

      const profile = await getPartnerProfile(deps, admin);
      expect(profile.legal.vettingStatus).toBe('IN_REVIEW');
      expect(profile.mpn).toEqual({ mpnId: e.mpnId, partnerName: 'MPN Org fabrikam Holdings' });
    });

    it('of an organization that never enrolled comes from the organization, without MPN', async () => {
      const provider = await addOrganization(p, 'dist', ['INDIRECT_PROVIDER']);
      const plain = await addOrganization(p, 'plain');

      expect(await getPartnerProfile(deps, provider.admin)).toEqual({
        legal: { legalName: 'Org dist', address: { country: 'ES' }, vettingStatus: 'AUTHORIZED' },
        support: { email: null, phone: null },
        mpn: null,
      });
      expect((await getPartnerProfile(deps, plain.admin)).legal.vettingStatus).toBe('NOT_ENROLLED');
    });

    it('is read by user management admins, changed by global admins only', async () => {
      const { org, admin } = await reseller('contoso');
      const userAdmin = await addUser(p, org, 'uma', 'NONE', 'USER_MANAGEMENT_ADMIN');
      const helpdesk = await addUser(p, org, 'hal', 'HELPDESK_AGENT', 'NONE');
      const before = profiles.dump();

      expect((await getPartnerProfile(deps, userAdmin)).legal.legalName).toBe('Org contoso S.L.');
      await expectCode('FORBIDDEN', getPartnerProfile(deps, helpdesk));
      await expectCode('FORBIDDEN', updatePartnerLegal(deps, userAdmin, { legalName: 'X' }));
      await expectCode('FORBIDDEN', updatePartnerSupport(deps, helpdesk, { email: 'help@gmail.com' }));
      expect(profiles.dump()).toBe(before);
      expect((await getPartnerProfile(deps, admin)).legal.legalName).toBe('Org contoso S.L.');
    });

    it('of an organization that no longer exists is NOT_FOUND', async () => {
      const { admin } = await addOrganization(p, 'contoso');
      const ghost: Principal = { user: { ...admin.user, orgId: 'gone' } };

      await expectCode('NOT_FOUND', getPartnerProfile(deps, ghost));
    });
  });

  describe('changing the profile', () => {
    it('seeds it from the enrollment at the first change and records only the changed fields', async () => {
      const { org, admin } = await reseller('contoso');
      p.clock.advance(60);

      const profile = await updatePartnerLegal(deps, admin, { legalName: 'Contoso Ibérica S.L.' });

      expect(profile.legal.legalName).toBe('Contoso Ibérica S.L.');
      expect(profile.support.email).toBe('support@contoso.example');
      expect(profiles.profiles.get(org.id)).toMatchObject({ version: 1, legalName: 'Contoso Ibérica S.L.' });
      expect(profiles.activity).toEqual([
        {
          organizationId: org.id,
          operation: 'PARTNER_PROFILE_UPDATED',
          resourceType: 'partnerProfile',
          resourceId: org.id,
          changes: { legalName: ['Org contoso S.L.', 'Contoso Ibérica S.L.'] },
        },
      ]);

      const moved = await updatePartnerLegal(deps, admin, {
        address: { line1: 'Gran Vía 2', city: 'Madrid', postalCode: '28013' },
      });

      expect(moved.legal).toEqual({
        legalName: 'Contoso Ibérica S.L.',
        address: { line1: 'Gran Vía 2', city: 'Madrid', postalCode: '28013', country: 'ES' },
        vettingStatus: 'AUTHORIZED',
      });
      expect(profiles.profiles.get(org.id)?.version).toBe(2);
      expect(Object.keys(profiles.activity[1]?.changes ?? {})).toEqual(['address']);
    });

    it('refuses another country for the address (COUNTRY_IMMUTABLE) and writes nothing', async () => {
      const { admin } = await reseller('contoso');

      const error = await expectCode(
        'COUNTRY_IMMUTABLE',
        updatePartnerLegal(deps, admin, {
          legalName: 'Contoso France',
          address: { line1: '1 rue de Rivoli', city: 'Paris', postalCode: '75001', country: 'FR' },
        }),
      );

      expect(error.detail).toContain('ES');
      expect(profiles.profiles.size).toBe(0);
      expect(profiles.activity).toEqual([]);
      const same = await updatePartnerLegal(deps, admin, {
        address: { line1: 'Gran Vía 2', city: 'Madrid', postalCode: '28013', country: 'ES' },
      });
      expect(same.legal.address.country).toBe('ES');
    });

    it('refuses a web-based mailbox as support email (WEBMAIL_NOT_ALLOWED)', async () => {
      const { admin } = await reseller('contoso');

      await expectCode(
        'WEBMAIL_NOT_ALLOWED',
        updatePartnerSupport(deps, admin, { email: 'help@outlook.com' }),
      );

      expect(profiles.profiles.size).toBe(0);
    });

    it('changes the support contact; null removes the website; an unchanged value writes nothing', async () => {
      const { admin } = await addOrganization(p, 'dist', ['INDIRECT_PROVIDER']);

      const first = await updatePartnerSupport(deps, admin, {
        email: 'help@dist.example',
        phone: '+34 600 000 000',
        website: 'https://dist.example/help',
      });
      const second = await updatePartnerSupport(deps, admin, { website: null });
      const third = await updatePartnerSupport(deps, admin, { phone: '+34 600 000 000' });

      expect(first.support).toEqual({
        email: 'help@dist.example',
        phone: '+34 600 000 000',
        website: 'https://dist.example/help',
      });
      expect(second.support).toEqual({ email: 'help@dist.example', phone: '+34 600 000 000' });
      expect(third).toEqual(second);
      expect(profiles.activity.map((a) => a.changes)).toEqual([
        {
          'support.email': [null, 'help@dist.example'],
          'support.phone': [null, '+34 600 000 000'],
          'support.website': [null, 'https://dist.example/help'],
        },
        { 'support.website': ['https://dist.example/help', null] },
      ]);
    });

    it('keeps both of two concurrent changes: the loser reads again and re-applies its own', async () => {
      const { org, admin } = await reseller('contoso');
      // The first save finds the seed taken by another PATCH (the phone) that landed meanwhile.
      profiles.beforeWrite = () => {
        profiles.profiles.set(org.id, {
          orgId: org.id,
          legalName: 'Org contoso S.L.',
          address: { line1: 'Calle Mayor 1', city: 'Madrid', postalCode: '28013', country: 'ES' },
          support: { email: 'support@contoso.example', phone: '+34 999 999 999' },
          version: 1,
          updatedAt: T0.toISOString(),
        });
      };

      const profile = await updatePartnerLegal(deps, admin, { legalName: 'Contoso Ibérica S.L.' });

      expect(profile.legal.legalName).toBe('Contoso Ibérica S.L.');
      expect(profile.support.phone).toBe('+34 999 999 999');
      expect(profiles.profiles.get(org.id)?.version).toBe(2);
    });

    it('gives up with CONFLICT when every attempt loses', async () => {
      const { admin } = await reseller('contoso');
      profiles.alwaysLose = true;

      await expectCode('CONFLICT', updatePartnerLegal(deps, admin, { legalName: 'Never' }));
      expect(profiles.activity).toEqual([]);
    });
  });

  describe('provider listing and directory', () => {
    it('lists only indirect providers (NOT_AN_INDIRECT_PROVIDER) and only global admins', async () => {
      const { org, admin } = await reseller('contoso');
      const provider = await addOrganization(p, 'dist', ['INDIRECT_PROVIDER']);
      const agent = await addUser(p, provider.org, 'aga', 'ADMIN_AGENT', 'NONE');

      await expectCode('NOT_AN_INDIRECT_PROVIDER', putProviderListing(deps, admin, listingBody()));
      await expectCode('FORBIDDEN', putProviderListing(deps, agent, listingBody()));
      expect(profiles.listings.size).toBe(0);
      expect(profiles.listings.has(org.id)).toBe(false);
    });

    it('caps countries × (services + 1) so one transaction holds the old and new entries', async () => {
      const { admin } = await addOrganization(p, 'dist', ['INDIRECT_PROVIDER']);
      const nine = ['ES', 'PT', 'FR', 'DE', 'IT', 'NL', 'BE', 'AT', 'IE'];
      const all = ['TECHNICAL_TRAINING', 'MARKETING', 'FINANCING', 'BILLING', 'CUSTOMER_SUPPORT'] as const;

      const error = await expectCode(
        'VALIDATION_FAILED',
        putProviderListing(deps, admin, listingBody({ countries: nine, services: [...all] })),
      );

      expect(error.errors?.map((e) => e.path)).toEqual(['body.countries']);
      expect(profiles.entries.size).toBe(0);
      const eight = await putProviderListing(
        deps,
        admin,
        listingBody({ countries: nine.slice(0, 8), services: [...all] }),
      );
      expect(eight.countries).toHaveLength(8);
      expect(profiles.entries.size).toBe(48);
    });

    it("publishes under the organization's name and replaces the old countries' and services' entries", async () => {
      const { org, admin } = await addOrganization(p, 'dist', ['INDIRECT_PROVIDER']);

      const first = await putProviderListing(
        deps,
        admin,
        listingBody({ services: ['FINANCING', 'TECHNICAL_TRAINING'] }),
      );
      const second = await putProviderListing(
        deps,
        admin,
        listingBody({ countries: ['PT'], services: ['BILLING'] }),
      );

      expect(first).toEqual({
        providerId: org.id,
        name: 'Org dist',
        description: 'Cloud distribution, training and financing for resellers',
        countries: ['ES', 'PT'],
        services: ['TECHNICAL_TRAINING', 'FINANCING'],
        contactEmail: 'partners@dist.example',
      });
      expect(second.countries).toEqual(['PT']);
      const search = (q: Partial<DirectoryQuery>) =>
        searchProviderDirectory(deps, { country: 'ES', limit: 25, ...q }).then((page) => page.items);
      expect(await search({})).toEqual([]);
      expect(await search({ country: 'PT', service: 'FINANCING' })).toEqual([]);
      expect(await search({ country: 'PT', service: 'BILLING' })).toEqual([second]);
      expect([...profiles.entries.keys()].sort()).toEqual([
        `DIRECTORY#PT#BILLING|LISTING#org dist#${org.id}`,
        `DIRECTORY#PT|LISTING#org dist#${org.id}`,
      ]);
      expect(profiles.activity.map((a) => [a.operation, a.changes?.countries])).toEqual([
        ['PROVIDER_LISTING_PUBLISHED', [null, ['ES', 'PT']]],
        ['PROVIDER_LISTING_PUBLISHED', [['ES', 'PT'], ['PT']]],
      ]);
    });

    it('searches one country by name, by service and by text, a page at a time', async () => {
      const names = ['Northwind', 'Adatum', 'Litware', 'Contoso Cloud', 'Tailspin'];
      for (const [i, name] of names.entries()) {
        const { admin } = await addOrganization(p, `dist${i}`, ['INDIRECT_PROVIDER'], { name });
        await putProviderListing(
          deps,
          admin,
          listingBody({
            description: i === 2 ? 'Specialists in CLOUD billing' : 'Distribution',
            services: i % 2 === 0 ? ['MARKETING'] : ['BILLING'],
          }),
        );
      }
      const { admin: elsewhere } = await addOrganization(p, 'fr', ['INDIRECT_PROVIDER'], {
        name: 'Aaa France',
      });
      await putProviderListing(deps, elsewhere, listingBody({ countries: ['FR'] }));

      const first = await searchProviderDirectory(deps, { country: 'ES', limit: 2 });
      const second = await searchProviderDirectory(deps, {
        country: 'ES',
        limit: 2,
        cursor: first.nextCursor,
      });
      const third = await searchProviderDirectory(deps, {
        country: 'ES',
        limit: 2,
        cursor: second.nextCursor,
      });

      expect([...first.items, ...second.items, ...third.items].map((l) => l.name)).toEqual([
        'Adatum',
        'Contoso Cloud',
        'Litware',
        'Northwind',
        'Tailspin',
      ]);
      const marketing = await searchProviderDirectory(deps, {
        country: 'ES',
        service: 'MARKETING',
        limit: 25,
      });
      expect(marketing.items.map((l) => l.name)).toEqual(['Litware', 'Northwind', 'Tailspin']);
      const cloud = await searchProviderDirectory(deps, { country: 'ES', q: '  Cloud ', limit: 25 });
      expect(cloud.items.map((l) => l.name)).toEqual(['Contoso Cloud', 'Litware']);
      await expectCode(
        'VALIDATION_FAILED',
        searchProviderDirectory(deps, { country: 'PT', limit: 2, cursor: first.nextCursor }),
      );
    });
  });

  describe('contact requests', () => {
    let provider: Awaited<ReturnType<typeof addOrganization>>;

    beforeEach(async () => {
      provider = await addOrganization(p, 'dist', ['INDIRECT_PROVIDER'], {
        name: 'Distribuidora',
        country: 'MX',
      });
      await putProviderListing(deps, provider.admin, listingBody({ countries: ['MX'] }));
    });

    it('emails the listing contact in the provider’s language, reply-to the caller, message escaped', async () => {
      const { org, admin } = await reseller('contoso');

      const answer = await requestProviderContact(deps, admin, provider.org.id, 'Hola <b>equipo</b> & co');

      expect(answer).toEqual({ providerId: provider.org.id, status: 'SENT' });
      const [mail] = p.mailer.to('partners@dist.example');
      expect(mail?.replyTo).toBe(admin.user.email);
      expect(mail?.subject).toBe('Org contoso quiere trabajar con Distribuidora como su proveedor indirecto');
      expect(mail?.text).toContain('> Hola <b>equipo</b> & co');
      expect(mail?.html).toContain('Hola &lt;b&gt;equipo&lt;/b&gt; &amp; co');
      expect(mail?.html).not.toContain('<b>equipo');
      expect(mail?.text).toContain(admin.user.email);
      expect(profiles.activity.at(-1)).toMatchObject({
        organizationId: org.id,
        operation: 'PROVIDER_CONTACT_REQUESTED',
        resourceType: 'providerContact',
        resourceId: provider.org.id,
      });
    });

    it('is open to enrolling organizations, not to others (NOT_A_RESELLER), nor to other roles', async () => {
      const enrolling = await addOrganization(p, 'fabrikam');
      await enroll(enrolling.org, enrolling.admin);
      const plain = await addOrganization(p, 'plain');
      const agent = await addUser(p, enrolling.org, 'aga', 'ADMIN_AGENT', 'USER_MANAGEMENT_ADMIN');

      await requestProviderContact(deps, enrolling.admin, provider.org.id, 'Hello');
      await expectCode('NOT_A_RESELLER', requestProviderContact(deps, plain.admin, provider.org.id, 'Hello'));
      await expectCode('FORBIDDEN', requestProviderContact(deps, agent, provider.org.id, 'Hello'));

      expect(p.mailer.to('partners@dist.example')).toHaveLength(1);
      expect(p.mailer.sent[0]?.text).toContain('Inscribiéndose como revendedor indirecto');
    });

    it('answers NOT_FOUND for an unknown or unlisted provider', async () => {
      const { admin } = await reseller('contoso');
      const unlisted = await addOrganization(p, 'other', ['INDIRECT_PROVIDER']);

      await expectCode('NOT_FOUND', requestProviderContact(deps, admin, 'nobody', 'Hello'));
      await expectCode('NOT_FOUND', requestProviderContact(deps, admin, unlisted.org.id, 'Hello'));
      expect(p.mailer.sent).toEqual([]);
      expect(profiles.counters.size).toBe(0);
    });

    it('allows 5 a UTC day per organization, then RATE_LIMITED until midnight, then 5 more', async () => {
      const { admin } = await reseller('contoso');
      const colleague = await addUser(
        p,
        (await p.identity.getOrganization(admin.user.orgId)) as OrganizationRecord,
        'gia',
        'NONE',
        'GLOBAL_ADMIN',
      );
      p.clock.set('2026-03-02T23:00:00Z');

      for (let i = 0; i < CONTACT_REQUESTS_PER_DAY; i++)
        await requestProviderContact(deps, i % 2 ? admin : colleague, provider.org.id, `Request ${i}`);
      const error = await expectCode(
        'RATE_LIMITED',
        requestProviderContact(deps, admin, provider.org.id, 'Sixth'),
      );

      expect(error.retryAfterSeconds).toBe(3600);
      expect(p.mailer.to('partners@dist.example')).toHaveLength(5);
      p.clock.set('2026-03-03T00:00:01Z');
      await requestProviderContact(deps, admin, provider.org.id, 'Next day');
      expect(p.mailer.to('partners@dist.example')).toHaveLength(6);
      expect(secondsToEndOfUtcDay(new Date('2026-03-03T23:59:59.500Z'))).toBe(1);
    });

    it('gives the count back when the email cannot be sent', async () => {
      const { org, admin } = await reseller('contoso');
      p.mailer.failNext();

      await expect(requestProviderContact(deps, admin, provider.org.id, 'Hello')).rejects.toThrow('SES');

      expect(profiles.counters.get(`${org.id}#${T0.toISOString().slice(0, 10)}`)).toBe(0);
      expect(profiles.activity.filter((a) => a.operation === 'PROVIDER_CONTACT_REQUESTED')).toEqual([]);
    });
  });
});
