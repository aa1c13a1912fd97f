import { beforeEach, describe, expect, it } from 'vitest';
import type { OrganizationRecord, Principal } from '../../../functions/identity/domain/model.ts';
import {
  DAY_SECONDS,
  hashLinkToken,
  INVITATION_LINK_TTL_SECONDS,
} from '../../../functions/platform/links/links.ts';
import { customerRows } from '../../../functions/relationships/domain/access.ts';
import {
  carryOverExistingCustomers,
  inviteExistingCustomer,
} from '../../../functions/relationships/domain/existing.ts';
import {
  acceptInvitation,
  cancelInvitation,
  customerOf,
  declineInvitation,
  INVITATIONS_PER_HOUR,
  inviteReseller,
  listCustomers,
  listInvitations,
  listPartners,
  listSharedCustomers,
  type RelationshipDeps,
  requestCustomerRelationship,
  resendInvitation,
  viewInvitation,
} from '../../../functions/relationships/domain/invitations.ts';
import { existingCustomerId } from '../../../functions/relationships/domain/model.ts';
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
import { expectCode } from '../fakes/expect-code.ts';
import { tokenOf } from '../fakes/mailer.ts';

const T0_SECONDS = T0.getTime() / 1000;
const ACCEPT = `${PUBLIC_BASE_URL}/invitations/accept?token=`;
const IN_14_DAYS = new Date((T0_SECONDS + INVITATION_LINK_TTL_SECONDS) * 1000).toISOString();

let p: FakePorts;
let deps: RelationshipDeps;
/** Global admins of an indirect provider, a reseller, a would-be customer and an organization that is neither. */
let provider: Principal;
let reseller: Principal;
let customer: Principal;
let other: Principal;
let contoso: OrganizationRecord;

beforeEach(async () => {
  p = fakePorts();
  deps = relationshipDeps(p);
  provider = (await addOrganization(p, 'fabrikam', ['INDIRECT_PROVIDER'])).admin;
  ({ org: contoso, admin: reseller } = await addOrganization(p, 'contoso', ['RESELLER']));
  customer = (await addOrganization(p, 'tailspin')).admin;
  other = (await addOrganization(p, 'woodgrove')).admin;
});

/** The provider invites `email`; the token of the emailed link. */
async function providerInvites(email = reseller.user.email) {
  const { invitationId } = await inviteReseller(deps, provider, { email, message: 'Let us work together.' });
  return { invitationId, token: tokenOf(p.mailer.linkTo(email, ACCEPT)) };
}

/** The reseller accepted the provider's invitation: an active provider–reseller link. */
async function connected() {
  const { token } = await providerInvites();
  await acceptInvitation(deps, token, reseller, true);
}

/** The reseller asks the customer for a relationship (optionally with the provider); the link's token. */
async function customerRequest(opts: { providerId?: string; customerEmail?: string } = {}) {
  const body = await requestCustomerRelationship(
    deps,
    reseller,
    { customerEmail: opts.customerEmail ?? customer.user.email, delegatedAdmin: true, send: false },
    opts.providerId ? { providerId: opts.providerId } : {},
  );
  return { ...body, token: tokenOf(body.link) };
}

const invitation = (id: string) => p.relationships.invitations.get(id);
const partnerRow = (orgId: string) => ({
  organizationId: orgId,
  name: `Org ${orgId}`,
  domain: `${orgId}.example`,
  country: 'ES',
  since: T0.toISOString(),
});

/** Microtask turns until `condition` holds (a concurrent call reached a point); no real time passes. */
async function until(condition: () => boolean) {
  for (let i = 0; i < 1000 && !condition(); i++) await Promise.resolve();
  expect(condition()).toBe(true);
}

describe('inviteReseller', () => {
  it('writes a pending invitation and its 14-day link, and emails the link to the invitee', async () => {
    const result = await inviteReseller(deps, provider, { email: 'ada@contoso.example', message: 'Hello!' });

    expect(result).toEqual({ invitationId: expect.any(String), status: 'PENDING', expiresAt: IN_14_DAYS });
    const mail = p.mailer.to('ada@contoso.example');
    expect(mail.map((m) => m.subject)).toEqual(['Org fabrikam invites you to become its indirect reseller']);
    expect(mail[0]?.text).toContain('Hello!');
    const token = tokenOf(p.mailer.linkTo('ada@contoso.example', ACCEPT));
    expect(invitation(result.invitationId)).toEqual({
      id: result.invitationId,
      kind: 'PROVIDER_RESELLER',
      from: { id: 'fabrikam', name: 'Org fabrikam', domain: 'fabrikam.example' },
      email: 'ada@contoso.example',
      domain: 'contoso.example',
      message: 'Hello!',
      delegatedAdmin: false,
      locale: 'en-US',
      status: 'PENDING',
      tokenHash: hashLinkToken(token),
      createdAt: T0.toISOString(),
      expiresAt: T0_SECONDS + INVITATION_LINK_TTL_SECONDS,
    });
    expect(p.identity.links.get(hashLinkToken(token))).toEqual({
      tokenHash: hashLinkToken(token),
      kind: 'INVITATION',
      orgId: 'fabrikam',
      invitationId: result.invitationId,
      createdAt: T0.toISOString(),
      expiresAt: T0_SECONDS + INVITATION_LINK_TTL_SECONDS,
    });
    expect(tableDump(p).join()).not.toContain(token);
  });

  it('is for indirect providers (NOT_AN_INDIRECT_PROVIDER), to other organizations (INVITATION_TO_OWN_ORGANIZATION)', async () => {
    const before = tableDump(p);

    await expectCode(
      'NOT_AN_INDIRECT_PROVIDER',
      inviteReseller(deps, reseller, { email: 'ada@tailspin.example' }),
    );
    await expectCode(
      'INVITATION_TO_OWN_ORGANIZATION',
      inviteReseller(deps, provider, { email: 'eva@fabrikam.example' }),
    );
    await expectCode(
      'INVITATION_TO_OWN_ORGANIZATION',
      inviteReseller(deps, provider, { email: 'eva@eu.fabrikam.example' }),
    );

    expect(tableDump(p)).toEqual(before);
    expect(p.mailer.sent).toEqual([]);
  });

  it('sends at most 50 an hour per organization (RATE_LIMITED until the hour ends)', async () => {
    p.clock.advance(30 * 60);
    for (let i = 0; i < INVITATIONS_PER_HOUR; i++)
      await inviteReseller(deps, provider, { email: `r${i}@contoso.example` });
    const before = tableDump(p);

    const limited = await expectCode(
      'RATE_LIMITED',
      inviteReseller(deps, provider, { email: 'late@contoso.example' }),
    );

    expect(limited.retryAfterSeconds).toBe(30 * 60);
    expect(limited.detail).toContain('in 30 minutes');
    expect(tableDump(p)).toEqual(before);
    expect(p.mailer.sent).toHaveLength(INVITATIONS_PER_HOUR);
    p.clock.advance(30 * 60);
    expect((await inviteReseller(deps, provider, { email: 'late@contoso.example' })).status).toBe('PENDING');
  });

  it('is NOT_FOUND when the caller’s organization no longer exists', async () => {
    p.identity.organizations.delete('fabrikam');

    await expectCode('NOT_FOUND', inviteReseller(deps, provider, { email: 'ada@contoso.example' }));
    expect(p.relationships.invitations.size).toBe(0);
  });
});

describe('requestCustomerRelationship', () => {
  it('answers the link and a draft email, and sends nothing unless asked', async () => {
    const body = await customerRequest();

    expect(body).toEqual({
      invitationId: expect.any(String),
      status: 'PENDING',
      expiresAt: IN_14_DAYS,
      link: expect.stringContaining(ACCEPT),
      draftEmail: {
        subject: 'Org contoso asks to become your Cloud Solution Provider',
        text: expect.any(String),
      },
      token: expect.any(String),
    });
    expect(body.draftEmail.text).toContain(body.link);
    expect(invitation(body.invitationId)).toMatchObject({
      kind: 'RESELLER_CUSTOMER',
      from: { id: 'contoso' },
      email: 'ada@tailspin.example',
      domain: 'tailspin.example',
      delegatedAdmin: true,
      tokenHash: hashLinkToken(body.token),
    });
    expect(p.mailer.sent).toEqual([]);

    const sent = await requestCustomerRelationship(deps, reseller, {
      customerEmail: 'ada@tailspin.example',
      delegatedAdmin: false,
      send: true,
      locale: 'es-ES',
    });
    expect(p.mailer.to('ada@tailspin.example').map((m) => m.subject)).toEqual([
      'Org contoso solicita ser su proveedor de soluciones en la nube',
    ]);
    expect(p.mailer.sent[0]?.text).toContain(sent.link);
  });

  it('is for resellers (NOT_A_RESELLER), to other organizations', async () => {
    const before = tableDump(p);

    await expectCode(
      'NOT_A_RESELLER',
      requestCustomerRelationship(deps, provider, {
        customerEmail: 'ada@tailspin.example',
        delegatedAdmin: true,
        send: false,
      }),
    );
    await expectCode(
      'INVITATION_TO_OWN_ORGANIZATION',
      customerRequest({ customerEmail: 'bob@contoso.example' }),
    );

    expect(tableDump(p)).toEqual(before);
  });

  it('names a provider only with an active link to it (NOT_FOUND), and never for the provider’s own domain', async () => {
    await expectCode('NOT_FOUND', customerRequest({ providerId: 'fabrikam' }));
    await connected();
    await expectCode(
      'INVITATION_TO_OWN_ORGANIZATION',
      customerRequest({ providerId: 'fabrikam', customerEmail: 'eva@fabrikam.example' }),
    );

    const body = await customerRequest({ providerId: 'fabrikam' });

    expect(invitation(body.invitationId)).toMatchObject({
      kind: 'RESELLER_PROVIDER_CUSTOMER',
      from: { id: 'contoso' },
      provider: { id: 'fabrikam', name: 'Org fabrikam', domain: 'fabrikam.example' },
    });
    expect(body.draftEmail.subject).toBe(
      'Org contoso and Org fabrikam ask to become your Cloud Solution Providers',
    );
  });

  it('with an Idempotency-Key: the key with another request is refused; a replay while the first still sends waits', async () => {
    const request = { customerEmail: 'ada@tailspin.example', delegatedAdmin: true, send: true };
    const release = p.mailer.hold();
    const first = requestCustomerRelationship(deps, reseller, request, { idempotencyKey: 'k-1' });
    await until(() => p.relationships.invitations.size === 1);

    await expectCode(
      'IDEMPOTENCY_IN_PROGRESS',
      requestCustomerRelationship(deps, reseller, request, { idempotencyKey: 'k-1' }),
    );
    await expectCode(
      'IDEMPOTENCY_KEY_REUSED',
      requestCustomerRelationship(
        deps,
        reseller,
        { ...request, delegatedAdmin: false },
        { idempotencyKey: 'k-1' },
      ),
    );
    release();
    const answer = await first;

    expect(await requestCustomerRelationship(deps, reseller, request, { idempotencyKey: 'k-1' })).toEqual(
      answer,
    );
    expect(p.mailer.sent).toHaveLength(1);
    expect(p.relationships.invitations.size).toBe(1);
  });
});

describe('viewing and answering an invitation', () => {
  it('shows the invitation without changing anything', async () => {
    const { invitationId, token } = await providerInvites();
    const before = tableDump(p);

    expect((await viewInvitation(deps, token)).id).toBe(invitationId);
    expect(tableDump(p)).toEqual(before);
  });

  it('accepted by a global admin of the reseller, links provider and reseller once', async () => {
    const { invitationId, token } = await providerInvites();
    p.clock.advance(3600);
    const at = p.clock.now().toISOString();

    const accepted = await acceptInvitation(deps, token, reseller, true);

    expect(accepted).toMatchObject({ status: 'ACCEPTED', invitationId });
    expect(invitation(invitationId)).toMatchObject({
      status: 'ACCEPTED',
      decidedAt: at,
      acceptedBy: { id: 'contoso', name: 'Org contoso', domain: 'contoso.example' },
    });
    const since = { since: at };
    expect((await listPartners(deps, reseller, 'providers', 25)).items).toEqual([
      { ...partnerRow('fabrikam'), ...since },
    ]);
    expect((await listPartners(deps, provider, 'resellers', 25)).items).toEqual([
      { ...partnerRow('contoso'), ...since },
    ]);
    expect((await listPartners(deps, reseller, 'resellers', 25)).items).toEqual([]);

    await expectCode('LINK_USED', acceptInvitation(deps, token, reseller, true));
    await expectCode('LINK_USED', declineInvitation(deps, token, reseller));
    await expectCode('LINK_USED', viewInvitation(deps, token));
  });

  it('is answered on a subdomain address by the organization of the parent domain', async () => {
    const { token } = await providerInvites('ops@eu.contoso.example');

    expect((await acceptInvitation(deps, token, reseller, true)).status).toBe('ACCEPTED');
  });

  it('refuses an answer without the authorization, from another organization, from a non-admin, from a non-reseller', async () => {
    const { token } = await providerInvites();
    const agent = await addUser(p, contoso, 'hugo', 'ADMIN_AGENT', 'NONE');
    const { token: toOther } = await providerInvites(other.user.email);
    const before = tableDump(p);

    await expectCode('AUTHORIZATION_NOT_CONFIRMED', acceptInvitation(deps, token, reseller, false));
    await expectCode('INVITATION_NOT_FOR_YOU', acceptInvitation(deps, token, customer, true));
    await expectCode('INVITATION_NOT_FOR_YOU', declineInvitation(deps, token, customer));
    // Nor the inviting organization itself, whatever the address.
    await expectCode('INVITATION_NOT_FOR_YOU', acceptInvitation(deps, token, provider, true));
    const forbidden = await expectCode('FORBIDDEN', acceptInvitation(deps, token, agent, true));
    expect(forbidden.detail).toContain('global admin');
    await expectCode('FORBIDDEN', declineInvitation(deps, token, agent));
    await expectCode('NOT_A_RESELLER', acceptInvitation(deps, toOther, other, true));

    expect(tableDump(p)).toEqual(before);
  });

  it('answers the link errors: unknown (LINK_INVALID), 14 days on (LINK_EXPIRED)', async () => {
    const { token } = await providerInvites();

    await expectCode('LINK_INVALID', viewInvitation(deps, 'no-such-token'));
    await expectCode('LINK_INVALID', acceptInvitation(deps, 'no-such-token', reseller, true));
    p.clock.advance(INVITATION_LINK_TTL_SECONDS - 1);
    expect((await viewInvitation(deps, token)).status).toBe('PENDING');
    p.clock.advance(1);
    await expectCode('LINK_EXPIRED', viewInvitation(deps, token));
    await expectCode('LINK_EXPIRED', acceptInvitation(deps, token, reseller, true));
    await expectCode('LINK_EXPIRED', declineInvitation(deps, token, reseller));
    expect((await listPartners(deps, reseller, 'providers', 25)).items).toEqual([]);
  });

  it('declined, records who declined, writes no relationship, and cannot be accepted after', async () => {
    const { invitationId, token } = await providerInvites();

    expect(await declineInvitation(deps, token, reseller)).toMatchObject({
      status: 'DECLINED',
      invitationId,
    });

    expect(invitation(invitationId)).toMatchObject({
      status: 'DECLINED',
      decidedAt: T0.toISOString(),
      acceptedBy: { id: 'contoso' },
    });
    await expectCode('LINK_USED', acceptInvitation(deps, token, reseller, true));
    expect(p.relationships.rows.get('contoso')).toBeUndefined();
  });

  it('lets one of two concurrent accepts win; the other is LINK_USED and writes nothing', async () => {
    const { token } = await providerInvites();

    const [first, second] = [
      acceptInvitation(deps, token, reseller, true),
      acceptInvitation(deps, token, reseller, true),
    ];

    const [accepted] = await Promise.all([first, expectCode('LINK_USED', second)]);

    expect(accepted.status).toBe('ACCEPTED');
    expect((await listPartners(deps, reseller, 'providers', 25)).items).toHaveLength(1);
  });

  it('accepted by a customer, makes it the reseller’s customer; a second accepted request is ALREADY_CONNECTED', async () => {
    const first = await customerRequest();
    const second = await customerRequest();
    await acceptInvitation(deps, first.token, customer, true);
    // Its "Default" admin relationship (the stream consumer's, on-behalf/domain/defaults.ts).
    p.relationships.adminGrants.set(`contoso#tailspin`, [new Date(T0.getTime() + 3_600_000).toISOString()]);

    const row = {
      customerId: 'tailspin',
      name: 'Org tailspin',
      domain: 'tailspin.example',
      country: 'ES',
      delegatedAdmin: true,
      since: T0.toISOString(),
    };
    expect((await listCustomers(deps, reseller, 25)).items).toEqual([{ ...row, status: 'ACTIVE' }]);
    expect(await customerOf(deps, reseller, 'tailspin')).toEqual({ ...row, status: 'ACTIVE' });
    expect(await p.relationships.getRelationship('tailspin', 'PARTNER', 'contoso')).toEqual(
      partnerRow('contoso'),
    );
    const before = tableDump(p);

    await expectCode('ALREADY_CONNECTED', acceptInvitation(deps, second.token, customer, true));

    expect(tableDump(p)).toEqual(before);
    expect(invitation(second.invitationId)?.status).toBe('PENDING');
    await expectCode('NOT_FOUND', customerOf(deps, provider, 'tailspin'));
  });

  it('a combined invitation accepted shares the customer with the provider on both sides', async () => {
    await connected();
    const { token } = await customerRequest({ providerId: 'fabrikam' });

    await acceptInvitation(deps, token, customer, true);
    const ahead = new Date(T0.getTime() + 3_600_000).toISOString();
    p.relationships.adminGrants.set('contoso#tailspin', [ahead]);
    p.relationships.adminGrants.set('fabrikam#tailspin', [ahead]);

    const shared = { customerId: 'tailspin', name: 'Org tailspin', delegatedAdmin: true };
    expect((await listCustomers(deps, reseller, 25)).items).toEqual([
      expect.objectContaining({ ...shared, indirectProviderId: 'fabrikam' }),
    ]);
    expect((await listCustomers(deps, provider, 25)).items).toEqual([
      expect.objectContaining({ ...shared, indirectResellerId: 'contoso' }),
    ]);
    expect((await listSharedCustomers(deps, reseller, 'fabrikam', 25)).items).toEqual([
      expect.objectContaining({ ...shared, indirectProviderId: 'fabrikam' }),
    ]);
    expect((await listSharedCustomers(deps, provider, 'contoso', 25)).items).toEqual([
      expect.objectContaining({ ...shared, resellerId: 'contoso' }),
    ]);
    expect(await p.relationships.relationshipsWith('tailspin', 'PARTNER', 'fabrikam')).toEqual([
      partnerRow('fabrikam'),
    ]);
  });

  it('refuses a combined invitation once the reseller’s link with the provider is gone (ALREADY_CONNECTED)', async () => {
    await connected();
    const { invitationId, token } = await customerRequest({ providerId: 'fabrikam' });
    p.relationships.deleteRow({ orgId: 'contoso', kind: 'PROVIDER', otherId: 'fabrikam' });
    const before = tableDump(p);

    await expectCode('ALREADY_CONNECTED', acceptInvitation(deps, token, customer, true));

    expect(tableDump(p)).toEqual(before);
    expect(invitation(invitationId)?.status).toBe('PENDING');
  });
});

describe('cancelInvitation and resendInvitation', () => {
  it('cancels a pending invitation once; its link is dead and it cannot be re-sent', async () => {
    const { invitationId, token } = await providerInvites();
    p.clock.advance(60);

    expect(await cancelInvitation(deps, provider, invitationId)).toEqual({
      invitationId,
      status: 'CANCELED',
    });

    expect(invitation(invitationId)).toMatchObject({
      status: 'CANCELED',
      decidedAt: p.clock.now().toISOString(),
    });
    await expectCode('LINK_INVALID', viewInvitation(deps, token));
    await expectCode('LINK_INVALID', acceptInvitation(deps, token, reseller, true));
    const again = await expectCode('INVITATION_NOT_PENDING', cancelInvitation(deps, provider, invitationId));
    expect(again.detail).toContain('CANCELED');
    await expectCode('INVITATION_NOT_PENDING', resendInvitation(deps, provider, invitationId));
    expect(p.mailer.sent).toHaveLength(1);
  });

  it('is for the sending organization (NOT_FOUND otherwise), with the permission to send that kind (FORBIDDEN)', async () => {
    const { invitationId } = await customerRequest();
    const helpdesk = await addUser(p, contoso, 'hugo', 'HELPDESK_AGENT', 'NONE');
    const before = tableDump(p);

    await expectCode('NOT_FOUND', cancelInvitation(deps, customer, invitationId));
    await expectCode('NOT_FOUND', resendInvitation(deps, provider, invitationId));
    await expectCode('NOT_FOUND', cancelInvitation(deps, reseller, 'no-such-invitation'));
    const forbidden = await expectCode('FORBIDDEN', cancelInvitation(deps, helpdesk, invitationId));
    expect(forbidden.detail).toContain('customers:requestRelationship');
    await expectCode('FORBIDDEN', resendInvitation(deps, helpdesk, invitationId));

    expect(tableDump(p)).toEqual(before);
  });

  it('refuses to cancel or re-send an accepted or expired invitation (INVITATION_NOT_PENDING)', async () => {
    const { invitationId, token } = await providerInvites();
    const { invitationId: expiring } = await customerRequest();
    await acceptInvitation(deps, token, reseller, true);
    p.clock.advance(INVITATION_LINK_TTL_SECONDS);

    const accepted = await expectCode(
      'INVITATION_NOT_PENDING',
      cancelInvitation(deps, provider, invitationId),
    );
    expect(accepted.detail).toContain('ACCEPTED');
    const expired = await expectCode('INVITATION_NOT_PENDING', resendInvitation(deps, reseller, expiring));
    expect(expired.detail).toContain('EXPIRED');
    await expectCode('INVITATION_NOT_PENDING', cancelInvitation(deps, reseller, expiring));
    expect(invitation(expiring)?.status).toBe('PENDING');
  });

  it('re-sends a new link valid 14 more days; the old link dies; a customer request answers the new link and draft', async () => {
    const { invitationId, token: first } = await customerRequest();
    p.clock.advance(10 * DAY_SECONDS);

    const resent = await resendInvitation(deps, reseller, invitationId);

    const expiresAt = p.clock.seconds() + INVITATION_LINK_TTL_SECONDS;
    expect(resent).toMatchObject({
      invitationId,
      status: 'PENDING',
      expiresAt: new Date(expiresAt * 1000).toISOString(),
      link: p.mailer.linkTo('ada@tailspin.example', ACCEPT),
    });
    const second = tokenOf(resent.link ?? '');
    expect(invitation(invitationId)).toMatchObject({ tokenHash: hashLinkToken(second), expiresAt });
    expect(p.identity.links.has(hashLinkToken(first))).toBe(false);
    await expectCode('LINK_INVALID', viewInvitation(deps, first));
    p.clock.advance(5 * DAY_SECONDS);
    expect((await acceptInvitation(deps, second, customer, true)).status).toBe('ACCEPTED');
  });

  it('re-sends a provider’s invitation by email only', async () => {
    const { invitationId } = await providerInvites();

    const resent = await resendInvitation(deps, provider, invitationId);

    expect(resent).not.toHaveProperty('link');
    expect(p.mailer.to('ada@contoso.example')).toHaveLength(2);
  });
});

describe('lists', () => {
  it('lists sent and received invitations newest first, by status, with EXPIRED derived from the time', async () => {
    const ids: string[] = [];
    for (const email of ['a@contoso.example', 'b@tailspin.example', 'c@contoso.example']) {
      ids.push((await inviteReseller(deps, provider, { email })).invitationId);
      p.clock.advance(DAY_SECONDS);
    }
    await cancelInvitation(deps, provider, ids[1] ?? '');
    const ofPages = async (read: (cursor?: string) => ReturnType<typeof listInvitations>) => {
      const found: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await read(cursor);
        found.push(...page.items.map((i) => i.id));
        cursor = page.nextCursor;
      } while (cursor);
      return found;
    };

    expect(await ofPages((c) => listInvitations(deps, provider, 'sent', undefined, 2, c))).toEqual(
      [...ids].reverse(),
    );
    expect(await ofPages((c) => listInvitations(deps, provider, 'sent', 'PENDING', 1, c))).toEqual([
      ids[2],
      ids[0],
    ]);
    expect(await ofPages((c) => listInvitations(deps, reseller, 'received', undefined, 25, c))).toEqual([
      ids[2],
      ids[0],
    ]);
    expect(
      (await listInvitations(deps, customer, 'received', 'CANCELED', 25)).items.map((i) => i.id),
    ).toEqual([ids[1]]);
    expect((await listInvitations(deps, reseller, 'sent', undefined, 25)).items).toEqual([]);

    p.clock.set(new Date((T0_SECONDS + INVITATION_LINK_TTL_SECONDS + 1) * 1000));
    expect((await listInvitations(deps, provider, 'sent', 'EXPIRED', 25)).items.map((i) => i.id)).toEqual([
      ids[0],
    ]);
    expect((await listInvitations(deps, provider, 'sent', 'PENDING', 25)).items.map((i) => i.id)).toEqual([
      ids[2],
    ]);
  });

  it('pages customers with cursors of their own list only', async () => {
    for (const name of ['northwind', 'adatum', 'litware']) {
      const { admin } = await addOrganization(p, name);
      const { token } = await customerRequest({ customerEmail: admin.user.email });
      await acceptInvitation(deps, token, admin, true);
    }

    const first = await listCustomers(deps, reseller, 2);
    const second = await listCustomers(deps, reseller, 2, first.nextCursor);

    expect([...first.items, ...second.items].map((c) => c.customerId)).toEqual([
      'adatum',
      'litware',
      'northwind',
    ]);
    expect(second.nextCursor).toBeUndefined();
    const error = await expectCode('VALIDATION_FAILED', listCustomers(deps, provider, 2, first.nextCursor));
    expect(error.errors?.[0]?.path).toBe('query.cursor');
  });

  it('lists customers shared with a partner only for an active link (NOT_FOUND otherwise)', async () => {
    await expectCode('NOT_FOUND', listSharedCustomers(deps, reseller, 'fabrikam', 25));
    await expectCode('NOT_FOUND', listSharedCustomers(deps, provider, 'contoso', 25));
    await connected();

    expect((await listSharedCustomers(deps, reseller, 'fabrikam', 25)).items).toEqual([]);
    expect((await listSharedCustomers(deps, provider, 'contoso', 25)).items).toEqual([]);
    await expectCode('NOT_FOUND', listSharedCustomers(deps, customer, 'contoso', 25));
  });
});

describe('existing customers carried over at enrollment approval', () => {
  const legacy = { name: 'Legacy Ltd', domain: 'legacy.example', country: 'PT' };
  const legacyId = existingCustomerId('legacy.example');

  it('connects a domain that has an organization here, lists one that has none, skips its own and repeats', async () => {
    const outcomes = await carryOverExistingCustomers(deps, 'contoso', [
      { name: 'Tailspin (as the partner knows it)', domain: 'tailspin.example', country: 'ES' },
      legacy,
      { ...legacy, domain: 'LEGACY.example' },
      { name: 'Contoso', domain: 'contoso.example', country: 'ES' },
    ]);

    expect(outcomes.sort()).toEqual(['NOT_ON_PLATFORM', 'RELATIONSHIP', 'SELF']);
    const { items } = await listCustomers(deps, reseller, 25);
    expect(items).toEqual(
      expect.arrayContaining([
        // The organization's own name, not the profile's: it is a real relationship, without delegated admin.
        {
          customerId: 'tailspin',
          name: 'Org tailspin',
          domain: 'tailspin.example',
          country: 'ES',
          delegatedAdmin: false,
          since: T0.toISOString(),
          status: 'ACTIVE',
        },
        {
          customerId: legacyId,
          ...legacy,
          delegatedAdmin: false,
          since: T0.toISOString(),
          status: 'NOT_ON_PLATFORM',
        },
      ]),
    );
    expect(items).toHaveLength(2);
    expect(await p.relationships.getRelationship('tailspin', 'PARTNER', 'contoso')).toEqual(
      partnerRow('contoso'),
    );
    expect((await customerOf(deps, reseller, legacyId)).status).toBe('NOT_ON_PLATFORM');
    // The organization that is here is told (it may end it); nobody else is written to.
    expect(p.mailer.sent.map((m) => [m.to, m.subject])).toEqual([
      // In the language of its country (ES).
      ['ada@tailspin.example', 'Org contoso es ahora su partner en la plataforma'],
    ]);
    expect(p.mailer.sent[0]?.text).toContain('DELETE /partners/contoso');

    // The stream may deliver the approval again: nothing changes, nobody is emailed twice.
    const before = tableDump(p);
    expect(
      await carryOverExistingCustomers(deps, 'contoso', [legacy, { ...legacy, domain: 'tailspin.example' }]),
    ).toEqual(['ALREADY_THERE', 'ALREADY_THERE']);
    expect(tableDump(p)).toEqual(before);
    expect(p.mailer.sent).toHaveLength(1);
  });

  it('an entry not on the platform is no relationship: only the list, GET and its invitation see it', async () => {
    await carryOverExistingCustomers(deps, 'contoso', [legacy]);

    await expectCode('NOT_FOUND', customerRows({ customers: p.relationships }, 'contoso', legacyId));
    await expectCode('NOT_FOUND', customerOf(deps, provider, legacyId));
    await expectCode(
      'NOT_FOUND',
      inviteExistingCustomer(deps, provider, legacyId, {
        customerEmail: 'ana@legacy.example',
        delegatedAdmin: true,
        send: true,
      }),
    );
  });

  it('is invited in one call to an address on its domain; the acceptance replaces the entry', async () => {
    await carryOverExistingCustomers(deps, 'contoso', [legacy]);
    const before = tableDump(p);
    await expectCode(
      'EMAIL_DOMAIN_MISMATCH',
      inviteExistingCustomer(deps, reseller, legacyId, {
        customerEmail: 'ana@elsewhere.example',
        delegatedAdmin: true,
        send: true,
      }),
    );
    expect(tableDump(p)).toEqual(before);

    const invited = await inviteExistingCustomer(deps, reseller, legacyId, {
      customerEmail: 'ana@legacy.example',
      delegatedAdmin: false,
      send: true,
    });
    const token = tokenOf(p.mailer.linkTo('ana@legacy.example', ACCEPT));
    expect(tokenOf(invited.link)).toBe(token);

    // The customer joins the platform and accepts.
    const joined = (await addOrganization(p, 'legacy')).admin;
    await acceptInvitation(deps, token, joined, true);
    const { items } = await listCustomers(deps, reseller, 25);
    expect(items.map((c) => [c.customerId, c.status])).toEqual([['legacy', 'ACTIVE']]);
  });

  it('refuses to invite a customer that already has a relationship (ALREADY_CONNECTED)', async () => {
    await carryOverExistingCustomers(deps, 'contoso', [{ ...legacy, domain: 'tailspin.example' }]);
    await expectCode(
      'ALREADY_CONNECTED',
      inviteExistingCustomer(deps, reseller, 'tailspin', {
        customerEmail: 'ana@tailspin.example',
        delegatedAdmin: true,
        send: true,
      }),
    );
  });
});

describe('business counts', () => {
  it('counts an accepted invitation once: not the concurrent loser, a refusal or a decline', async () => {
    const { token } = await providerInvites();
    await expectCode('AUTHORIZATION_NOT_CONFIRMED', acceptInvitation(deps, token, reseller, false));

    await Promise.all([
      acceptInvitation(deps, token, reseller, true),
      expectCode('LINK_USED', acceptInvitation(deps, token, reseller, true)),
    ]);
    const declined = await customerRequest();
    await declineInvitation(deps, declined.token, customer);

    expect(p.metrics.counted).toEqual([{ metric: 'invitationAccepted', n: 1 }]);
  });
});
