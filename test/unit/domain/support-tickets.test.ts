import { beforeEach, describe, expect, it } from 'vitest';
import type { OrganizationRecord, Principal } from '../../../functions/identity/domain/model.ts';
import type { DelegatedRole } from '../../../functions/on-behalf/domain/model.ts';
import type { Page } from '../../../functions/platform/ports.ts';
import {
  type IncidentDeps,
  type IncidentInput,
  MAX_INCIDENT_UPDATES,
  putIncident,
  serviceHealth,
} from '../../../functions/support/domain/incidents.ts';
import type {
  IncidentRecord,
  TicketNote,
  TicketRecord,
  TicketStatus,
} from '../../../functions/support/domain/ticket-model.ts';
import {
  addOperatorNote,
  addServiceRequestNote,
  addSupportTicketNote,
  createServiceRequest,
  createSupportTicket,
  getServiceRequest,
  getSupportTicket,
  listOperatorTickets,
  listServiceRequests,
  listSupportTickets,
  MAX_NOTES,
  type TicketDeps,
} from '../../../functions/support/domain/tickets.ts';
import type { IncidentStore, TicketStore } from '../../../functions/support/ticket-ports.ts';
import { FakeAdminRelationshipStore } from '../fakes/admin-relationship-store.ts';
import { FakeCustomerLinks } from '../fakes/commerce-store.ts';
import { addOrganization, addUser, type FakePorts, fakePorts, T0 } from '../fakes/deps.ts';
import { expectCode } from '../fakes/expect-code.ts';

const DAY = 86_400;
const clone = <T>(value: T): T => structuredClone(value);

/** Incidents in memory, listed as the two indexes order them (`<updatedAt>#<id>`, newest first). */
class FakeIncidents implements IncidentStore {
  readonly incidents = new Map<string, IncidentRecord>();
  readonly writes: Array<{
    incidentId: string;
    created: boolean;
    changes: Record<string, [unknown, unknown]>;
  }> = [];
  /** Makes the next `n` writes lose a race (a concurrent PUT wrote first). */
  losses = 0;

  async getIncident(id: string) {
    const found = this.incidents.get(id);
    return found && clone(found);
  }

  async putIncident(
    before: IncidentRecord | undefined,
    after: IncidentRecord,
    changes: Record<string, [unknown, unknown]>,
  ) {
    if (this.losses > 0) {
      this.losses -= 1;
      return false;
    }
    const stored = this.incidents.get(after.incidentId);
    if (before ? stored?.version !== before.version : stored) return false;
    this.incidents.set(after.incidentId, clone(after));
    this.writes.push({ incidentId: after.incidentId, created: !before, changes });
    return true;
  }

  /** Stores an incident as it would be after PUTs long ago (the test's own past). */
  seed(i: IncidentRecord) {
    this.incidents.set(i.incidentId, clone(i));
  }

  private page(match: (i: IncidentRecord) => boolean, limit: number, cursor?: string): Page<IncidentRecord> {
    const key = (i: IncidentRecord) => `${i.updatedAt}#${i.incidentId}`;
    const all = [...this.incidents.values()]
      .filter(match)
      .sort((a, b) => key(b).localeCompare(key(a)))
      .filter((i) => cursor === undefined || key(i) < cursor);
    const items = all.slice(0, limit).map(clone);
    const last = items.at(-1);
    return all.length > limit && last ? { items, nextCursor: key(last) } : { items };
  }

  async updatedSince(from: string, limit: number, cursor?: string) {
    return this.page((i) => i.updatedAt >= from, limit, cursor);
  }

  async unresolvedUpdatedBefore(before: string, limit: number, cursor?: string) {
    return this.page((i) => i.status !== 'RESOLVED' && i.updatedAt < before, limit, cursor);
  }
}

/** Tickets in memory with the store's conditions, and the records their writes would add. */
class FakeTickets implements TicketStore {
  readonly tickets = new Map<string, TicketRecord>();
  readonly records: Array<{ operation: string; ticketId: string; operator: boolean }> = [];

  async createTicket(t: TicketRecord) {
    if (this.tickets.has(t.ticketId)) throw new Error('ticket exists');
    this.tickets.set(t.ticketId, clone(t));
    this.records.push({ operation: `${t.kind}_CREATED`, ticketId: t.ticketId, operator: false });
  }

  async getTicket(id: string) {
    const found = this.tickets.get(id);
    return found && clone(found);
  }

  async addNote(t: TicketRecord, note: TicketNote, status: TicketStatus, maxNotes: number) {
    const stored = this.tickets.get(t.ticketId);
    if (!stored || stored.status === 'CLOSED' || stored.notes.length >= maxNotes) return false;
    stored.notes.push(clone(note));
    stored.status = status;
    stored.updatedAt = note.at;
    this.records.push({
      operation: `${t.kind}_NOTE_ADDED`,
      ticketId: t.ticketId,
      operator: note.by.kind === 'OPERATOR',
    });
    return true;
  }

  private list(match: (t: TicketRecord) => boolean, newestFirst: boolean, limit: number, cursor?: string) {
    const key = (t: TicketRecord) => `${t.createdAt}#${t.ticketId}`;
    const all = [...this.tickets.values()]
      .filter(match)
      .sort((a, b) => (newestFirst ? key(b).localeCompare(key(a)) : key(a).localeCompare(key(b))))
      .filter((t) => cursor === undefined || (newestFirst ? key(t) < cursor : key(t) > cursor));
    const items = all.slice(0, limit).map(clone);
    const last = items.at(-1);
    return Promise.resolve(all.length > limit && last ? { items, nextCursor: key(last) } : { items });
  }

  listSupportTickets(orgId: string, limit: number, cursor?: string) {
    return this.list((t) => t.kind === 'SUPPORT_TICKET' && t.organizationId === orgId, true, limit, cursor);
  }

  listServiceRequests(orgId: string, customerId: string, limit: number, cursor?: string) {
    return this.list(
      (t) => t.kind === 'SERVICE_REQUEST' && t.organizationId === orgId && t.customerId === customerId,
      true,
      limit,
      cursor,
    );
  }

  queue(status: TicketStatus, limit: number, cursor?: string) {
    return this.list((t) => t.status === status, false, limit, cursor);
  }

  dump() {
    return JSON.stringify([...this.tickets]);
  }
}

const incident = (over: Partial<IncidentInput> = {}): IncidentInput => ({
  title: 'Mail delays',
  service: 'Exchange Online',
  severity: 'WARNING',
  status: 'INVESTIGATING',
  message: 'We are looking into delays.',
  ...over,
});

describe('service incidents and service health', () => {
  let p: FakePorts;
  let store: FakeIncidents;
  let deps: IncidentDeps;
  const ago = (days: number) => new Date(p.clock.now().getTime() - days * DAY * 1000).toISOString();
  const stored = (i: Partial<IncidentRecord> & Pick<IncidentRecord, 'incidentId' | 'status'>, days: number) =>
    store.seed({
      title: i.incidentId,
      service: 'Teams',
      severity: 'INFORMATION',
      updates: [{ status: i.status, message: 'old', at: ago(days) }],
      startedAt: ago(days + 1),
      updatedAt: ago(days),
      ...(i.status === 'RESOLVED' ? { resolvedAt: ago(days) } : {}),
      version: 1,
      ...i,
    });
  const ids = (page: { items: Array<{ incidentId: string }> }) => page.items.map((i) => i.incidentId);

  beforeEach(() => {
    p = fakePorts(T0);
    store = new FakeIncidents();
    deps = { incidents: store, clock: p.clock };
  });

  it('creates an incident at its first PUT and appends each PUT’s message to its updates', async () => {
    const first = await putIncident(deps, 'EX-1', incident());
    expect(first).toEqual({
      incidentId: 'EX-1',
      title: 'Mail delays',
      service: 'Exchange Online',
      severity: 'WARNING',
      status: 'INVESTIGATING',
      updates: [{ status: 'INVESTIGATING', message: 'We are looking into delays.', at: T0.toISOString() }],
      startedAt: T0.toISOString(),
      updatedAt: T0.toISOString(),
    });
    p.clock.advance(3600);
    const second = await putIncident(
      deps,
      'EX-1',
      incident({ status: 'DEGRADED', severity: 'CRITICAL', message: 'Some mail is delayed by hours.' }),
    );
    expect(second.startedAt).toBe(T0.toISOString());
    expect(second.updates.map((u) => [u.status, u.message])).toEqual([
      ['INVESTIGATING', 'We are looking into delays.'],
      ['DEGRADED', 'Some mail is delayed by hours.'],
    ]);
    expect(second).not.toHaveProperty('resolvedAt');
    // The platform's log: a create, then an update naming what changed.
    expect(store.writes).toEqual([
      {
        incidentId: 'EX-1',
        created: true,
        changes: {
          title: [null, 'Mail delays'],
          service: [null, 'Exchange Online'],
          severity: [null, 'WARNING'],
          status: [null, 'INVESTIGATING'],
        },
      },
      {
        incidentId: 'EX-1',
        created: false,
        changes: { severity: ['WARNING', 'CRITICAL'], status: ['INVESTIGATING', 'DEGRADED'] },
      },
    ]);
  });

  it('sets resolvedAt when RESOLVED, keeps it on a repeated RESOLVED, and drops it when reopened', async () => {
    await putIncident(deps, 'EX-2', incident());
    p.clock.advance(600);
    const resolvedAt = p.clock.now().toISOString();
    expect((await putIncident(deps, 'EX-2', incident({ status: 'RESOLVED' }))).resolvedAt).toBe(resolvedAt);
    p.clock.advance(600);
    const again = await putIncident(
      deps,
      'EX-2',
      incident({ status: 'RESOLVED', message: 'Root cause found.' }),
    );
    expect(again.resolvedAt).toBe(resolvedAt);
    expect(again.updates).toHaveLength(3);
    p.clock.advance(600);
    const reopened = await putIncident(
      deps,
      'EX-2',
      incident({ status: 'DEGRADED', message: 'It is back.' }),
    );
    expect(reopened).not.toHaveProperty('resolvedAt');
    expect(reopened.status).toBe('DEGRADED');
  });

  it('refuses an update past the cap, and answers CONFLICT after losing every race', async () => {
    stored(
      {
        incidentId: 'FULL',
        status: 'DEGRADED',
        updates: Array.from({ length: MAX_INCIDENT_UPDATES }, (_, n) => ({
          status: 'DEGRADED' as const,
          message: `update ${n}`,
          at: ago(1),
        })),
      },
      1,
    );
    const full = await expectCode('CONFLICT', putIncident(deps, 'FULL', incident()));
    expect(full.detail).toContain('new incident');

    await putIncident(deps, 'RACE', incident());
    store.losses = 100;
    await expectCode('CONFLICT', putIncident(deps, 'RACE', incident({ message: 'next' })));
    expect((await store.getIncident('RACE'))?.updates).toHaveLength(1);
    // A race lost a few times is read again and won.
    store.losses = 2;
    expect((await putIncident(deps, 'RACE', incident({ message: 'next' }))).updates).toHaveLength(2);
  });

  it('lists incidents open or updated in the last 30 days, most recently updated first', async () => {
    stored({ incidentId: 'old-open', status: 'DEGRADED' }, 40);
    stored({ incidentId: 'older-open', status: 'INVESTIGATING' }, 60);
    stored({ incidentId: 'old-resolved', status: 'RESOLVED' }, 31);
    stored({ incidentId: 'recent-resolved', status: 'RESOLVED' }, 10);
    stored({ incidentId: 'recent-restored', status: 'RESTORED' }, 2);
    await putIncident(deps, 'new', incident());

    const page = await serviceHealth(deps, { limit: 25 });
    expect(ids(page)).toEqual(['new', 'recent-restored', 'recent-resolved', 'old-open', 'older-open']);
    expect(page.nextCursor).toBeUndefined();
  });

  it('pages through both lists in the same strict order, one item at a time', async () => {
    stored({ incidentId: 'old-open', status: 'DEGRADED' }, 40);
    stored({ incidentId: 'older-open', status: 'INVESTIGATING' }, 60);
    stored({ incidentId: 'old-resolved', status: 'RESOLVED' }, 45);
    stored({ incidentId: 'recent-a', status: 'RESOLVED' }, 5);
    stored({ incidentId: 'recent-b', status: 'DEGRADED' }, 3);

    for (const limit of [1, 2, 3]) {
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let n = 0; n < 10; n++) {
        const page = await serviceHealth(deps, { limit, ...(cursor ? { cursor } : {}) });
        expect(page.items.length).toBeLessThanOrEqual(limit);
        seen.push(...ids(page));
        cursor = page.nextCursor;
        if (!cursor) break;
      }
      expect(seen).toEqual(['recent-b', 'recent-a', 'old-open', 'older-open']);
    }
  });

  it('narrows to incidents updated since `since`, and refuses a since older than 30 days or a foreign cursor', async () => {
    stored({ incidentId: 'old-open', status: 'DEGRADED' }, 40);
    stored({ incidentId: 'week', status: 'DEGRADED' }, 7);
    stored({ incidentId: 'yesterday', status: 'RESOLVED' }, 1);

    expect(ids(await serviceHealth(deps, { since: ago(3), limit: 25 }))).toEqual(['yesterday']);
    expect(ids(await serviceHealth(deps, { since: ago(29), limit: 25 }))).toEqual(['yesterday', 'week']);
    const old = await expectCode('VALIDATION_FAILED', serviceHealth(deps, { since: ago(31), limit: 25 }));
    expect(old.errors?.map((e) => e.path)).toEqual(['query.since']);

    const foreign = Buffer.from(JSON.stringify({ from: ago(90), open: true, phase: 'open' })).toString(
      'base64url',
    );
    for (const cursor of [foreign, 'not-a-cursor', Buffer.from('[1]').toString('base64url')]) {
      const bad = await expectCode('VALIDATION_FAILED', serviceHealth(deps, { limit: 25, cursor }));
      expect(bad.errors?.map((e) => e.path)).toEqual(['query.cursor']);
    }
  });
});

describe('service requests and support tickets', () => {
  let p: FakePorts;
  let tickets: FakeTickets;
  let relationships: FakeAdminRelationshipStore;
  let links: FakeCustomerLinks;
  let deps: TicketDeps;
  let partner: { org: OrganizationRecord; admin: Principal };
  let customer: { org: OrganizationRecord; admin: Principal };
  let other: { org: OrganizationRecord; admin: Principal };

  /** An active admin relationship of `partnerId` with the customer holding `roles` until `days` from now. */
  const grant = (partnerId: string, roles: DelegatedRole[], days = 90) => {
    const key = `${partnerId}|${customer.org.id}`;
    const grants = relationships.grantsOf.get(key) ?? new Map();
    const relationshipId = `rel-${grants.size + 1}`;
    grants.set(relationshipId, {
      relationshipId,
      roles,
      endsAt: new Date(p.clock.now().getTime() + days * DAY * 1000).toISOString(),
    });
    relationships.grantsOf.set(key, grants);
  };
  const relate = (orgId: string) =>
    links.add(orgId, {
      customerId: customer.org.id,
      name: customer.org.name,
      domain: customer.org.domain,
      country: customer.org.country,
      delegatedAdmin: true,
      since: T0.toISOString(),
    });
  const request = (as: Principal = partner.admin, over: Record<string, unknown> = {}) =>
    createServiceRequest(deps, as, customer.org.id, {
      title: 'Mailbox cannot receive',
      description: 'Since this morning the shared mailbox bounces every message.',
      severity: 'CRITICAL',
      topic: 'Exchange Online',
      ...over,
    });
  const ticket = (as: Principal = partner.admin, title = 'Invoice question') =>
    createSupportTicket(deps, as, {
      title,
      description: 'The March invoice lists a subscription twice.',
      severity: 'MODERATE',
      category: 'ORDERS',
    });

  beforeEach(async () => {
    p = fakePorts(T0);
    tickets = new FakeTickets();
    relationships = new FakeAdminRelationshipStore(p.identity);
    links = new FakeCustomerLinks();
    deps = {
      tickets,
      adminRelationships: relationships,
      customers: links,
      organizations: p.identity,
      users: p.identity,
      mailer: p.mailer,
      clock: p.clock,
    };
    partner = await addOrganization(p, 'res', ['RESELLER'], { country: 'US' });
    customer = await addOrganization(p, 'cust');
    other = await addOrganization(p, 'other', ['RESELLER']);
    relate(partner.org.id);
    grant(partner.org.id, ['SERVICE_SUPPORT_ADMINISTRATOR']);
  });

  describe('opening and reading', () => {
    it('opens a service request with the role, OPEN and without notes, listed newest first', async () => {
      const first = await request();
      expect(first).toEqual({
        ticketId: expect.any(String),
        kind: 'SERVICE_REQUEST',
        organizationId: partner.org.id,
        customerId: customer.org.id,
        title: 'Mailbox cannot receive',
        description: 'Since this morning the shared mailbox bounces every message.',
        severity: 'CRITICAL',
        topic: 'Exchange Online',
        status: 'OPEN',
        createdAt: T0.toISOString(),
        updatedAt: T0.toISOString(),
        notes: [],
      });
      p.clock.advance(60);
      const second = await request(partner.admin, { title: 'Second' });
      const listed = await listServiceRequests(deps, partner.admin, customer.org.id, { limit: 25 });
      expect(listed.items.map((t) => t.ticketId)).toEqual([second.ticketId, first.ticketId]);
      expect(await getServiceRequest(deps, partner.admin, customer.org.id, first.ticketId)).toEqual(first);
      expect(tickets.records.map((r) => r.operation)).toEqual([
        'SERVICE_REQUEST_CREATED',
        'SERVICE_REQUEST_CREATED',
      ]);
    });

    it('lets helpdesk agents manage service requests (a service request names no offer), and GLOBAL_ADMINISTRATOR do', async () => {
      const helpdesk = await addUser(p, partner.org, 'hal', 'HELPDESK_AGENT', 'NONE');
      expect((await request(helpdesk)).status).toBe('OPEN');
      relationships.grantsOf.clear();
      grant(partner.org.id, ['GLOBAL_ADMINISTRATOR']);
      expect((await request()).status).toBe('OPEN');
    });

    it('needs an active relationship holding SERVICE_SUPPORT_ADMINISTRATOR, to read too; without any relationship it is 404', async () => {
      const made = await request();
      relationships.grantsOf.clear();
      grant(partner.org.id, ['DIRECTORY_READER', 'USER_ADMINISTRATOR', 'LICENSE_ADMINISTRATOR']);
      const refused = await expectCode('ADMIN_RELATIONSHIP_REQUIRED', request());
      expect(refused.detail).toContain('SERVICE_SUPPORT_ADMINISTRATOR');
      await expectCode(
        'ADMIN_RELATIONSHIP_REQUIRED',
        listServiceRequests(deps, partner.admin, customer.org.id, { limit: 25 }),
      );
      await expectCode(
        'ADMIN_RELATIONSHIP_REQUIRED',
        getServiceRequest(deps, partner.admin, customer.org.id, made.ticketId),
      );
      await expectCode(
        'ADMIN_RELATIONSHIP_REQUIRED',
        addServiceRequestNote(deps, partner.admin, customer.org.id, made.ticketId, { text: 'hello' }),
      );
      // An ended term gives nothing.
      relationships.grantsOf.clear();
      grant(partner.org.id, ['SERVICE_SUPPORT_ADMINISTRATOR'], 1);
      p.clock.advance(2 * DAY);
      await expectCode('ADMIN_RELATIONSHIP_REQUIRED', request());

      // Another partner, with no relationship with the customer at all.
      const before = tickets.dump();
      await expectCode('NOT_FOUND', request(other.admin));
      await expectCode('NOT_FOUND', getServiceRequest(deps, other.admin, customer.org.id, made.ticketId));
      expect(tickets.dump()).toBe(before);
    });

    it('refuses a user whose roles lack the permission', async () => {
      const userAdmin = await addUser(p, partner.org, 'uma', 'NONE', 'USER_MANAGEMENT_ADMIN');
      const agent = await addUser(p, partner.org, 'aga', 'ADMIN_AGENT', 'NONE');
      await expectCode('FORBIDDEN', request(userAdmin));
      // Support tickets are the global admins' (partnerSupportTickets:manage).
      await expectCode('FORBIDDEN', ticket(agent));
      await expectCode('FORBIDDEN', listSupportTickets(deps, agent, { limit: 25 }));
      const own = await ticket();
      await expectCode('FORBIDDEN', getSupportTicket(deps, userAdmin, own.ticketId));
    });

    it('answers 404 for another organization’s ticket and for a ticket read by the wrong path', async () => {
      const req = await request();
      const own = await ticket();
      const theirs = await ticket(other.admin, 'Theirs');
      await expectCode('NOT_FOUND', getSupportTicket(deps, partner.admin, theirs.ticketId));
      await expectCode('NOT_FOUND', getSupportTicket(deps, other.admin, own.ticketId));
      await expectCode('NOT_FOUND', addSupportTicketNote(deps, other.admin, own.ticketId, { text: 'mine?' }));
      await expectCode('NOT_FOUND', getSupportTicket(deps, partner.admin, req.ticketId));
      await expectCode('NOT_FOUND', getServiceRequest(deps, partner.admin, customer.org.id, own.ticketId));
      await expectCode('NOT_FOUND', getSupportTicket(deps, partner.admin, 'no-such-ticket'));
      await expectCode('NOT_FOUND', addOperatorNote(deps, 'no-such-ticket', { text: 'hello' }));
      const listed = await listSupportTickets(deps, partner.admin, { limit: 25 });
      expect(listed.items.map((t) => t.ticketId)).toEqual([own.ticketId]);
    });
  });

  describe('notes and status', () => {
    it('a partner’s note keeps the ticket OPEN, an operator’s asks for attention; both signed, operators as Support', async () => {
      const own = await ticket();
      p.clock.advance(60);
      const answered = await addOperatorNote(deps, own.ticketId, { text: 'Which subscription?' });
      expect(answered.status).toBe('ATTENTION_NEEDED');
      p.clock.advance(60);
      const replied = await addSupportTicketNote(deps, partner.admin, own.ticketId, { text: 'The E3 one.' });
      expect(replied.status).toBe('OPEN');
      expect(replied.updatedAt).toBe(p.clock.now().toISOString());
      expect(replied.notes).toEqual([
        {
          text: 'Which subscription?',
          by: { kind: 'OPERATOR', name: 'Support' },
          at: new Date(T0.getTime() + 60_000).toISOString(),
        },
        {
          text: 'The E3 one.',
          by: { kind: 'PARTNER', name: 'Ada Example' },
          at: p.clock.now().toISOString(),
        },
      ]);
      expect(tickets.records.filter((r) => r.operation === 'SUPPORT_TICKET_NOTE_ADDED')).toEqual([
        { operation: 'SUPPORT_TICKET_NOTE_ADDED', ticketId: own.ticketId, operator: true },
        { operation: 'SUPPORT_TICKET_NOTE_ADDED', ticketId: own.ticketId, operator: false },
      ]);
      // A note may set the status itself.
      const waiting = await addOperatorNote(deps, own.ticketId, { text: 'Looking into it.', status: 'OPEN' });
      expect(waiting.status).toBe('OPEN');
    });

    it('a closed ticket is final: any note, with any status, is TICKET_CLOSED and writes nothing', async () => {
      const req = await request();
      const closed = await addServiceRequestNote(deps, partner.admin, customer.org.id, req.ticketId, {
        text: 'Solved on our side.',
        status: 'CLOSED',
      });
      expect(closed.status).toBe('CLOSED');
      const before = tickets.dump();
      const sent = p.mailer.sent.length;
      const refused = await expectCode(
        'TICKET_CLOSED',
        addServiceRequestNote(deps, partner.admin, customer.org.id, req.ticketId, {
          text: 'Reopen please',
          status: 'OPEN',
        }),
      );
      expect(refused.detail).toContain('new ticket');
      await expectCode('TICKET_CLOSED', addOperatorNote(deps, req.ticketId, { text: 'Late answer' }));
      expect(tickets.dump()).toBe(before);
      expect(p.mailer.sent).toHaveLength(sent);
    });

    it('caps the notes of a ticket with a clear CONFLICT', async () => {
      const own = await ticket();
      const stored = tickets.tickets.get(own.ticketId);
      if (!stored) throw new Error('no ticket');
      stored.notes = Array.from({ length: MAX_NOTES }, (_, n) => ({
        text: `note ${n}`,
        by: { kind: 'PARTNER' as const, name: 'Ada Example' },
        at: T0.toISOString(),
      }));
      const full = await expectCode(
        'CONFLICT',
        addSupportTicketNote(deps, partner.admin, own.ticketId, { text: 'one more' }),
      );
      expect(full.detail).toContain(String(MAX_NOTES));
    });

    it('a note that lost to a concurrent close reads again and says TICKET_CLOSED', async () => {
      const own = await ticket();
      const original = tickets.addNote.bind(tickets);
      let first = true;
      tickets.addNote = async (t, note, status, max) => {
        if (first) {
          first = false;
          // Someone closed the ticket between the read and this write.
          await original(t, { ...note, text: 'closing' }, 'CLOSED', max);
        }
        return original(t, note, status, max);
      };
      await expectCode(
        'TICKET_CLOSED',
        addSupportTicketNote(deps, partner.admin, own.ticketId, { text: 'late' }),
      );
      expect(tickets.tickets.get(own.ticketId)?.notes.map((n) => n.text)).toEqual(['closing']);
    });
  });

  describe('the operator’s note email', () => {
    it('emails the user who opened the ticket, in the language of the organization’s country (en)', async () => {
      const own = await ticket(partner.admin, 'Invoice <question> & more');
      await addOperatorNote(deps, own.ticketId, { text: 'Please send the <invoice> number.' });
      const [mail, ...more] = p.mailer.to(partner.admin.user.email);
      expect(more).toEqual([]);
      expect(mail?.subject).toBe('Support answered your support ticket: Invoice <question> & more');
      expect(mail?.text).toContain('Hello Ada,');
      expect(mail?.text).toContain('> Please send the <invoice> number.');
      expect(mail?.text).toContain('Attention needed');
      expect(mail?.text).toContain(`GET /support-tickets/${own.ticketId}`);
      expect(mail?.text).not.toMatch(/https?:\/\//);
      // The note is escaped in the HTML part.
      expect(mail?.html).toContain('Please send the &lt;invoice&gt; number.');
      expect(mail?.html).not.toContain('<invoice>');
      expect(p.mailer.sent).toHaveLength(1);
    });

    it('writes in Spanish to an organization in Spain, and to its global admins when the contact is gone', async () => {
      relate(other.org.id);
      grant(other.org.id, ['SERVICE_SUPPORT_ADMINISTRATOR']);
      const agent = await addUser(p, other.org, 'eva', 'ADMIN_AGENT', 'NONE');
      const req = await request(agent);
      await addOperatorNote(deps, req.ticketId, { text: '¿Desde cuándo?', status: 'ATTENTION_NEEDED' });
      const [mail] = p.mailer.to(agent.user.email);
      expect(mail?.subject).toBe('El soporte respondió a su solicitud de servicio: Mailbox cannot receive');
      expect(mail?.text).toContain('Hola, Eva:');
      expect(mail?.text).toContain('Requiere atención');
      expect(mail?.text).toContain(`GET /customers/${customer.org.id}/service-requests/${req.ticketId}`);

      const user = p.identity.users.get(agent.user.id);
      if (!user) throw new Error('no user');
      user.status = 'INACTIVE';
      await addOperatorNote(deps, req.ticketId, { text: 'Cerramos la solicitud.', status: 'CLOSED' });
      expect(p.mailer.to(agent.user.email)).toHaveLength(1);
      const [admins] = p.mailer.to(other.admin.user.email);
      expect(admins?.text).toContain('Hola:');
      expect(admins?.text).toContain('Cerrada');
    });

    it('keeps the note when the email fails', async () => {
      const own = await ticket();
      p.mailer.failNext();
      const answered = await addOperatorNote(deps, own.ticketId, { text: 'Done.' });
      expect(answered.notes).toHaveLength(1);
      expect(p.mailer.sent).toHaveLength(0);
    });
  });

  it('queues tickets of both kinds for operators by status, oldest first (OPEN by default)', async () => {
    const a = await ticket();
    p.clock.advance(60);
    const b = await request();
    p.clock.advance(60);
    const c = await ticket(other.admin, 'Other');
    p.clock.advance(60);
    await addOperatorNote(deps, b.ticketId, { text: 'Need details' });

    expect((await listOperatorTickets(deps, { limit: 25 })).items.map((t) => t.ticketId)).toEqual([
      a.ticketId,
      c.ticketId,
    ]);
    expect(
      (await listOperatorTickets(deps, { status: 'ATTENTION_NEEDED', limit: 25 })).items.map(
        (t) => t.ticketId,
      ),
    ).toEqual([b.ticketId]);
    const first = await listOperatorTickets(deps, { status: 'OPEN', limit: 1 });
    expect(first.items.map((t) => t.kind)).toEqual(['SUPPORT_TICKET']);
    const next = await listOperatorTickets(deps, { status: 'OPEN', limit: 1, cursor: first.nextCursor });
    expect(next.items.map((t) => t.ticketId)).toEqual([c.ticketId]);
  });
});
