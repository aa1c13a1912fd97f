import { beforeAll, describe, expect, it } from 'vitest';
import {
  approvedReseller,
  enrolledAsReseller,
  enrollmentToken,
  indirectProvider,
  mpnProfile,
  submit,
  waitForStatus,
} from '../support/enrollment.ts';
import { type Account, userWithRoles, verifiedAccount } from '../support/identity.ts';
import { expectProblem } from '../support/problems.ts';
import { call } from '../support/runtime.ts';

const profileOf = (as: { token: string }) => call('GET', '/partner-profile', { token: as.token });
const patchLegal = (as: { token: string }, body: unknown) =>
  call('PATCH', '/partner-profile/legal', { token: as.token, body });
const patchSupport = (as: { token: string }, body: unknown) =>
  call('PATCH', '/partner-profile/support', { token: as.token, body });

/** The organization's activity records of one resource type, newest first. */
async function recordsOf(as: { token: string }, resourceType: string) {
  const res = await call('GET', `/activity?resourceType=${resourceType}`, { token: as.token });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.items as Array<{
    operation: string;
    resourceId: string;
    changes?: Record<string, unknown>;
  }>;
}

describe('partner profile', () => {
  let reseller: Account & { mpnId: string };

  beforeAll(async () => {
    reseller = await enrolledAsReseller(await verifiedAccount());
  }, 60_000);

  it("is the approved enrollment's until edited: legal, support and MPN, AUTHORIZED", async () => {
    const res = await profileOf(reseller);

    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({
      legal: {
        legalName: `Legal ${reseller.domain} S.L.`,
        address: { line1: 'Calle Mayor 1', city: 'Madrid', postalCode: '28013', country: 'ES' },
        vettingStatus: 'AUTHORIZED',
      },
      support: {
        email: `support@${reseller.domain}`,
        phone: '+34 910 000 001',
        website: `https://${reseller.domain}`,
      },
      mpn: { mpnId: reseller.mpnId, partnerName: `Partner ${reseller.mpnId} Ltd` },
    });
  });

  it('changes the legal name and address, keeps the rest, and records the change', async () => {
    const account = await approvedReseller();

    const named = await patchLegal(account, { legalName: 'Contoso Ibérica S.L.' });
    const moved = await patchLegal(account, {
      address: { line1: 'Gran Vía 2', line2: '3º', city: 'Madrid', postalCode: '28013' },
    });

    expect(named.status, JSON.stringify(named.body)).toBe(200);
    expect(named.body.legal.legalName).toBe('Contoso Ibérica S.L.');
    expect(moved.status).toBe(200);
    expect(moved.body.legal).toEqual({
      legalName: 'Contoso Ibérica S.L.',
      address: { line1: 'Gran Vía 2', line2: '3º', city: 'Madrid', postalCode: '28013', country: 'ES' },
      vettingStatus: 'AUTHORIZED',
    });
    expect(moved.body.support.email).toBe(`support@${account.domain}`);
    expect((await profileOf(account)).body).toEqual(moved.body);
    const records = await recordsOf(account, 'partnerProfile');
    expect(records.map((r) => [r.operation, r.resourceId, Object.keys(r.changes ?? {})])).toEqual([
      ['PARTNER_PROFILE_UPDATED', account.orgId, ['address']],
      ['PARTNER_PROFILE_UPDATED', account.orgId, ['legalName']],
    ]);
  });

  it('refuses another country for the legal address (COUNTRY_IMMUTABLE 422) and changes nothing', async () => {
    const res = await patchLegal(reseller, {
      legalName: 'Contoso France SAS',
      address: { line1: '1 rue de Rivoli', city: 'Paris', postalCode: '75001', country: 'FR' },
    });

    expectProblem(res, 422, 'COUNTRY_IMMUTABLE');
    expect(res.body.detail).toContain('ES');
    expect((await profileOf(reseller)).body.legal.legalName).toBe(`Legal ${reseller.domain} S.L.`);
  });

  it('refuses a web-based mailbox as support email (WEBMAIL_NOT_ALLOWED 422)', async () => {
    expectProblem(await patchSupport(reseller, { email: 'help.desk@gmail.com' }), 422, 'WEBMAIL_NOT_ALLOWED');
    expect((await profileOf(reseller)).body.support.email).toBe(`support@${reseller.domain}`);
  });

  it('refuses an empty or malformed change (VALIDATION_FAILED 400)', async () => {
    expectProblem(await patchLegal(reseller, {}), 400, 'VALIDATION_FAILED');
    expectProblem(
      await patchSupport(reseller, { website: 'ftp://x' }),
      400,
      'VALIDATION_FAILED',
      'body.website',
    );
    expectProblem(
      await patchLegal(reseller, { address: { line1: 'x', city: 'y', postalCode: '1', country: 'XX' } }),
      400,
      'VALIDATION_FAILED',
      'body.address.country',
    );
  });

  it('changes the support contact; null removes the website', async () => {
    const account = await approvedReseller();

    const res = await patchSupport(account, { email: `help@${account.domain}`, website: null });

    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.support).toEqual({ email: `help@${account.domain}`, phone: '+34 910 000 001' });
  });

  it('keeps both of two concurrent changes of different fields', async () => {
    const account = await approvedReseller();

    const [legal, support] = await Promise.all([
      patchLegal(account, { legalName: 'Concurrent Legal S.L.' }),
      patchSupport(account, { phone: '+34 911 111 111' }),
    ]);

    expect([legal.status, support.status]).toEqual([200, 200]);
    const profile = (await profileOf(account)).body;
    expect(profile.legal.legalName).toBe('Concurrent Legal S.L.');
    expect(profile.support.phone).toBe('+34 911 111 111');
  });

  it('is read by user management admins and changed by global admins only (FORBIDDEN 403)', async () => {
    const userAdmin = await userWithRoles(reseller.token, reseller.domain, 'NONE', 'USER_MANAGEMENT_ADMIN');
    const helpdesk = await userWithRoles(reseller.token, reseller.domain, 'HELPDESK_AGENT', 'NONE');
    const adminAgent = await userWithRoles(reseller.token, reseller.domain, 'ADMIN_AGENT', 'NONE');

    expect((await profileOf(userAdmin)).status).toBe(200);
    expectProblem(await profileOf(helpdesk), 403, 'FORBIDDEN');
    expectProblem(await patchLegal(helpdesk, { legalName: 'Nope' }), 403, 'FORBIDDEN');
    expectProblem(await patchSupport(userAdmin, { phone: '+34 600 000 000' }), 403, 'FORBIDDEN');
    expectProblem(await patchLegal(adminAgent, { legalName: 'Nope' }), 403, 'FORBIDDEN');
    expect((await profileOf(reseller)).body.legal.legalName).toBe(`Legal ${reseller.domain} S.L.`);
  });

  it('of an indirect provider created by operators comes from its organization, with no MPN', async () => {
    const provider = await indirectProvider();

    const res = await profileOf(provider);

    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({
      legal: {
        legalName: `Distributor ${provider.domain}`,
        address: { country: 'ES' },
        vettingStatus: 'AUTHORIZED',
      },
      support: { email: null, phone: null },
      mpn: null,
    });
    const edited = await patchLegal(provider, {
      address: { line1: 'Calle Alcalá 5', city: 'Madrid', postalCode: '28014', country: 'ES' },
    });
    expect(edited.body.legal.address).toEqual({
      line1: 'Calle Alcalá 5',
      city: 'Madrid',
      postalCode: '28014',
      country: 'ES',
    });
  });

  it("of an enrolling organization shows its enrollment's step; NOT_ENROLLED without one", async () => {
    const account = await verifiedAccount();
    expect((await profileOf(account)).body.legal.vettingStatus).toBe('NOT_ENROLLED');
    const mpnId = await mpnProfile();
    const enrollmentId = await submit(account, mpnId);
    const verified = await call('POST', '/enrollments/verify', {
      body: { token: await enrollmentToken(`paz@${account.domain}`) },
    });
    expect(verified.status).toBe(200);
    await waitForStatus(account, enrollmentId, 'IN_REVIEW');

    const res = await profileOf(account);

    expect(res.body.legal).toMatchObject({
      legalName: `Legal ${account.domain} S.L.`,
      vettingStatus: 'IN_REVIEW',
    });
    expect(res.body.mpn).toEqual({ mpnId, partnerName: `Partner ${mpnId} Ltd` });
  });
});
