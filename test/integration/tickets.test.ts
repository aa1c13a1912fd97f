import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { approvedReseller, operatorToken } from '../support/enrollment.ts';
import { type Account, uniqueDomain, userWithRoles, verifiedAccount } from '../support/identity.ts';
import { waitForEmail } from '../support/mailbox.ts';
import { expectProblem } from '../support/problems.ts';
import { acceptedCustomer, allPages, approvedRelationship } from '../support/relationships.ts';
import { call, eventually } from '../support/runtime.ts';

const requestsPath = (customerId: string, ticketId = '', action = '') =>
  `/customers/${customerId}/service-requests${ticketId ? `/${ticketId}` : ''}${action ? `/${action}` : ''}`;
const ticketsPath = (ticketId = '', action = '') =>
  `/support-tickets${ticketId ? `/${ticketId}` : ''}${action ? `/${action}` : ''}`;
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const nowSeconds = () => Math.floor(Date.now() / 1000) - 1;

const requestBody = (over: Record<string, unknown> = {}) => ({
  title: `Mailbox bounces ${randomUUID().slice(0, 6)}`,
  description: 'Since this morning the shared mailbox bounces every message.',
  severity: 'CRITICAL',
  topic: 'Exchange Online',
  ...over,
});
const ticketBody = (over: Record<string, unknown> = {}) => ({
  title: `Invoice question ${randomUUID().slice(0, 6)}`,
  description: 'The March invoice lists a subscription twice.',
  severity: 'MODERATE',
  category: 'ORDERS',
  ...over,
});

interface Ticket {
  ticketId: string;
  kind: string;
  status: string;
  title: string;
  createdAt: string;
  updatedAt: string;
  notes: Array<{ text: string; by: { kind: string; name: string }; at: string }>;
}

/** A support ticket opened by `as` (a global admin), answered 201. */
async function openTicket(as: { token: string }, over: Record<string, unknown> = {}): Promise<Ticket> {
  const res = await call('POST', ticketsPath(), { token: as.token, body: ticketBody(over) });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

/** A service request for `customerId` opened by `as`, answered 201. */
async function openRequest(as: { token: string }, customerId: string): Promise<Ticket> {
  const res = await call('POST', requestsPath(customerId), { token: as.token, body: requestBody() });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

describe('service requests and support tickets', () => {
  let op: string;
  /** An approved reseller in Spain, its global admin (also an admin agent). */
  let reseller: Account;
  /** Its customer with the Default admin relationship (SERVICE_SUPPORT_ADMINISTRATOR among its roles). */
  let customer: Account;
  /** Its customer with an admin relationship holding DIRECTORY_READER only. */
  let readerOnly: Account;
  /** A work account in the US: a global admin of another organization, with no relationship with the customers. */
  let outsider: Account;
  let helpdesk: { token: string; email: string };
  let agent: { token: string };
  let userAdmin: { token: string };

  beforeAll(async () => {
    [op, reseller, outsider] = await Promise.all([
      operatorToken(),
      approvedReseller(),
      verifiedAccount(uniqueDomain('us'), 'US'),
    ]);
    [customer, readerOnly, helpdesk, agent, userAdmin] = await Promise.all([
      acceptedCustomer(reseller),
      acceptedCustomer(reseller, undefined, { delegatedAdmin: false }),
      userWithRoles(reseller.token, reseller.domain, 'HELPDESK_AGENT', 'NONE'),
      userWithRoles(reseller.token, reseller.domain, 'ADMIN_AGENT', 'NONE'),
      userWithRoles(reseller.token, reseller.domain, 'NONE', 'USER_MANAGEMENT_ADMIN'),
    ]);
    await approvedRelationship(reseller, readerOnly, ['DIRECTORY_READER']);
    // The Default relationship is made by a stream consumer, a moment after the acceptance.
    await eventually(
      async () =>
        (await call('GET', requestsPath(customer.orgId), { token: reseller.token })).status === 200
          ? true
          : undefined,
      15_000,
      'the Default admin relationship',
    );
  }, 240_000);

  describe('service requests, on behalf', () => {
    it('opens one (201, OPEN, no notes), lists it newest first and reads it; helpdesk agents may', async () => {
      const first = await openRequest(reseller, customer.orgId);
      expect(first).toMatchObject({
        kind: 'SERVICE_REQUEST',
        organizationId: reseller.orgId,
        customerId: customer.orgId,
        severity: 'CRITICAL',
        topic: 'Exchange Online',
        status: 'OPEN',
        notes: [],
      });
      expect(first.createdAt).toBe(first.updatedAt);
      const second = await openRequest(helpdesk, customer.orgId);

      const listed = await call('GET', requestsPath(customer.orgId), { token: helpdesk.token });
      expect(listed.status, JSON.stringify(listed.body)).toBe(200);
      expect(listed.body.items.map((t: Ticket) => t.ticketId).slice(0, 2)).toEqual([
        second.ticketId,
        first.ticketId,
      ]);
      const read = await call('GET', requestsPath(customer.orgId, first.ticketId), { token: reseller.token });
      expect(read.status, JSON.stringify(read.body)).toBe(200);
      expect(read.body).toEqual(first);
    });

    it('needs SERVICE_SUPPORT_ADMINISTRATOR (ADMIN_RELATIONSHIP_REQUIRED), to read too', async () => {
      const refused = await call('POST', requestsPath(readerOnly.orgId), {
        token: reseller.token,
        body: requestBody(),
      });
      expectProblem(refused, 403, 'ADMIN_RELATIONSHIP_REQUIRED');
      expect(refused.body.detail).toContain('SERVICE_SUPPORT_ADMINISTRATOR');
      expectProblem(
        await call('GET', requestsPath(readerOnly.orgId), { token: reseller.token }),
        403,
        'ADMIN_RELATIONSHIP_REQUIRED',
      );
    });

    it('answers 404 for a customer without a relationship, a request that is not there, and a request read as a support ticket', async () => {
      const own = await openRequest(reseller, customer.orgId);
      expectProblem(
        await call('POST', requestsPath(customer.orgId), { token: outsider.token, body: requestBody() }),
        404,
        'NOT_FOUND',
      );
      expectProblem(
        await call('GET', requestsPath(customer.orgId, own.ticketId), { token: outsider.token }),
        404,
        'NOT_FOUND',
      );
      expectProblem(
        await call('GET', requestsPath(randomUUID()), { token: reseller.token }),
        404,
        'NOT_FOUND',
      );
      // No such request of this customer; a service request's id is no support ticket's.
      expectProblem(
        await call('GET', requestsPath(customer.orgId, randomUUID()), { token: reseller.token }),
        404,
        'NOT_FOUND',
      );
      expectProblem(
        await call('GET', ticketsPath(own.ticketId), { token: reseller.token }),
        404,
        'NOT_FOUND',
      );
    });

    it('refuses a user whose roles lack customerServiceRequests:manage', async () => {
      expectProblem(
        await call('POST', requestsPath(customer.orgId), { token: userAdmin.token, body: requestBody() }),
        403,
        'FORBIDDEN',
      );
    });
  });

  describe('support tickets', () => {
    it('opens one (201), lists it newest first and reads it; Idempotency-Key replays the first answer', async () => {
      const key = randomUUID();
      const body = ticketBody({ category: 'TECHNICAL', severity: 'MINIMAL' });
      const first = await call('POST', ticketsPath(), {
        token: reseller.token,
        body,
        headers: { 'Idempotency-Key': key },
      });
      expect(first.status, JSON.stringify(first.body)).toBe(201);
      expect(first.body).toMatchObject({
        kind: 'SUPPORT_TICKET',
        organizationId: reseller.orgId,
        category: 'TECHNICAL',
        severity: 'MINIMAL',
        status: 'OPEN',
        notes: [],
      });
      expect(first.body.customerId).toBeUndefined();
      const replay = await call('POST', ticketsPath(), {
        token: reseller.token,
        body,
        headers: { 'Idempotency-Key': key },
      });
      expect(replay.status).toBe(201);
      expect(replay.body).toEqual(first.body);

      const second = await openTicket(reseller);
      const listed = await call('GET', ticketsPath(), { token: reseller.token });
      expect(listed.status, JSON.stringify(listed.body)).toBe(200);
      const ids = listed.body.items.map((t: Ticket) => t.ticketId);
      expect(ids.filter((id: string) => id === first.body.ticketId)).toHaveLength(1);
      expect(ids.indexOf(second.ticketId)).toBeLessThan(ids.indexOf(first.body.ticketId));
      const read = await call('GET', ticketsPath(second.ticketId), { token: reseller.token });
      expect(read.body).toEqual(second);
    });

    it('is the global admins’ (FORBIDDEN otherwise); another organization’s ticket is 404', async () => {
      expectProblem(
        await call('POST', ticketsPath(), { token: agent.token, body: ticketBody() }),
        403,
        'FORBIDDEN',
      );
      expectProblem(await call('GET', ticketsPath(), { token: helpdesk.token }), 403, 'FORBIDDEN');
      expectProblem(await call('GET', ticketsPath(), { token: userAdmin.token }), 403, 'FORBIDDEN');

      const theirs = await openTicket(outsider);
      expectProblem(
        await call('GET', ticketsPath(theirs.ticketId), { token: reseller.token }),
        404,
        'NOT_FOUND',
      );
      expectProblem(
        await call('POST', ticketsPath(theirs.ticketId, 'notes'), {
          token: reseller.token,
          body: { text: 'x' },
        }),
        404,
        'NOT_FOUND',
      );
      const own = await call('GET', ticketsPath(), { token: reseller.token });
      expect(own.body.items.map((t: Ticket) => t.ticketId)).not.toContain(theirs.ticketId);
      expectProblem(
        await call('POST', ticketsPath(), {
          token: reseller.token,
          body: ticketBody({ category: 'BILLING' }),
        }),
        400,
        'VALIDATION_FAILED',
        'body.category',
      );
    });
  });

  describe('notes', () => {
    it('an operator’s note asks for attention and emails the contact in Spanish; the partner answers; closed is final', async () => {
      const req = await openRequest(helpdesk, customer.orgId);
      const since = nowSeconds();
      const answered = await call('POST', `/operator/tickets/${req.ticketId}/notes`, {
        token: op,
        body: { text: 'Which <mailbox> is it?' },
      });
      expect(answered.status, JSON.stringify(answered.body)).toBe(200);
      expect(answered.body.status).toBe('ATTENTION_NEEDED');
      expect(answered.body.notes).toEqual([
        { text: 'Which <mailbox> is it?', by: { kind: 'OPERATOR', name: 'Support' }, at: expect.any(String) },
      ]);

      // The contact is the user who opened it; the organization is in Spain.
      const mail = await waitForEmail(helpdesk.email, {
        subject: new RegExp(`^El soporte respondió a su solicitud de servicio: ${escapeRegExp(req.title)}$`),
        since,
      });
      expect(mail.body.text).toContain('> Which <mailbox> is it?');
      expect(mail.body.text).toContain('Requiere atención');
      expect(mail.body.text).toContain(`GET /customers/${customer.orgId}/service-requests/${req.ticketId}`);
      expect(mail.body.html).toContain('Which &lt;mailbox&gt; is it?');
      expect(mail.body.text).not.toMatch(/https?:\/\//);

      const replied = await call('POST', requestsPath(customer.orgId, req.ticketId, 'notes'), {
        token: reseller.token,
        body: { text: 'The shared sales mailbox.' },
      });
      expect(replied.status, JSON.stringify(replied.body)).toBe(200);
      expect(replied.body.status).toBe('OPEN');
      expect(replied.body.notes.map((n: Ticket['notes'][number]) => n.by)).toEqual([
        { kind: 'OPERATOR', name: 'Support' },
        { kind: 'PARTNER', name: 'Ada Admin' },
      ]);

      const closed = await call('POST', requestsPath(customer.orgId, req.ticketId, 'notes'), {
        token: reseller.token,
        body: { text: 'Fixed on our side, thanks.', status: 'CLOSED' },
      });
      expect(closed.status, JSON.stringify(closed.body)).toBe(200);
      expect(closed.body.status).toBe('CLOSED');
      expectProblem(
        await call('POST', requestsPath(customer.orgId, req.ticketId, 'notes'), {
          token: reseller.token,
          body: { text: 'Actually, reopen it', status: 'OPEN' },
        }),
        409,
        'TICKET_CLOSED',
      );
      expectProblem(
        await call('POST', `/operator/tickets/${req.ticketId}/notes`, { token: op, body: { text: 'Late' } }),
        409,
        'TICKET_CLOSED',
      );
      const read = await call('GET', requestsPath(customer.orgId, req.ticketId), { token: reseller.token });
      expect(read.body.notes).toHaveLength(3);
      expect(read.body.status).toBe('CLOSED');
    });

    it('emails an organization in the US in English, and records the note in its log without naming the operator', async () => {
      const own = await openTicket(outsider);
      const since = nowSeconds();
      const answered = await call('POST', `/operator/tickets/${own.ticketId}/notes`, {
        token: op,
        body: { text: 'Please send the invoice number.', status: 'ATTENTION_NEEDED' },
      });
      expect(answered.status, JSON.stringify(answered.body)).toBe(200);
      const mail = await waitForEmail(outsider.email, {
        subject: new RegExp(`^Support answered your support ticket: ${escapeRegExp(own.title)}$`),
        since,
      });
      expect(mail.body.text).toContain('Hello Ada,');
      expect(mail.body.text).toContain('> Please send the invoice number.');
      expect(mail.body.text).toContain(`GET /support-tickets/${own.ticketId}`);

      const log = await call('GET', '/activity?resourceType=support_ticket', { token: outsider.token });
      expect(log.status, JSON.stringify(log.body)).toBe(200);
      const records = log.body.items.filter((r: { resourceId: string }) => r.resourceId === own.ticketId);
      expect(records.map((r: { operation: string }) => r.operation)).toEqual([
        'SUPPORT_TICKET_NOTE_ADDED',
        'SUPPORT_TICKET_CREATED',
      ]);
      expect(records[0].actor).toEqual({ kind: 'OPERATOR' });
      expect(records[0].changes).toEqual({ notes: [0, 1], status: ['OPEN', 'ATTENTION_NEEDED'] });
    });

    it('refuses a note without text, and an operator’s note on a ticket that does not exist', async () => {
      const own = await openTicket(reseller);
      expectProblem(
        await call('POST', ticketsPath(own.ticketId, 'notes'), { token: reseller.token, body: { text: '' } }),
        400,
        'VALIDATION_FAILED',
        'body.text',
      );
      expectProblem(
        await call('POST', `/operator/tickets/${randomUUID()}/notes`, { token: op, body: { text: 'hello' } }),
        404,
        'NOT_FOUND',
      );
      expectProblem(
        await call('POST', `/operator/tickets/${own.ticketId}/notes`, {
          token: reseller.token,
          body: { text: 'not an operator' },
        }),
        403,
        'FORBIDDEN',
      );
    });
  });

  it('queues tickets of both kinds for operators, oldest open first, by status', async () => {
    const older = await openTicket(outsider);
    const request = await openRequest(reseller, customer.orgId);
    const newer = await openTicket(reseller);
    const attention = await openTicket(reseller);
    expect(
      (
        await call('POST', `/operator/tickets/${attention.ticketId}/notes`, {
          token: op,
          body: { text: 'Details?' },
        })
      ).status,
    ).toBe(200);
    const done = await openTicket(outsider);
    expect(
      (
        await call('POST', `/operator/tickets/${done.ticketId}/notes`, {
          token: op,
          body: { text: 'Done.', status: 'CLOSED' },
        })
      ).status,
    ).toBe(200);

    const queue = async (query = '') =>
      (await allPages(`/operator/tickets${query}`, op, 100)) as unknown as Array<Ticket>;
    const open = await queue();
    const ids = open.map((t) => t.ticketId);
    expect(open.every((t) => t.status === 'OPEN')).toBe(true);
    const times = open.map((t) => t.createdAt);
    expect(times).toEqual([...times].sort());
    expect(ids.indexOf(older.ticketId)).toBeGreaterThanOrEqual(0);
    expect(ids.indexOf(older.ticketId)).toBeLessThan(ids.indexOf(request.ticketId));
    expect(ids.indexOf(request.ticketId)).toBeLessThan(ids.indexOf(newer.ticketId));
    expect(ids).not.toContain(attention.ticketId);
    expect(ids).not.toContain(done.ticketId);
    expect((await queue('?status=OPEN')).map((t) => t.ticketId)).toEqual(ids);

    const waiting = await queue('?status=ATTENTION_NEEDED');
    expect(waiting.map((t) => t.ticketId)).toContain(attention.ticketId);
    expect(waiting.every((t) => t.status === 'ATTENTION_NEEDED')).toBe(true);
    const closed = await queue('?status=CLOSED');
    expect(closed.map((t) => t.ticketId)).toContain(done.ticketId);
    expect(closed.map((t) => t.ticketId)).not.toContain(older.ticketId);
    expectProblem(
      await call('GET', '/operator/tickets?status=DONE', { token: op }),
      400,
      'VALIDATION_FAILED',
    );
    expectProblem(await call('GET', '/operator/tickets', { token: reseller.token }), 403, 'FORBIDDEN');
  });
});
