import { DeleteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../functions/platform/data/table.ts';
import { approvedReseller, indirectProvider, operatorToken } from '../support/enrollment.ts';
import { type Account, PASSWORD, uniqueDomain, userWithRoles, verifiedAccount } from '../support/identity.ts';
import { emailsSince, linkStartingWith, waitForEmail } from '../support/mailbox.ts';
import { expectProblem } from '../support/problems.ts';
import { acceptedCustomer, linkProviderAndReseller, tokenOf } from '../support/relationships.ts';
import { call, dynamo, eventually, runtime, tableName } from '../support/runtime.ts';

const DAY_MS = 86_400_000;
const APPROVE_LINK = () => `${runtime.apiUrl}/admin-relationships/approve?token=`;
const orgName = (a: Account) => `Org ${a.domain}`;
const nowSeconds = () => Math.floor(Date.now() / 1000) - 1;
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const exactly = (s: string) => new RegExp(`^${escapeRegExp(s)}$`);
const item = async (key: { pk: string; sk: string }) =>
  (await dynamo.send(new GetCommand({ TableName: tableName, Key: key }))).Item;

/** The approval email to the customer's global admins (customer in ES → Spanish; emails/approval-request.ts). */
const approvalSubject = (partner: Account, customer: Account) =>
  exactly(`${orgName(partner)} solicita acceso de administrador a ${orgName(customer)}`);
/** The email to both sides when a relationship ends (both in ES → Spanish; emails/relationship-ended.ts). */
const endedSubject = (partner: Account, customer: Account) =>
  exactly(`Ha finalizado el acceso de administrador de ${orgName(partner)} a ${orgName(customer)}`);

const form = (path: string, fields: Record<string, string>) =>
  fetch(`${runtime.apiUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });

/** A new customer (ES) of the reseller, accepted without delegated admin: no admin relationship yet. */
const customerOf = (reseller: Account) => acceptedCustomer(reseller, undefined, { delegatedAdmin: false });

interface Ask {
  displayName?: string;
  roles?: string[];
  duration?: string;
  autoExtend?: boolean;
}
let names = 0;
const askBody = (over: Ask = {}) => ({
  displayName: over.displayName ?? `Request ${++names}`,
  roles: over.roles ?? ['DIRECTORY_READER', 'USER_ADMINISTRATOR'],
  duration: over.duration ?? 'P30D',
  ...(over.autoExtend === undefined ? {} : { autoExtend: over.autoExtend }),
});
const ask = (partner: { token: string }, customerId: string, body: unknown) =>
  call('POST', `/customers/${customerId}/admin-relationships`, { token: partner.token, body });

/** A pending request, answered 201; returns its id and the token of its approval link. */
async function requested(partner: { token: string }, customerId: string, over: Ask = {}) {
  const res = await ask(partner, customerId, askBody(over));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return {
    relationshipId: res.body.relationshipId as string,
    token: tokenOf(res.body.approvalLink),
    body: res.body,
  };
}

const answer = (decision: 'approve' | 'reject', token: string, as?: { token: string }) =>
  call('POST', `/admin-relationships/${decision}`, {
    ...(as ? { token: as.token } : {}),
    body: { token },
  });

/** A request the customer's global admin approved (Bearer); returns its id. */
async function active(partner: { token: string }, customer: Account, over: Ask = {}) {
  const { relationshipId, token } = await requested(partner, customer.orgId, over);
  const approved = await answer('approve', token, customer);
  expect(approved.status, JSON.stringify(approved.body)).toBe(200);
  expect(approved.body).toEqual({ status: 'ACTIVE', relationshipId });
  return relationshipId;
}

const relationship = (id: string, as: { token: string }) =>
  call('GET', `/admin-relationships/${id}`, { token: as.token });
const statusOf = async (id: string, as: { token: string }) => {
  const res = await relationship(id, as);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.status as string;
};
const usersOf = (customerId: string, as: { token: string }) =>
  call('GET', `/customers/${customerId}/users`, { token: as.token });
const terminate = (id: string, as: { token: string }) =>
  call('POST', `/admin-relationships/${id}/terminate`, { token: as.token });
const listIds = async (as: { token: string }, query: string) => {
  const res = await call('GET', `/admin-relationships?${query}`, { token: as.token });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return (res.body.items as Array<{ relationshipId: string }>).map((r) => r.relationshipId);
};

/** The customer's first global admin as a partner sees it on behalf. */
const adminAsListed = (customer: Account) => ({
  id: customer.userId,
  email: customer.email,
  firstName: 'Ada',
  lastName: 'Admin',
  usageLocation: 'ES',
  adminRole: 'GLOBAL_ADMIN',
  state: 'ACTIVE',
  licenses: [],
});

describe('administering on behalf: delegated admin relationships', () => {
  let reseller: Account;
  beforeAll(async () => {
    reseller = await approvedReseller();
  }, 120_000);

  it('requests, emails the approval link to every global admin, approves with a Bearer token: users readable from then on', async () => {
    const customer = await customerOf(reseller);
    const secondAdmin = await userWithRoles(customer.token, customer.domain, 'NONE', 'GLOBAL_ADMIN');

    // Before any relationship: refused, and the refusal names the role needed.
    const before = await usersOf(customer.orgId, reseller);
    expectProblem(before, 403, 'ADMIN_RELATIONSHIP_REQUIRED');
    expect(before.body.detail).toContain('DIRECTORY_READER');

    const since = nowSeconds();
    const res = await ask(
      reseller,
      customer.orgId,
      askBody({
        displayName: 'Onboarding',
        roles: ['DIRECTORY_READER', 'USER_ADMINISTRATOR'],
        duration: 'P45D',
      }),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toEqual({
      relationshipId: expect.any(String),
      status: 'APPROVAL_PENDING',
      approvalLink: expect.stringMatching(new RegExp(`^${escapeRegExp(APPROVE_LINK())}.+`)),
      requestExpiresAt: expect.any(String),
    });
    const relationshipId = res.body.relationshipId as string;
    const expiresIn = Date.parse(res.body.requestExpiresAt) - Date.now();
    expect(expiresIn).toBeGreaterThan(89.9 * DAY_MS);
    expect(expiresIn).toBeLessThanOrEqual(90 * DAY_MS);

    // Each global admin of the customer gets the link, in Spanish (the customer is in ES).
    for (const email of [customer.email, secondAdmin.email]) {
      const mail = await waitForEmail(email, { subject: approvalSubject(reseller, customer), since });
      expect(linkStartingWith(mail, APPROVE_LINK())).toBe(res.body.approvalLink);
      expect(mail.body.html).toContain('lang="es"');
      expect(mail.body.text).toContain('Onboarding');
    }
    // Not the partner: it got the link in the answer. (Other tests' emails to the same reseller
    // may land in this second: only this request's email counts.)
    const toPartner = (await emailsSince(since)).filter(
      (m) => m.destination.to.includes(reseller.email) && approvalSubject(reseller, customer).test(m.subject),
    );
    expect(toPartner).toHaveLength(0);

    const pending = await relationship(relationshipId, reseller);
    expect(pending.status).toBe(200);
    expect(pending.body).toEqual({
      relationshipId,
      displayName: 'Onboarding',
      partner: { organizationId: reseller.orgId, name: orgName(reseller) },
      customer: { organizationId: customer.orgId, name: orgName(customer) },
      roles: ['DIRECTORY_READER', 'USER_ADMINISTRATOR'],
      duration: 'P45D',
      autoExtend: false,
      status: 'APPROVAL_PENDING',
      createdAt: expect.any(String),
    });
    // Still refused while pending.
    expectProblem(await usersOf(customer.orgId, reseller), 403, 'ADMIN_RELATIONSHIP_REQUIRED');

    const mail = await waitForEmail(customer.email, { subject: approvalSubject(reseller, customer), since });
    const approved = await answer('approve', tokenOf(linkStartingWith(mail, APPROVE_LINK())), customer);
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body).toEqual({ status: 'ACTIVE', relationshipId });

    const now = await relationship(relationshipId, reseller);
    expect(now.body).toMatchObject({
      relationshipId,
      status: 'ACTIVE',
      activatedAt: expect.any(String),
      endsAt: expect.any(String),
    });
    expect(now.body.endedAt).toBeUndefined();
    expect(Date.parse(now.body.endsAt) - Date.parse(now.body.activatedAt)).toBe(45 * DAY_MS);
    expect(Math.abs(Date.parse(now.body.activatedAt) - Date.now())).toBeLessThan(60_000);
    // The customer's side sees the same relationship.
    expect((await relationship(relationshipId, customer)).body).toEqual(now.body);

    const users = await usersOf(customer.orgId, reseller);
    expect(users.status, JSON.stringify(users.body)).toBe(200);
    expect(users.body.items).toContainEqual(adminAsListed(customer));
    expect(users.body.items).toContainEqual({
      ...adminAsListed(customer),
      id: secondAdmin.id,
      email: secondAdmin.email,
      firstName: 'Uma',
      lastName: 'User',
    });
    expect(users.body.items).toHaveLength(2);
  });

  it('honors Idempotency-Key: a replay (also concurrent) answers the first request; the key with another body is refused', async () => {
    const customer = await customerOf(reseller);
    const since = nowSeconds();
    const key = `ask-${Date.now()}`;
    const body = askBody();
    const post = (b: unknown) =>
      call('POST', `/customers/${customer.orgId}/admin-relationships`, {
        token: reseller.token,
        body: b,
        headers: { 'Idempotency-Key': key },
      });
    const answers = await Promise.all([post(body), post(body), post(body)]);
    for (const res of answers) {
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.headers.get('cache-control')).toBe('no-store');
    }
    const first = answers[0]?.body;
    expect(answers.map((a) => a.body)).toEqual([first, first, first]);
    const again = await post(body);
    expect(again.body).toEqual(first);
    expectProblem(
      await post({ ...body, displayName: `${body.displayName} 2` }),
      422,
      'IDEMPOTENCY_KEY_REUSED',
    );

    const pending = await listIds(reseller, 'direction=outbound&status=APPROVAL_PENDING&limit=100');
    expect(pending.filter((id) => id === first.relationshipId)).toHaveLength(1);
    // One approval email (other emails of the customer's acceptance may still be arriving).
    const mails = (await emailsSince(since)).filter(
      (m) => m.destination.to.includes(customer.email) && approvalSubject(reseller, customer).test(m.subject),
    );
    expect(mails).toHaveLength(1);
    // The replayed link is the one that works.
    const approved = await answer('approve', tokenOf(first.approvalLink), customer);
    expect(approved.body).toEqual({ status: 'ACTIVE', relationshipId: first.relationshipId });
  });

  it('is safe from link scanners: 20 GETs and 20 HEADs of the approval link change nothing', async () => {
    const customer = await customerOf(reseller);
    const { relationshipId, token } = await requested(reseller, customer.orgId, {
      roles: ['DIRECTORY_READER', 'LICENSE_ADMINISTRATOR'],
      duration: 'P90D',
    });
    const stored = await item(keys.adminRelationship(relationshipId));
    expect(stored).toBeDefined();

    const agents = [
      'Mozilla/5.0 (compatible; Barracuda Sentinel)',
      'Microsoft Office/16.0 (SafeLinks)',
      'Proofpoint URL Defense',
      'curl/8.0',
    ];
    for (const method of ['GET', 'HEAD'])
      for (let i = 0; i < 20; i++) {
        const res = await fetch(`${APPROVE_LINK()}${token}`, {
          method,
          headers: { 'user-agent': agents[i % agents.length] ?? '' },
        });
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toMatch(/^text\/html/);
        expect(res.headers.get('cache-control')).toBe('no-store');
        expect(res.headers.get('referrer-policy')).toBe('no-referrer');
        const html = await res.text();
        if (method === 'HEAD') expect(html).toBe('');
        else {
          expect(html).toContain(orgName(reseller));
          expect(html).toContain('Directory reader');
          expect(html).toContain('License administrator');
          expect(html).toContain('90 days');
          expect(html).not.toContain('<script');
        }
      }

    expect(await statusOf(relationshipId, reseller)).toBe('APPROVAL_PENDING');
    expect(await item(keys.adminRelationship(relationshipId))).toEqual(stored);
    expectProblem(await usersOf(customer.orgId, reseller), 403, 'ADMIN_RELATIONSHIP_REQUIRED');

    const approved = await answer('approve', token, customer);
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body).toEqual({ status: 'ACTIVE', relationshipId });
    expect(await statusOf(relationshipId, reseller)).toBe('ACTIVE');
    // Once answered, the link's page says so (and still changes nothing).
    const used = await fetch(`${APPROVE_LINK()}${token}`);
    expect(used.status).toBe(409);
    expect(await used.text()).toContain('data-code="LINK_USED"');
  });

  describe('refusals, with the contract’s codes', () => {
    it('refuses bad requests: AUTO_EXTEND_NOT_ALLOWED, DISPLAY_NAME_TAKEN, VALIDATION_FAILED, FORBIDDEN, NOT_FOUND', async () => {
      const customer = await customerOf(reseller);

      const autoExtend = await ask(
        reseller,
        customer.orgId,
        askBody({ roles: ['DIRECTORY_READER', 'GLOBAL_ADMINISTRATOR'], autoExtend: true }),
      );
      expectProblem(autoExtend, 422, 'AUTO_EXTEND_NOT_ALLOWED');
      // The same roles without auto-extension, and auto-extension without GLOBAL_ADMINISTRATOR, are fine.
      await requested(reseller, customer.orgId, { roles: ['GLOBAL_ADMINISTRATOR'], autoExtend: false });
      await requested(reseller, customer.orgId, { roles: ['USER_ADMINISTRATOR'], autoExtend: true });

      for (const body of [
        askBody({ duration: 'P731D' }),
        askBody({ duration: 'P0D' }),
        askBody({ duration: 'P1Y' }),
        askBody({ roles: [] }),
        askBody({ roles: ['TENANT_OWNER'] }),
        askBody({ displayName: '' }),
        { roles: ['DIRECTORY_READER'], duration: 'P30D' },
      ])
        expectProblem(await ask(reseller, customer.orgId, body), 400, 'VALIDATION_FAILED');
      const badDuration = await ask(reseller, customer.orgId, askBody({ duration: 'P731D' }));
      expect(badDuration.body.errors?.map((e: { path: string }) => e.path)).toContain('body.duration');
      const noRoles = await ask(reseller, customer.orgId, askBody({ roles: [] }));
      expect(noRoles.body.errors?.map((e: { path: string }) => e.path)).toContain('body.roles');
      // The bounds themselves are accepted.
      await requested(reseller, customer.orgId, { duration: 'P1D' });
      await requested(reseller, customer.orgId, { duration: 'P730D' });

      // DISPLAY_NAME_TAKEN: while pending, and while active.
      const pending = await requested(reseller, customer.orgId, { displayName: 'Helpdesk' });
      expectProblem(
        await ask(reseller, customer.orgId, askBody({ displayName: 'Helpdesk' })),
        409,
        'DISPLAY_NAME_TAKEN',
      );
      expect((await answer('approve', pending.token, customer)).status).toBe(200);
      expectProblem(
        await ask(
          reseller,
          customer.orgId,
          askBody({ displayName: 'Helpdesk', roles: ['DIRECTORY_READER'] }),
        ),
        409,
        'DISPLAY_NAME_TAKEN',
      );
      // Unique per partner and customer: the same name with another customer is free.
      const other = await customerOf(reseller);
      await requested(reseller, other.orgId, { displayName: 'Helpdesk' });
      // Terminated frees the name (rejected too: see the rejection test).
      expect((await terminate(pending.relationshipId, reseller)).status).toBe(200);
      await requested(reseller, customer.orgId, { displayName: 'Helpdesk' });

      // A partner user without delegatedAdmin:request (a helpdesk agent): 403 first.
      const helpdesk = await userWithRoles(reseller.token, reseller.domain, 'HELPDESK_AGENT', 'NONE');
      expectProblem(await ask(helpdesk, customer.orgId, askBody()), 403, 'FORBIDDEN');
      // An organization without a relationship with the customer: 404 (also for a made-up id).
      const stranger = await verifiedAccount();
      expectProblem(await ask(stranger, customer.orgId, askBody()), 404, 'NOT_FOUND');
      expectProblem(await ask(reseller, 'no-such-customer', askBody()), 404, 'NOT_FOUND');
      // Nothing was written by any refusal: the outbound list holds only what was answered 201.
      const outbound = await call('GET', '/admin-relationships?direction=outbound&limit=100', {
        token: reseller.token,
      });
      const toCustomer = outbound.body.items.filter(
        (r: { customer: { organizationId: string } }) => r.customer.organizationId === customer.orgId,
      );
      expect(toCustomer).toHaveLength(6);
    });

    it('refuses bad answers: LINK_INVALID, LINK_USED, FORBIDDEN, NOT_FOR_YOUR_ORGANIZATION, UNAUTHENTICATED', async () => {
      const customer = await customerOf(reseller);
      const { relationshipId, token } = await requested(reseller, customer.orgId);

      // LINK_INVALID: the API (404) and the page (404, its code on the page).
      expectProblem(await answer('approve', 'x'.repeat(43), customer), 404, 'LINK_INVALID');
      expectProblem(await answer('reject', 'x'.repeat(43), customer), 404, 'LINK_INVALID');
      const badPage = await fetch(`${APPROVE_LINK()}${'x'.repeat(43)}`);
      expect(badPage.status).toBe(404);
      expect(badPage.headers.get('cache-control')).toBe('no-store');
      expect(await badPage.text()).toContain('data-code="LINK_INVALID"');
      // A link of another kind (an invitation's) is not an approval link either.
      const invitation = await call('POST', '/customers/relationship-requests', {
        token: reseller.token,
        body: { customerEmail: `someone@${uniqueDomain()}`, delegatedAdmin: false },
      });
      expect(invitation.status).toBe(201);
      expectProblem(await answer('approve', tokenOf(invitation.body.link), customer), 404, 'LINK_INVALID');

      // No one signed in.
      expectProblem(await answer('approve', token), 401, 'UNAUTHENTICATED');
      // A user of the customer who is not a global admin.
      const userAdmin = await userWithRoles(customer.token, customer.domain, 'NONE', 'USER_MANAGEMENT_ADMIN');
      expectProblem(await answer('approve', token, userAdmin), 403, 'FORBIDDEN');
      expectProblem(await answer('reject', token, userAdmin), 403, 'FORBIDDEN');
      // A global admin of another organization: the partner itself, and a stranger.
      expectProblem(await answer('approve', token, reseller), 403, 'NOT_FOR_YOUR_ORGANIZATION');
      const stranger = await verifiedAccount();
      expectProblem(await answer('approve', token, stranger), 403, 'NOT_FOR_YOUR_ORGANIZATION');
      // The page's form with a wrong password: the sign-in failure page, nothing answered.
      const wrong = await form('/admin-relationships/approve', {
        token,
        email: customer.email,
        password: `${PASSWORD}-wrong`,
      });
      expect(wrong.status).toBe(401);
      expect(await wrong.text()).toContain('data-code="INVALID_CREDENTIALS"');
      expect(await statusOf(relationshipId, reseller)).toBe('APPROVAL_PENDING');

      // LINK_USED: the second answer, whichever it is.
      expect((await answer('approve', token, customer)).status).toBe(200);
      expectProblem(await answer('approve', token, customer), 409, 'LINK_USED');
      expectProblem(await answer('reject', token, customer), 409, 'LINK_USED');
      expect(await statusOf(relationshipId, reseller)).toBe('ACTIVE');
      // LINK_EXPIRED (410) needs 90 days of wall-clock time (the expiry is not scaled): not tested here.
    });

    it('refuses to terminate what is not active (RELATIONSHIP_NOT_ACTIVE), and refuses the wrong people', async () => {
      const customer = await customerOf(reseller);
      const pending = await requested(reseller, customer.orgId);
      expectProblem(await terminate(pending.relationshipId, reseller), 409, 'RELATIONSHIP_NOT_ACTIVE');
      expectProblem(await terminate(pending.relationshipId, customer), 409, 'RELATIONSHIP_NOT_ACTIVE');

      const rejected = await requested(reseller, customer.orgId);
      expect((await answer('reject', rejected.token, customer)).status).toBe(200);
      expectProblem(await terminate(rejected.relationshipId, reseller), 409, 'RELATIONSHIP_NOT_ACTIVE');

      const id = await active(reseller, customer);
      // Not the partner's helpdesk agent (no delegatedAdmin:request), not a customer user who is
      // not a global admin, not another organization (404).
      const helpdesk = await userWithRoles(reseller.token, reseller.domain, 'HELPDESK_AGENT', 'NONE');
      expectProblem(await terminate(id, helpdesk), 403, 'FORBIDDEN');
      const userAdmin = await userWithRoles(customer.token, customer.domain, 'NONE', 'USER_MANAGEMENT_ADMIN');
      expectProblem(await terminate(id, userAdmin), 403, 'FORBIDDEN');
      const stranger = await verifiedAccount();
      expectProblem(await terminate(id, stranger), 404, 'NOT_FOUND');
      expect(await statusOf(id, reseller)).toBe('ACTIVE');

      expect((await terminate(id, reseller)).status).toBe(200);
      expectProblem(await terminate(id, reseller), 409, 'RELATIONSHIP_NOT_ACTIVE');
      expectProblem(await terminate(id, customer), 409, 'RELATIONSHIP_NOT_ACTIVE');
      expect(await statusOf(id, reseller)).toBe('TERMINATED');
    });

    it('guards GET /customers/{id}/users: ADMIN_RELATIONSHIP_REQUIRED, FORBIDDEN, NOT_FOUND; a helpdesk agent may read', async () => {
      const customer = await customerOf(reseller);
      const required = await usersOf(customer.orgId, reseller);
      expectProblem(required, 403, 'ADMIN_RELATIONSHIP_REQUIRED');
      expect(required.body.detail).toContain('DIRECTORY_READER');

      // An organization without any relationship with the customer: 404, not 403.
      const stranger = await verifiedAccount();
      expectProblem(await usersOf(customer.orgId, stranger), 404, 'NOT_FOUND');
      expectProblem(await usersOf('no-such-customer', reseller), 404, 'NOT_FOUND');

      await active(reseller, customer, { roles: ['DIRECTORY_READER'] });
      // HELPDESK_AGENT holds customers:administer: it reads too.
      const helpdesk = await userWithRoles(reseller.token, reseller.domain, 'HELPDESK_AGENT', 'NONE');
      const read = await usersOf(customer.orgId, helpdesk);
      expect(read.status, JSON.stringify(read.body)).toBe(200);
      expect(read.body.items).toContainEqual(adminAsListed(customer));
      // A partner user without customers:administer: 403 FORBIDDEN before anything else.
      const userAdmin = await userWithRoles(reseller.token, reseller.domain, 'NONE', 'USER_MANAGEMENT_ADMIN');
      expectProblem(await usersOf(customer.orgId, userAdmin), 403, 'FORBIDDEN');
      // The customer's own admin is not its own partner.
      expectProblem(await usersOf(customer.orgId, customer), 404, 'NOT_FOUND');
      // Another customer of the same reseller without a relationship of its own: still required.
      const other = await customerOf(reseller);
      expectProblem(await usersOf(other.orgId, reseller), 403, 'ADMIN_RELATIONSHIP_REQUIRED');
    });
  });

  it('ends access on the very next call when the partner terminates; both sides are emailed', async () => {
    const customer = await customerOf(reseller);
    const delegated = async () =>
      (await call('GET', `/customers/${customer.orgId}`, { token: reseller.token })).body.delegatedAdmin;
    expect(await delegated()).toBe(false);
    const id = await active(reseller, customer, { displayName: 'Partner ends' });
    expect((await usersOf(customer.orgId, reseller)).status).toBe(200);
    // Customer.delegatedAdmin follows the active relationships, on the next read.
    expect(await delegated()).toBe(true);

    const since = nowSeconds();
    const ended = await terminate(id, reseller);
    expect(ended.status, JSON.stringify(ended.body)).toBe(200);
    expect(ended.body).toMatchObject({
      relationshipId: id,
      status: 'TERMINATED',
      endedAt: expect.any(String),
    });
    expect(Math.abs(Date.parse(ended.body.endedAt) - Date.now())).toBeLessThan(60_000);
    expectProblem(await usersOf(customer.orgId, reseller), 403, 'ADMIN_RELATIONSHIP_REQUIRED');
    expect(await delegated()).toBe(false);
    expect((await relationship(id, customer)).body).toMatchObject({
      status: 'TERMINATED',
      endedAt: ended.body.endedAt,
    });

    const toPartner = await waitForEmail(reseller.email, {
      subject: endedSubject(reseller, customer),
      since,
    });
    const toCustomer = await waitForEmail(customer.email, {
      subject: endedSubject(reseller, customer),
      since,
    });
    for (const mail of [toPartner, toCustomer]) {
      expect(mail.body.text).toContain(`${orgName(reseller)} finalizó su acceso de administrador`);
      expect(mail.body.text).toContain('"Partner ends"');
    }
    expect(toPartner.body.text).toContain(`porque es administrador de ${orgName(reseller)}`);
    expect(toCustomer.body.text).toContain(`porque es administrador global de ${orgName(customer)}`);
  });

  it('ends access on the very next call when the customer terminates; both sides are emailed', async () => {
    const customer = await customerOf(reseller);
    const id = await active(reseller, customer, { displayName: 'Customer ends' });
    expect((await usersOf(customer.orgId, reseller)).status).toBe(200);

    const since = nowSeconds();
    const ended = await terminate(id, customer);
    expect(ended.status, JSON.stringify(ended.body)).toBe(200);
    expect(ended.body).toMatchObject({
      relationshipId: id,
      status: 'TERMINATED',
      endedAt: expect.any(String),
    });
    expectProblem(await usersOf(customer.orgId, reseller), 403, 'ADMIN_RELATIONSHIP_REQUIRED');
    expect((await relationship(id, reseller)).body).toMatchObject({
      status: 'TERMINATED',
      endedAt: ended.body.endedAt,
    });

    const toPartner = await waitForEmail(reseller.email, {
      subject: endedSubject(reseller, customer),
      since,
    });
    const toCustomer = await waitForEmail(customer.email, {
      subject: endedSubject(reseller, customer),
      since,
    });
    for (const mail of [toPartner, toCustomer])
      expect(mail.body.text).toContain(
        `${orgName(customer)} finalizó el acceso de administrador de ${orgName(reseller)} ("Customer ends")`,
      );
  });

  it('scopes by role: DIRECTORY_READER alone reads the users (and so does any other role)', async () => {
    const customer = await customerOf(reseller);
    const id = await active(reseller, customer, { roles: ['DIRECTORY_READER'], duration: 'P7D' });
    expect((await relationship(id, reseller)).body.roles).toEqual(['DIRECTORY_READER']);
    const read = await usersOf(customer.orgId, reseller);
    expect(read.status, JSON.stringify(read.body)).toBe(200);
    expect(read.body.items).toEqual([adminAsListed(customer)]);
    // Writing on behalf (POST/DELETE …/users, licenses: USER_ADMINISTRATOR / LICENSE_ADMINISTRATOR)
    // is not built yet; once it is, DIRECTORY_READER alone must be refused ADMIN_RELATIONSHIP_REQUIRED there.

    // "A higher role includes reading": a relationship with only SERVICE_SUPPORT_ADMINISTRATOR reads too.
    const other = await customerOf(reseller);
    await active(reseller, other, { roles: ['SERVICE_SUPPORT_ADMINISTRATOR'] });
    const alsoRead = await usersOf(other.orgId, reseller);
    expect(alsoRead.status, JSON.stringify(alsoRead.body)).toBe(200);
    expect(alsoRead.body.items).toEqual([adminAsListed(other)]);
  });

  it('lists both directions with a status filter; another organization gets 404 by id', async () => {
    const partner = await approvedReseller();
    const customer = await customerOf(partner);
    const pending = await requested(partner, customer.orgId, { displayName: 'Pending one' });
    const activeId = await active(partner, customer, { displayName: 'Active one' });
    const rejected = await requested(partner, customer.orgId, { displayName: 'Rejected one' });
    expect((await answer('reject', rejected.token, customer)).status).toBe(200);
    const terminated = await active(partner, customer, { displayName: 'Terminated one' });
    expect((await terminate(terminated, customer)).status).toBe(200);
    const all = [pending.relationshipId, activeId, rejected.relationshipId, terminated];

    // Newest first, every status.
    expect(await listIds(partner, 'direction=outbound')).toEqual([...all].reverse());
    expect(await listIds(customer, 'direction=inbound')).toEqual([...all].reverse());
    for (const [status, id] of [
      ['APPROVAL_PENDING', pending.relationshipId],
      ['ACTIVE', activeId],
      ['REJECTED', rejected.relationshipId],
      ['TERMINATED', terminated],
    ] as const) {
      expect(await listIds(partner, `direction=outbound&status=${status}`)).toEqual([id]);
      expect(await listIds(customer, `direction=inbound&status=${status}`)).toEqual([id]);
    }
    expect(await listIds(partner, 'direction=outbound&status=EXPIRED')).toEqual([]);
    const outbound = await call('GET', '/admin-relationships?direction=outbound&status=ACTIVE', {
      token: partner.token,
    });
    expect(outbound.body.items[0]).toEqual((await relationship(activeId, partner)).body);
    // Each side's other direction is empty.
    expect(await listIds(partner, 'direction=inbound')).toEqual([]);
    expect(await listIds(customer, 'direction=outbound')).toEqual([]);
    // Paged like every list.
    const first = await call('GET', '/admin-relationships?direction=outbound&limit=2', {
      token: partner.token,
    });
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));

    // Inbound is for the customer's global admins; outbound for users with customers:read.
    const userAdmin = await userWithRoles(customer.token, customer.domain, 'NONE', 'USER_MANAGEMENT_ADMIN');
    expectProblem(
      await call('GET', '/admin-relationships?direction=inbound', { token: userAdmin.token }),
      403,
      'FORBIDDEN',
    );
    const noRead = await userWithRoles(partner.token, partner.domain, 'NONE', 'USER_MANAGEMENT_ADMIN');
    expectProblem(
      await call('GET', '/admin-relationships?direction=outbound', { token: noRead.token }),
      403,
      'FORBIDDEN',
    );
    const helpdesk = await userWithRoles(partner.token, partner.domain, 'HELPDESK_AGENT', 'NONE');
    expect(await listIds(helpdesk, 'direction=outbound&status=ACTIVE')).toEqual([activeId]);
    expectProblem(
      await call('GET', '/admin-relationships?direction=sideways', { token: partner.token }),
      400,
      'VALIDATION_FAILED',
    );

    // Another organization: 404 on every one of them, and nothing in its lists.
    for (const other of [reseller, await verifiedAccount()]) {
      for (const id of all) expectProblem(await relationship(id, other), 404, 'NOT_FOUND');
      expect(await listIds(other, 'direction=inbound')).not.toContain(activeId);
      expect(await listIds(other, 'direction=outbound')).not.toContain(activeId);
    }
    expectProblem(await relationship('no-such-relationship', partner), 404, 'NOT_FOUND');
  }, 120_000);

  it('rejects from the page form: REJECTED, no access, and the name is free again', async () => {
    const customer = await customerOf(reseller);
    const { relationshipId, token } = await requested(reseller, customer.orgId, { displayName: 'Rejected' });
    expectProblem(
      await ask(reseller, customer.orgId, askBody({ displayName: 'Rejected' })),
      409,
      'DISPLAY_NAME_TAKEN',
    );

    const rejected = await form('/admin-relationships/reject', {
      token,
      email: customer.email,
      password: PASSWORD,
    });
    expect(rejected.status).toBe(200);
    const page = await rejected.text();
    expect(page).toContain('Request rejected');
    expect(page).toContain(`${orgName(reseller)} gets no access to ${orgName(customer)}`);

    const now = (await relationship(relationshipId, reseller)).body;
    expect(now).toMatchObject({ relationshipId, status: 'REJECTED', endedAt: expect.any(String) });
    expect(now.activatedAt).toBeUndefined();
    expect(now.endsAt).toBeUndefined();
    expectProblem(await usersOf(customer.orgId, reseller), 403, 'ADMIN_RELATIONSHIP_REQUIRED');
    expectProblem(await answer('approve', token, customer), 409, 'LINK_USED');

    // The name is free again; the new request is a new relationship with its own link.
    const again = await requested(reseller, customer.orgId, { displayName: 'Rejected' });
    expect(again.relationshipId).not.toBe(relationshipId);
    expect(again.token).not.toBe(token);
    // Rejecting with a Bearer token answers JSON.
    const viaApi = await answer('reject', again.token, customer);
    expect(viaApi.status, JSON.stringify(viaApi.body)).toBe(200);
    expect(viaApi.body).toEqual({ status: 'REJECTED', relationshipId: again.relationshipId });
    await requested(reseller, customer.orgId, { displayName: 'Rejected' });
  });

  it('tells both sides 7 and 1 days before the end, then extends an autoExtend relationship and ends another', async () => {
    // At LOCAL_TIME_SCALE 86,400 a day passes in a second: P8D ends 8 s after approval.
    const customer = await customerOf(reseller);
    const since = nowSeconds();
    const approve = async (displayName: string, autoExtend: boolean) => {
      const r = await requested(reseller, customer.orgId, { displayName, duration: 'P8D', autoExtend });
      const ok = await answer('approve', r.token, customer);
      expect(ok.status, JSON.stringify(ok.body)).toBe(200);
      return (await relationship(r.relationshipId, reseller)).body;
    };
    const [extending, ending] = await Promise.all([approve('Extends', true), approve('Ends', false)]);

    // The ending one expires exactly: access stays through the other one, its own record says EXPIRED.
    const expired = await eventually(
      async () => {
        const now = (await relationship(ending.relationshipId, reseller)).body;
        // EXPIRED reads at once past endsAt; endedAt is written by the end's timer.
        return now.status === 'EXPIRED' && now.endedAt ? now : undefined;
      },
      30_000,
      'the expiry',
    );
    expect(expired.endedAt).toBe(ending.endsAt);
    const extended = await eventually(
      async () => {
        const now = (await relationship(extending.relationshipId, reseller)).body;
        return now.endsAt !== extending.endsAt ? now : undefined;
      },
      30_000,
      'the extension',
    );
    expect(extended).toMatchObject({ status: 'ACTIVE' });
    expect(Date.parse(extended.endsAt) - Date.parse(extending.endsAt)).toBe(180 * DAY_MS);
    expect((await usersOf(customer.orgId, reseller)).status).toBe(200);

    // 7 and 1 days ahead, each side was told once per relationship (P8D is too short for 30).
    const inbox = await emailsSince(since);
    const notices = (to: string, name: string) =>
      inbox.filter(
        (m) =>
          m.destination.to.includes(to) &&
          (m.body.text ?? '').includes(`"${name}"`) &&
          /finaliza el|se amplía el/.test(m.subject),
      );
    for (const to of [customer.email, reseller.email]) {
      expect(notices(to, 'Extends').map((m) => m.subject.includes('se amplía el'))).toEqual([true, true]);
      expect(notices(to, 'Ends')).toHaveLength(2);
    }
    // The ended one's end is emailed to both sides too.
    for (const to of [customer.email, reseller.email])
      await waitForEmail(to, { subject: endedSubject(reseller, customer), since });
  }, 60_000);

  it('makes the Default relationships when a customer accepts a combined invitation with delegatedAdmin', async () => {
    const provider = await indirectProvider();
    await linkProviderAndReseller(provider, reseller);
    // delegatedAdmin defaults to true on customer invitations.
    const customer = await acceptedCustomer(reseller, provider.orgId);
    const inbound = await eventually(
      async () => {
        const list = await call('GET', '/admin-relationships?direction=inbound', { token: customer.token });
        return list.body.items?.length === 2 ? list.body.items : undefined;
      },
      15_000,
      'the two Default relationships',
    );
    expect(
      inbound.map((r: { partner: { organizationId: string } }) => r.partner.organizationId).sort(),
    ).toEqual([provider.orgId, reseller.orgId].sort());
    for (const r of inbound) {
      expect(r).toMatchObject({
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
      });
      expect(Date.parse(r.endsAt) - Date.parse(r.activatedAt)).toBe(730 * DAY_MS);
    }
    // Both partners administer the customer at once; the customer can end either.
    for (const partner of [provider, reseller])
      expect((await usersOf(customer.orgId, partner)).status).toBe(200);
    const providers = inbound.find(
      (r: { partner: { organizationId: string } }) => r.partner.organizationId === provider.orgId,
    );
    const ended = await call('POST', `/admin-relationships/${providers.relationshipId}/terminate`, {
      token: customer.token,
    });
    expect(ended.status, JSON.stringify(ended.body)).toBe(200);
    expectProblem(await usersOf(customer.orgId, provider), 403, 'ADMIN_RELATIONSHIP_REQUIRED');
    expect((await usersOf(customer.orgId, reseller)).status).toBe(200);
    // Customer.delegatedAdmin follows: false for the provider from the next read, true for the reseller.
    const delegated = async (partner: Account) =>
      (await call('GET', `/customers/${customer.orgId}`, { token: partner.token })).body.delegatedAdmin;
    expect(await delegated(provider)).toBe(false);
    expect(await delegated(reseller)).toBe(true);
  }, 60_000);

  it('migrates invitations accepted before Default relationships existed (operators, one-off, safe to repeat)', async () => {
    const customer = await acceptedCustomer(reseller, undefined, { delegatedAdmin: true });
    await eventually(
      async () => ((await usersOf(customer.orgId, reseller)).status === 200 ? true : undefined),
      15_000,
      'the Default relationship',
    );
    const inbound = await call('GET', '/admin-relationships?direction=inbound', { token: customer.token });
    const made = inbound.body.items[0];
    expect(made).toMatchObject({ displayName: 'Default', status: 'ACTIVE' });
    // As before the feature: the acceptance is there, its Default is not.
    for (const key of [
      keys.adminRelationship(made.relationshipId),
      keys.adminGrant(reseller.orgId, customer.orgId, made.relationshipId),
      keys.adminName(reseller.orgId, customer.orgId, 'Default'),
    ])
      await dynamo.send(new DeleteCommand({ TableName: tableName, Key: key }));
    expectProblem(await usersOf(customer.orgId, reseller), 403, 'ADMIN_RELATIONSHIP_REQUIRED');

    // Every invitation accepted until now (this one's Default was made, so the stream is past the others).
    const decidedBefore = new Date().toISOString();
    const operator = await operatorToken();
    const migrate = async () => {
      const created: string[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 200; page++) {
        const query = new URLSearchParams({ limit: '1000', decidedBefore, ...(cursor ? { cursor } : {}) });
        const res = await call('POST', `/operator/migrations/default-admin-relationships?${query}`, {
          token: operator,
        });
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        created.push(...res.body.created);
        cursor = res.body.nextCursor;
        if (!cursor) return created;
      }
      throw new Error('the migration did not end');
    };
    // (Another file's acceptance still on its way through the stream may be made here too.)
    expect(await migrate()).toContain(made.relationshipId);
    const again = await relationship(made.relationshipId, reseller);
    expect(again.body).toMatchObject({
      displayName: 'Default',
      status: 'ACTIVE',
      activatedAt: made.activatedAt,
      endsAt: made.endsAt,
    });
    expect((await usersOf(customer.orgId, reseller)).status).toBe(200);
    // A second run makes nothing; a partner user is not an operator.
    expect(await migrate()).not.toContain(made.relationshipId);
    expectProblem(
      await call('POST', '/operator/migrations/default-admin-relationships', { token: reseller.token }),
      403,
      'FORBIDDEN',
    );
  }, 90_000);
});
