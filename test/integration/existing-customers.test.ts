import { beforeAll, describe, expect, it } from 'vitest';
import { enrolledAsReseller } from '../support/enrollment.ts';
import { type Account, uniqueDomain, userWithRoles, verifiedAccount } from '../support/identity.ts';
import { linkStartingWith, waitForEmail } from '../support/mailbox.ts';
import { expectProblem } from '../support/problems.ts';
import { accept, allPages, tokenOf } from '../support/relationships.ts';
import { call, eventually, runtime } from '../support/runtime.ts';

/**
 * API.md "Existing customers": an MPN profile's existing customers appear on the reseller's
 * GET /customers once its enrollment is approved — with a relationship where the domain's
 * organization is here, else NOT_ON_PLATFORM with a one-call invitation.
 */
describe('existing customers carried over at enrollment approval', () => {
  let reseller: Account;
  let onPlatform: Account;
  const legacyDomain = uniqueDomain('legacy');
  let legacyId: string;
  const customers = (as: Account) => allPages('/customers', as.token, 100);

  beforeAll(async () => {
    onPlatform = await verifiedAccount();
    const account = await verifiedAccount();
    reseller = await enrolledAsReseller(account, {
      existingCustomers: [
        { name: 'Known As Something Else', domain: onPlatform.domain, country: 'ES' },
        { name: 'Legacy Ltd', domain: legacyDomain, country: 'PT' },
        // The same customer twice (any case), and the reseller itself: one entry, and none.
        { name: 'Legacy Ltd', domain: legacyDomain.toUpperCase(), country: 'PT' },
        { name: 'Ourselves', domain: account.domain, country: 'ES' },
      ],
    });
    const listed = await eventually(
      async () => {
        const items = await customers(reseller);
        return items.length >= 2 ? items : undefined;
      },
      15_000,
      'the existing customers on the reseller’s list',
    );
    legacyId = String(listed.find((c) => c.domain === legacyDomain)?.customerId);
  }, 120_000);

  it('lists both: a relationship with the organization that is here, and the one that is not', async () => {
    const items = await customers(reseller);
    expect(items).toHaveLength(2);
    expect(items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          customerId: onPlatform.orgId,
          name: `Org ${onPlatform.domain}`,
          domain: onPlatform.domain,
          delegatedAdmin: false,
          status: 'ACTIVE',
        }),
        expect.objectContaining({
          customerId: legacyId,
          name: 'Legacy Ltd',
          domain: legacyDomain,
          country: 'PT',
          delegatedAdmin: false,
          status: 'NOT_ON_PLATFORM',
        }),
      ]),
    );
    const one = await call('GET', `/customers/${legacyId}`, { token: reseller.token });
    expect(one.status).toBe(200);
    expect(one.body.status).toBe('NOT_ON_PLATFORM');
  });

  it('the organization that is here is told by email (in its language) how to end it', async () => {
    const mail = await waitForEmail(onPlatform.email, { subject: /es ahora su partner/ });
    expect(mail.subject).toBe(`Org ${reseller.domain} es ahora su partner en la plataforma`);
    expect(mail.body.text).toContain(`DELETE /partners/${reseller.orgId}`);
  });

  it('the organization that is here sees the carry-over in its inbound log, done by the platform', async () => {
    const inbound = await allPages('/activity?direction=inbound', onPlatform.token, 100);
    expect(inbound).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          operation: 'EXISTING_CUSTOMER_ADDED',
          organizationId: reseller.orgId,
          customerId: onPlatform.orgId,
          actor: { kind: 'SYSTEM' },
        }),
      ]),
    );
  });

  it('an entry not on the platform is no relationship: 404 under it, and for everyone else', async () => {
    for (const path of [
      `/customers/${legacyId}/subscriptions`,
      `/customers/${legacyId}/orders`,
      `/customers/${legacyId}/users`,
    ])
      expectProblem(await call('GET', path, { token: reseller.token }), 404, 'NOT_FOUND');
    expectProblem(
      await call('POST', `/customers/${legacyId}/admin-relationships`, {
        token: reseller.token,
        body: { displayName: 'Ops', roles: ['DIRECTORY_READER'], duration: 'P30D' },
      }),
      404,
      'NOT_FOUND',
    );
    const stranger = await verifiedAccount();
    expectProblem(await call('GET', `/customers/${legacyId}`, { token: stranger.token }), 404, 'NOT_FOUND');
  });

  it('refuses an invitation to another domain, to a connected customer, and from a role without the permission', async () => {
    expectProblem(
      await call('POST', `/customers/${legacyId}/invite`, {
        token: reseller.token,
        body: { customerEmail: `ana@${uniqueDomain()}` },
      }),
      422,
      'EMAIL_DOMAIN_MISMATCH',
      'body.customerEmail',
    );
    expectProblem(
      await call('POST', `/customers/${onPlatform.orgId}/invite`, {
        token: reseller.token,
        body: { customerEmail: onPlatform.email },
      }),
      409,
      'ALREADY_CONNECTED',
    );
    const helpdesk = await userWithRoles(reseller.token, reseller.domain, 'HELPDESK_AGENT', 'NONE');
    expectProblem(
      await call('POST', `/customers/${legacyId}/invite`, {
        token: helpdesk.token,
        body: { customerEmail: `ana@${legacyDomain}` },
      }),
      403,
      'FORBIDDEN',
    );
  });

  it('is invited in one call; once the customer joins and accepts, the entry becomes the relationship', async () => {
    const invited = await call('POST', `/customers/${legacyId}/invite`, {
      token: reseller.token,
      body: { customerEmail: `ada@${legacyDomain}` },
    });
    expect(invited.status, JSON.stringify(invited.body)).toBe(201);
    expect(invited.body).toMatchObject({ status: 'PENDING', invitationId: expect.any(String) });
    // Sent by default: the one call is the invitation.
    const mail = await waitForEmail(`ada@${legacyDomain}`);
    const link = linkStartingWith(mail, `${runtime.apiUrl}/invitations/accept?token=`);
    expect(tokenOf(link)).toBe(tokenOf(invited.body.link));

    const joined = await verifiedAccount(legacyDomain);
    expect(joined.email).toBe(`ada@${legacyDomain}`);
    const accepted = await accept(tokenOf(link), joined);
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);

    const items = await customers(reseller);
    expect(items.map((c) => [c.customerId, c.status]).sort()).toEqual(
      [
        [onPlatform.orgId, 'ACTIVE'],
        [joined.orgId, 'ACTIVE'],
      ].sort(),
    );
    expectProblem(await call('GET', `/customers/${legacyId}`, { token: reseller.token }), 404, 'NOT_FOUND');
  });
});
