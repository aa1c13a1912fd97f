import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../functions/platform/data/table.ts';
import { approvedReseller, indirectProvider } from '../support/enrollment.ts';
import { type Account, PASSWORD, uniqueDomain, userWithRoles, verifiedAccount } from '../support/identity.ts';
import { linkStartingWith, waitForEmail } from '../support/mailbox.ts';
import { call, dynamo, eventually, runtime, tableName } from '../support/runtime.ts';

const item = async (key: { pk: string; sk: string }) =>
  (await dynamo.send(new GetCommand({ TableName: tableName, Key: key }))).Item;
const tokenOf = (link: string) => new URL(link).searchParams.get('token') ?? '';
const accept = (token: string, as: Account | { token: string }, authorize = true) =>
  call('POST', '/invitations/accept', { token: as.token, body: { token, authorize } });
const form = (path: string, fields: Record<string, string>) =>
  fetch(`${runtime.apiUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });

/** A provider's invitation to the reseller's admin, and the token from the emailed link. */
async function providerInvites(provider: Account, email: string, message?: string) {
  const res = await call('POST', '/indirect-resellers/invitations', {
    token: provider.token,
    body: { email, ...(message ? { message } : {}) },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const mail = await waitForEmail(email, { subject: new RegExp(provider.domain.split('.')[0] ?? '') });
  return {
    invitationId: res.body.invitationId as string,
    token: tokenOf(linkStartingWith(mail, `${runtime.apiUrl}/invitations/accept?token=`)),
    body: res.body,
  };
}

describe('indirect provider ↔ reseller', () => {
  let provider: Account;
  let reseller: Account;
  beforeAll(async () => {
    [provider, reseller] = await Promise.all([indirectProvider(), approvedReseller()]);
  }, 60_000);

  it('invites by email; the page says what accepting grants; GET and HEAD change nothing; accepting links both lists', async () => {
    const { invitationId, token, body } = await providerInvites(provider, reseller.email, 'Welcome aboard!');
    expect(body).toEqual({ invitationId, status: 'PENDING', expiresAt: expect.any(String) });
    expect(Date.parse(body.expiresAt) - Date.now()).toBeGreaterThan(13.9 * 86_400_000);
    const before = await item(keys.invitation(invitationId));

    const agents = [
      'Mozilla/5.0 (compatible; Barracuda Sentinel)',
      'Microsoft Office/16.0 (SafeLinks)',
      'Proofpoint URL Defense',
      'curl/8.0',
    ];
    for (let i = 0; i < 20; i++) {
      const method = i % 2 === 0 ? 'GET' : 'HEAD';
      const res = await fetch(`${runtime.apiUrl}/invitations/accept?token=${token}`, {
        method,
        headers: { 'user-agent': agents[i % agents.length] ?? '' },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      if (method === 'GET') {
        const html = await res.text();
        expect(html.indexOf('admin access to your organization')).toBeGreaterThan(-1);
        expect(html.indexOf('admin access to your organization')).toBeLessThan(
          html.indexOf('type="checkbox"'),
        );
        expect(html).toContain('Welcome aboard!');
        expect(html).not.toContain('<script');
      }
    }
    expect(await item(keys.invitation(invitationId))).toEqual(before);

    const accepted = await accept(token, reseller);
    expect(accepted.status).toBe(200);
    expect(accepted.body).toEqual({ status: 'ACCEPTED', invitationId });

    const providers = await call('GET', '/indirect-providers', { token: reseller.token });
    expect(providers.body.items).toEqual([
      {
        organizationId: provider.orgId,
        name: `Distributor ${provider.domain}`,
        domain: provider.domain,
        country: 'ES',
        since: expect.any(String),
      },
    ]);
    const resellers = await call('GET', '/indirect-resellers', { token: provider.token });
    expect(resellers.body.items.map((r: { organizationId: string }) => r.organizationId)).toContain(
      reseller.orgId,
    );

    expect((await accept(token, reseller)).body.code).toBe('LINK_USED');
    const sent = await call('GET', '/invitations?direction=sent&status=ACCEPTED', { token: provider.token });
    expect(sent.body.items.map((i: { invitationId: string }) => i.invitationId)).toContain(invitationId);
    const received = await call('GET', '/invitations?direction=received', { token: reseller.token });
    expect(
      received.body.items.find((i: { invitationId: string }) => i.invitationId === invitationId)?.status,
    ).toBe('ACCEPTED');
  });

  it('refuses the wrong people with the contract’s codes', async () => {
    const other = await approvedReseller();
    const { token } = await providerInvites(provider, `boss@${other.domain}`);
    expect((await call('POST', '/invitations/accept', { body: { token, authorize: true } })).status).toBe(
      401,
    );
    expect((await accept(token, other, false)).body.code).toBe('AUTHORIZATION_NOT_CONFIRMED');
    const stranger = await approvedReseller();
    const notForYou = await accept(token, stranger);
    expect(notForYou.status).toBe(403);
    expect(notForYou.body.code).toBe('INVITATION_NOT_FOR_YOU');
    const agent = await userWithRoles(other.token, other.domain, 'ADMIN_AGENT', 'NONE');
    const notAdmin = await accept(token, agent);
    expect(notAdmin.status).toBe(403);
    expect(notAdmin.body.code).toBe('FORBIDDEN');
    expect((await accept(token, provider)).body.code).toBe('INVITATION_NOT_FOR_YOU');

    const plain = await verifiedAccount();
    const { token: plainToken } = await providerInvites(provider, plain.email);
    const notReseller = await accept(plainToken, plain);
    expect(notReseller.status).toBe(422);
    expect(notReseller.body.code).toBe('NOT_A_RESELLER');
    expect((await accept(token, other)).status).toBe(200);
  });

  it('answers LINK_INVALID, LINK_EXPIRED; cancel and resend belong to the sender', async () => {
    expect((await accept('x'.repeat(43), reseller)).body.code).toBe('LINK_INVALID');
    const target = await approvedReseller();
    const first = await providerInvites(provider, target.email);
    // 14 days later (checked on read; TTL deletion is only eventual):
    await dynamo.send(
      new UpdateCommand({
        TableName: tableName,
        Key: keys.invitation(first.invitationId),
        UpdateExpression: 'SET expiresAt = :past',
        ExpressionAttributeValues: { ':past': Math.floor(Date.now() / 1000) - 1 },
      }),
    );
    const expired = await accept(first.token, target);
    expect(expired.status).toBe(410);
    expect(expired.body.code).toBe('LINK_EXPIRED');
    expect((await fetch(`${runtime.apiUrl}/invitations/accept?token=${first.token}`)).status).toBe(410);
    expect(
      (
        await call('GET', '/invitations?direction=sent&status=EXPIRED', { token: provider.token })
      ).body.items.map((i: { invitationId: string }) => i.invitationId),
    ).toContain(first.invitationId);
    expect(
      (await call('POST', `/invitations/${first.invitationId}/cancel`, { token: provider.token })).body.code,
    ).toBe('INVITATION_NOT_PENDING');

    const second = await providerInvites(provider, target.email);
    expect(
      (await call('POST', `/invitations/${second.invitationId}/cancel`, { token: target.token })).status,
    ).toBe(404);
    const resent = await call('POST', `/invitations/${second.invitationId}/resend`, {
      token: provider.token,
    });
    expect(resent.status).toBe(200);
    const newMail = await waitForEmail(target.email, { subject: /./ });
    const newToken = tokenOf(linkStartingWith(newMail, `${runtime.apiUrl}/invitations/accept?token=`));
    expect(newToken).not.toBe(second.token);
    expect((await accept(second.token, target)).body.code).toBe('LINK_INVALID');
    const canceled = await call('POST', `/invitations/${second.invitationId}/cancel`, {
      token: provider.token,
    });
    expect(canceled.status).toBe(200);
    expect((await accept(newToken, target)).body.code).toBe('LINK_INVALID');
    const again = await call('POST', `/invitations/${second.invitationId}/resend`, { token: provider.token });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('INVITATION_NOT_PENDING');
  });

  it('declines from the page form, and only providers invite resellers', async () => {
    const target = await approvedReseller();
    const { token, invitationId } = await providerInvites(provider, target.email);
    const wrong = await form('/invitations/decline', {
      token,
      email: target.email,
      password: 'Wrong-Passw0rd1',
    });
    expect(wrong.status).toBe(401);
    const declined = await form('/invitations/decline', { token, email: target.email, password: PASSWORD });
    expect(declined.status).toBe(200);
    expect(await declined.text()).toContain('Invitation declined');
    expect((await item(keys.invitation(invitationId)))?.status).toBe('DECLINED');
    expect((await call('GET', '/indirect-providers', { token: target.token })).body.items).toEqual([]);
    const notProvider = await call('POST', '/indirect-resellers/invitations', {
      token: target.token,
      body: { email: `x@${uniqueDomain()}` },
    });
    expect(notProvider.status).toBe(422);
    expect(notProvider.body.code).toBe('NOT_AN_INDIRECT_PROVIDER');
  });

  it('lets exactly one of 50 parallel accepts win', async () => {
    const target = await approvedReseller();
    const rival = await indirectProvider();
    const { token } = await providerInvites(rival, target.email);
    const results = await Promise.all(Array.from({ length: 50 }, () => accept(token, target)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409 && r.body.code === 'LINK_USED')).toHaveLength(49);
    const providers = await call('GET', '/indirect-providers', { token: target.token });
    expect(providers.body.items).toHaveLength(1);
  });

  it('limits an organization to 50 invitations an hour', async () => {
    const busy = await indirectProvider();
    const statuses: number[] = [];
    for (let i = 0; i < 51; i++) {
      const res = await call('POST', '/indirect-resellers/invitations', {
        token: busy.token,
        body: { email: `r${i}@${uniqueDomain()}` },
      });
      statuses.push(res.status);
      if (res.status === 429) expect(res.body.code).toBe('RATE_LIMITED');
    }
    expect(statuses.filter((s) => s === 201)).toHaveLength(50);
    expect(statuses.at(-1)).toBe(429);
  });
});

describe('reseller ↔ customer', () => {
  let reseller: Account;
  let provider: Account;
  beforeAll(async () => {
    [reseller, provider] = await Promise.all([approvedReseller(), indirectProvider()]);
    const { token } = await providerInvites(provider, reseller.email);
    expect((await accept(token, reseller)).status).toBe(200);
  }, 60_000);

  it('returns a personalized link and a draft email; the customer accepts from the page form', async () => {
    const customer = await verifiedAccount();
    const res = await call('POST', '/customers/relationship-requests', {
      token: reseller.token,
      body: { customerEmail: customer.email },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      invitationId: expect.any(String),
      status: 'PENDING',
      link: expect.stringContaining('/invitations/accept?token='),
    });
    expect(res.body.draftEmail.text).toContain(res.body.link);
    expect(res.body.draftEmail.subject).toEqual(expect.any(String));

    const page = await fetch(res.body.link);
    expect(await page.text()).toContain('delegated administration');
    const done = await form('/invitations/accept', {
      token: tokenOf(res.body.link),
      authorize: 'on',
      email: customer.email,
      password: PASSWORD,
    });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('Invitation accepted');

    // delegatedAdmin is true once the "Default" admin relationship the acceptance asked for is
    // there: the stream consumer makes it a moment after the acceptance.
    const row = await eventually(
      async () => {
        const list = await call('GET', '/customers', { token: reseller.token });
        const found = list.body.items.find((c: { customerId: string }) => c.customerId === customer.orgId);
        return found?.delegatedAdmin ? found : undefined;
      },
      15_000,
      'the Default admin relationship',
    );
    expect(row).toEqual({
      customerId: customer.orgId,
      name: `Org ${customer.domain}`,
      domain: customer.domain,
      country: 'ES',
      delegatedAdmin: true,
      since: expect.any(String),
      status: 'ACTIVE',
    });
    expect((await call('GET', `/customers/${customer.orgId}`, { token: reseller.token })).body).toEqual(row);
  });

  it('emails the request when asked, without delegated admin when not wanted', async () => {
    const customer = await verifiedAccount();
    const res = await call('POST', '/customers/relationship-requests', {
      token: reseller.token,
      body: { customerEmail: customer.email, delegatedAdmin: false, send: true, locale: 'es-ES' },
    });
    expect(res.status).toBe(201);
    const mail = await waitForEmail(customer.email, { subject: /./ });
    expect(linkStartingWith(mail, `${runtime.apiUrl}/invitations/accept?token=`)).toBe(res.body.link);
    expect(mail.body.html).toContain('lang="es"');
    expect((await accept(tokenOf(res.body.link), customer)).status).toBe(200);
    const row = (await call('GET', `/customers/${customer.orgId}`, { token: reseller.token })).body;
    expect(row.delegatedAdmin).toBe(false);
  });

  it('invites a customer to both the reseller and its provider; both see the shared customer', async () => {
    const customer = await verifiedAccount();
    const res = await call('POST', `/indirect-providers/${provider.orgId}/customer-invitations`, {
      token: reseller.token,
      body: { customerEmail: customer.email },
    });
    expect(res.status).toBe(201);
    const html = await (await fetch(res.body.link)).text();
    expect(html).toContain(`Org ${reseller.domain}`);
    expect(html).toContain(`Distributor ${provider.domain}`);
    expect((await accept(tokenOf(res.body.link), customer)).status).toBe(200);

    const fromReseller = await call('GET', `/indirect-providers/${provider.orgId}/customers`, {
      token: reseller.token,
    });
    expect(fromReseller.status).toBe(200);
    expect(fromReseller.body.items.map((c: { customerId: string }) => c.customerId)).toEqual([
      customer.orgId,
    ]);
    const fromProvider = await call('GET', `/indirect-resellers/${reseller.orgId}/customers`, {
      token: provider.token,
    });
    expect(fromProvider.body.items.map((c: { customerId: string }) => c.customerId)).toEqual([
      customer.orgId,
    ]);
    expect(
      (await call('GET', `/customers/${customer.orgId}`, { token: reseller.token })).body.indirectProviderId,
    ).toBe(provider.orgId);
  });

  it('lets a second reseller share the same customer with the same provider', async () => {
    const customer = await verifiedAccount();
    const first = await call('POST', `/indirect-providers/${provider.orgId}/customer-invitations`, {
      token: reseller.token,
      body: { customerEmail: customer.email },
    });
    expect((await accept(tokenOf(first.body.link), customer)).status).toBe(200);
    const partnerRow = async (partnerId: string) =>
      (
        await dynamo.send(
          new GetCommand({
            TableName: tableName,
            Key: keys.relationship(customer.orgId, 'PARTNER', partnerId),
          }),
        )
      ).Item;
    const providerRowBefore = await partnerRow(provider.orgId);
    expect(providerRowBefore).toBeDefined();

    const second = await approvedReseller();
    const { token: link } = await providerInvites(provider, second.email);
    expect((await accept(link, second)).status).toBe(200);
    const again = await call('POST', `/indirect-providers/${provider.orgId}/customer-invitations`, {
      token: second.token,
      body: { customerEmail: customer.email },
    });
    expect(again.status).toBe(201);
    const accepted = await accept(tokenOf(again.body.link), customer);
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);

    // The provider has the customer through each reseller; each reseller sees it shared.
    for (const r of [reseller, second]) {
      const fromProvider = await call('GET', `/indirect-resellers/${r.orgId}/customers`, {
        token: provider.token,
      });
      expect(fromProvider.body.items.map((c: { customerId: string }) => c.customerId)).toContain(
        customer.orgId,
      );
      const fromReseller = await call('GET', `/customers/${customer.orgId}`, { token: r.token });
      expect(fromReseller.body.indirectProviderId).toBe(provider.orgId);
    }
    // The customer's row for the provider is the first one, kept as it was; the second reseller has its own.
    expect(await partnerRow(provider.orgId)).toEqual(providerRowBefore);
    expect(await partnerRow(second.orgId)).toMatchObject({ organizationId: second.orgId });
  }, 90_000);

  it('needs an active link with the provider (404 otherwise)', async () => {
    const stranger = await indirectProvider();
    const res = await call('POST', `/indirect-providers/${stranger.orgId}/customer-invitations`, {
      token: reseller.token,
      body: { customerEmail: `a@${uniqueDomain()}` },
    });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('NOT_FOUND');
    expect(
      (await call('GET', `/indirect-providers/${stranger.orgId}/customers`, { token: reseller.token }))
        .status,
    ).toBe(404);
    expect(
      (await call('GET', `/indirect-resellers/${reseller.orgId}/customers`, { token: stranger.token }))
        .status,
    ).toBe(404);
  });

  it("never shows a reseller another reseller's customers", async () => {
    const rival = await approvedReseller();
    const customer = await verifiedAccount();
    const res = await call('POST', '/customers/relationship-requests', {
      token: reseller.token,
      body: { customerEmail: customer.email },
    });
    expect((await accept(tokenOf(res.body.link), customer)).status).toBe(200);
    expect((await call('GET', `/customers/${customer.orgId}`, { token: rival.token })).status).toBe(404);
    expect((await call('GET', '/customers?limit=100', { token: rival.token })).body.items).toEqual([]);
    const notReseller = await call('POST', '/customers/relationship-requests', {
      token: customer.token,
      body: { customerEmail: `a@${uniqueDomain()}` },
    });
    expect(notReseller.status).toBe(422);
    expect(notReseller.body.code).toBe('NOT_A_RESELLER');
  });
});
