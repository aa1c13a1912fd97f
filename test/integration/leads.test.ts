import { randomUUID } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../functions/platform/data/table.ts';
import { approvedReseller, indirectProvider } from '../support/enrollment.ts';
import { type Account, userWithRoles, verifiedAccount } from '../support/identity.ts';
import { waitForEmail } from '../support/mailbox.ts';
import { expectProblem } from '../support/problems.ts';
import { accept, allPages, linkProviderAndReseller, tokenOf } from '../support/relationships.ts';
import { call, dynamo, eventually, tableName } from '../support/runtime.ts';

const leadBody = (over: Record<string, unknown> = {}) => ({
  companyName: `Contoso ${randomUUID().slice(0, 8)}`,
  contactName: 'Carla Contact',
  contactEmail: `carla@contoso-${randomUUID().slice(0, 6)}.example`,
  country: 'ES',
  ...over,
});

/** A NEW lead of `as`'s organization. */
async function newLead(as: { token: string }, over: Record<string, unknown> = {}) {
  const res = await call('POST', '/leads', { token: as.token, body: leadBody(over) });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { leadId: string; companyName: string; status: string; createdAt: string };
}

const patch = (as: { token: string }, leadId: string, body: Record<string, unknown>) =>
  call('PATCH', `/leads/${leadId}`, { token: as.token, body });

/** `leadId` moved through `statuses` (each with a reason), each step 200. */
async function moved(as: { token: string }, leadId: string, ...statuses: string[]) {
  for (const status of statuses) {
    const res = await patch(as, leadId, { status, reason: `Because ${status}` });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.status).toBe(status);
  }
}

const getLead = (as: { token: string }, leadId: string) =>
  call('GET', `/leads/${leadId}`, { token: as.token });

describe('leads', () => {
  let provider: Account;
  let reseller: Account;
  let stranger: Account;

  beforeAll(async () => {
    [provider, reseller, stranger] = await Promise.all([
      indirectProvider(),
      approvedReseller(),
      verifiedAccount(),
    ]);
    await linkProviderAndReseller(provider, reseller);
  });

  describe('create, read and list', () => {
    it('creates a NEW lead that its organization reads and lists, and no other organization sees', async () => {
      const created = await newLead(reseller, { notes: 'Met at the fair', country: 'mx' });

      expect(created).toMatchObject({ status: 'NEW', country: 'MX', notes: 'Met at the fair' });
      const read = await getLead(reseller, created.leadId);
      expect(read.status).toBe(200);
      expect(read.body).toEqual(created);
      expectProblem(await getLead(stranger, created.leadId), 404, 'NOT_FOUND');
      expectProblem(await patch(stranger, created.leadId, { status: 'ACTIVE' }), 404, 'NOT_FOUND');
      const strangers = await allPages('/leads', stranger.token, 100);
      expect(strangers.map((l) => l.leadId)).not.toContain(created.leadId);
    });

    it('replays the first answer for the same Idempotency-Key', async () => {
      const owner = await verifiedAccount();
      const body = leadBody();
      const headers = { 'Idempotency-Key': randomUUID() };

      const first = await call('POST', '/leads', { token: owner.token, body, headers });
      const replay = await call('POST', '/leads', { token: owner.token, body, headers });

      expect(first.status, JSON.stringify(first.body)).toBe(201);
      expect(replay.status).toBe(201);
      expect(replay.body).toEqual(first.body);
      expect((await allPages('/leads', owner.token, 100)).map((l) => l.leadId)).toEqual([first.body.leadId]);
      expectProblem(
        await call('POST', '/leads', { token: owner.token, body: leadBody(), headers }),
        422,
        'IDEMPOTENCY_KEY_REUSED',
      );
    });

    it('refuses a bad body with the field at fault', async () => {
      expectProblem(
        await call('POST', '/leads', { token: reseller.token, body: leadBody({ companyName: ' ' }) }),
        400,
        'VALIDATION_FAILED',
        'body.companyName',
      );
      expectProblem(
        await call('POST', '/leads', { token: reseller.token, body: leadBody({ contactEmail: 'nope' }) }),
        400,
        'VALIDATION_FAILED',
        'body.contactEmail',
      );
      expectProblem(
        await call('POST', '/leads', { token: reseller.token, body: leadBody({ country: 'XX' }) }),
        400,
        'VALIDATION_FAILED',
        'body.country',
      );
    });

    it('lists newest first, page by page, filtered by the status each lead shows', async () => {
      const owner = await verifiedAccount();
      const a = await newLead(owner);
      const b = await newLead(owner);
      const c = await newLead(owner);
      await moved(owner, b.leadId, 'ACTIVE');

      expect((await allPages('/leads', owner.token, 2)).map((l) => l.leadId)).toEqual([
        c.leadId,
        b.leadId,
        a.leadId,
      ]);
      expect((await allPages('/leads?status=NEW', owner.token, 1)).map((l) => l.leadId)).toEqual([
        c.leadId,
        a.leadId,
      ]);
      expect((await allPages('/leads?status=ACTIVE', owner.token, 10)).map((l) => l.leadId)).toEqual([
        b.leadId,
      ]);
      expectProblem(
        await call('GET', '/leads?status=OPEN', { token: owner.token }),
        400,
        'VALIDATION_FAILED',
        'query.status',
      );
    });
  });

  describe('the status machine', () => {
    it('allows NEW → ACTIVE → WON, NEW → DECLINED and ACTIVE → LOST', async () => {
      const won = await newLead(reseller);
      const declined = await newLead(reseller);
      const lost = await newLead(reseller);

      await moved(reseller, won.leadId, 'ACTIVE', 'WON');
      await moved(reseller, declined.leadId, 'DECLINED');
      await moved(reseller, lost.leadId, 'ACTIVE', 'LOST');

      expect((await getLead(reseller, won.leadId)).body.status).toBe('WON');
      expect((await getLead(reseller, declined.leadId)).body).toMatchObject({
        status: 'DECLINED',
        reason: 'Because DECLINED',
      });
      expect((await getLead(reseller, lost.leadId)).body).toMatchObject({
        status: 'LOST',
        reason: 'Because LOST',
      });
    });

    it('refuses every other move with INVALID_TRANSITION, from each final status too', async () => {
      const fresh = await newLead(reseller);
      const active = await newLead(reseller);
      await moved(reseller, active.leadId, 'ACTIVE');
      const won = await newLead(reseller);
      await moved(reseller, won.leadId, 'ACTIVE', 'WON');
      const lost = await newLead(reseller);
      await moved(reseller, lost.leadId, 'ACTIVE', 'LOST');
      const declined = await newLead(reseller);
      await moved(reseller, declined.leadId, 'DECLINED');

      const refused: Array<[string, string]> = [
        [fresh.leadId, 'WON'],
        [fresh.leadId, 'LOST'],
        [fresh.leadId, 'NEW'],
        [fresh.leadId, 'EXPIRED'],
        [active.leadId, 'ACTIVE'],
        [active.leadId, 'DECLINED'],
        [active.leadId, 'NEW'],
        [won.leadId, 'LOST'],
        [won.leadId, 'ACTIVE'],
        [lost.leadId, 'WON'],
        [lost.leadId, 'ACTIVE'],
        [declined.leadId, 'ACTIVE'],
        [declined.leadId, 'NEW'],
      ];
      for (const [leadId, status] of refused) {
        expectProblem(await patch(reseller, leadId, { status, reason: 'Try' }), 409, 'INVALID_TRANSITION');
      }
      expect((await getLead(reseller, fresh.leadId)).body.status).toBe('NEW');
      expect((await getLead(reseller, won.leadId)).body.status).toBe('WON');
    });

    it('needs a reason for DECLINED and LOST', async () => {
      const created = await newLead(reseller);

      expectProblem(
        await patch(reseller, created.leadId, { status: 'DECLINED' }),
        400,
        'VALIDATION_FAILED',
        'body.reason',
      );
      expectProblem(
        await patch(reseller, created.leadId, { status: 'DECLINED', reason: '   ' }),
        400,
        'VALIDATION_FAILED',
        'body.reason',
      );
      expect((await getLead(reseller, created.leadId)).body.status).toBe('NEW');
    });

    it('reads a NEW lead 30 days old as EXPIRED, final, in the list filter as on its own', async () => {
      const owner = await verifiedAccount();
      const old = await newLead(owner);
      const fresh = await newLead(owner);
      // 30 days and a second ago (no wait is scaled: the expiry is computed from createdAt on read).
      await dynamo.send(
        new UpdateCommand({
          TableName: tableName,
          Key: keys.lead(owner.orgId, old.leadId),
          UpdateExpression: 'SET createdAt = :at',
          ExpressionAttributeValues: { ':at': new Date(Date.now() - 30 * 86_400_000 - 1000).toISOString() },
        }),
      );

      expect((await getLead(owner, old.leadId)).body.status).toBe('EXPIRED');
      expectProblem(await patch(owner, old.leadId, { status: 'ACTIVE' }), 409, 'INVALID_TRANSITION');
      expectProblem(
        await patch(owner, old.leadId, { status: 'DECLINED', reason: 'Late' }),
        409,
        'INVALID_TRANSITION',
      );
      expect((await allPages('/leads?status=EXPIRED', owner.token, 10)).map((l) => l.leadId)).toEqual([
        old.leadId,
      ]);
      expect((await allPages('/leads?status=NEW', owner.token, 10)).map((l) => l.leadId)).toEqual([
        fresh.leadId,
      ]);
      expect((await allPages('/leads', owner.token, 10)).map((l) => l.status)).toEqual(['NEW', 'EXPIRED']);
    });

    it('lets exactly one of concurrent changes win; the others get INVALID_TRANSITION', async () => {
      const created = await newLead(reseller);

      const answers = await Promise.all(
        ['ACTIVE', 'DECLINED', 'ACTIVE', 'DECLINED', 'ACTIVE', 'DECLINED'].map((status) =>
          patch(reseller, created.leadId, { status, reason: 'Race' }),
        ),
      );

      const winners = answers.filter((a) => a.status === 200);
      expect(winners, JSON.stringify(answers.map((a) => a.body))).toHaveLength(1);
      for (const loser of answers.filter((a) => a.status !== 200))
        expectProblem(loser, 409, 'INVALID_TRANSITION');
      expect((await getLead(reseller, created.leadId)).body.status).toBe(winners[0]?.body.status);
    });
  });

  describe('sharing with a reseller', () => {
    it('gives a linked reseller a NEW referral naming the provider (once), and emails its global admin', async () => {
      const created = await newLead(provider, { notes: 'For the provider only' });

      const share = () =>
        call('POST', `/leads/${created.leadId}/share`, {
          token: provider.token,
          body: { resellerId: reseller.orgId },
        });
      // Three at once, then once more: one referral, the same answer each time.
      const [shared, ...concurrent] = await Promise.all([share(), share(), share()]);
      const again = await share();

      expect(shared?.status, JSON.stringify(shared?.body)).toBe(200);
      if (!shared) throw new Error('no answer');
      for (const other of concurrent) expect(other.body).toEqual(shared.body);
      expect(shared.body).toMatchObject({
        leadId: created.leadId,
        status: 'NEW',
        sharedWith: [{ organizationId: reseller.orgId, name: `Org ${reseller.domain}` }],
      });
      expect(again.status).toBe(200);
      expect(again.body).toEqual(shared.body);
      const referrals = (await allPages('/leads', reseller.token, 100)).filter(
        (l) => l.companyName === created.companyName,
      );
      expect(referrals).toHaveLength(1);
      expect(referrals[0]).toMatchObject({
        status: 'NEW',
        sharedBy: { organizationId: provider.orgId, name: `Distributor ${provider.domain}` },
      });
      expect(referrals[0]?.leadId).not.toBe(created.leadId);
      expect(referrals[0]?.notes).toBeUndefined();
      // The reseller's organization is in ES: the email is in Spanish.
      const mail = await waitForEmail(reseller.email, { subject: new RegExp(created.companyName) });
      expect(mail.subject).toContain('ha compartido un cliente potencial');
      // The referral is the reseller's own lead from now on.
      await moved(reseller, String(referrals[0]?.leadId), 'ACTIVE');
      expect((await getLead(provider, created.leadId)).body.status).toBe('NEW');
    });

    it('answers 404 for an unlinked reseller and for a lead that is not yours, 422 to a reseller', async () => {
      const created = await newLead(provider);
      const resellersOwn = await newLead(reseller);

      expectProblem(
        await call('POST', `/leads/${created.leadId}/share`, {
          token: provider.token,
          body: { resellerId: stranger.orgId },
        }),
        404,
        'NOT_FOUND',
      );
      expectProblem(
        await call('POST', `/leads/${resellersOwn.leadId}/share`, {
          token: provider.token,
          body: { resellerId: reseller.orgId },
        }),
        404,
        'NOT_FOUND',
      );
      expectProblem(
        await call('POST', `/leads/${resellersOwn.leadId}/share`, {
          token: reseller.token,
          body: { resellerId: provider.orgId },
        }),
        422,
        'NOT_AN_INDIRECT_PROVIDER',
      );
      expect((await getLead(provider, created.leadId)).body.sharedWith).toBeUndefined();
    });
  });

  describe('inviting the contact', () => {
    it('sends a relationship request; the lead turns ACTIVE, then WON when the customer accepts', async () => {
      const customer = await verifiedAccount();
      const created = await newLead(reseller, { contactEmail: customer.email });

      const invited = await call('POST', `/leads/${created.leadId}/invite`, {
        token: reseller.token,
        body: { send: true, delegatedAdmin: false },
      });

      expect(invited.status, JSON.stringify(invited.body)).toBe(201);
      expect(invited.body).toMatchObject({ leadId: created.leadId, status: 'PENDING' });
      expect(invited.body.draftEmail.subject).toBeTruthy();
      expect((await getLead(reseller, created.leadId)).body).toMatchObject({
        status: 'ACTIVE',
        invitationId: invited.body.invitationId,
      });
      await waitForEmail(customer.email, { subject: new RegExp(reseller.domain.split('.')[0] ?? '') });
      expectProblem(
        await call('POST', `/leads/${created.leadId}/invite`, { token: reseller.token, body: {} }),
        409,
        'INVALID_TRANSITION',
      );

      const accepted = await accept(tokenOf(invited.body.link), customer);
      expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);

      const won = await eventually(
        async () => {
          const lead = (await getLead(reseller, created.leadId)).body;
          return lead.status === 'WON' ? lead : undefined;
        },
        15_000,
        'the lead to be WON',
      );
      expect(won.invitationId).toBe(invited.body.invitationId);
      // The lead's records, in the reseller's log, newest first: WON by the platform.
      const records = (await allPages('/activity?resourceType=lead', reseller.token, 100)).filter(
        (r) => r.resourceId === created.leadId,
      );
      expect(records.map((r) => r.operation)).toEqual(['LEAD_WON', 'LEAD_INVITED', 'LEAD_CREATED']);
      expect(records[0]?.actor).toEqual({ kind: 'SYSTEM' });
      expect(records[1]?.changes).toEqual({
        status: ['NEW', 'ACTIVE'],
        invitationId: [null, invited.body.invitationId],
      });
    });

    it('refuses an indirect provider that is not a reseller, and leaves the lead NEW', async () => {
      const created = await newLead(provider);

      expectProblem(
        await call('POST', `/leads/${created.leadId}/invite`, { token: provider.token, body: {} }),
        422,
        'NOT_A_RESELLER',
      );
      const lead = (await getLead(provider, created.leadId)).body;
      expect(lead.status).toBe('NEW');
      expect(lead.invitationId).toBeUndefined();
    });
  });

  describe('who may', () => {
    it('refuses a helpdesk agent (no leads:manage) every lead route', async () => {
      const helpdesk = await userWithRoles(reseller.token, reseller.domain, 'HELPDESK_AGENT', 'NONE');
      const created = await newLead(reseller);

      expectProblem(
        await call('POST', '/leads', { token: helpdesk.token, body: leadBody() }),
        403,
        'FORBIDDEN',
      );
      expectProblem(await call('GET', '/leads', { token: helpdesk.token }), 403, 'FORBIDDEN');
      expectProblem(await getLead(helpdesk, created.leadId), 403, 'FORBIDDEN');
      expectProblem(await patch(helpdesk, created.leadId, { status: 'ACTIVE' }), 403, 'FORBIDDEN');
      expectProblem(
        await call('POST', `/leads/${created.leadId}/invite`, { token: helpdesk.token, body: {} }),
        403,
        'FORBIDDEN',
      );
      expectProblem(
        await call('POST', `/leads/${created.leadId}/share`, {
          token: helpdesk.token,
          body: { resellerId: provider.orgId },
        }),
        403,
        'FORBIDDEN',
      );
    });

    it('lets an admin agent who is not an admin manage leads', async () => {
      const agent = await userWithRoles(reseller.token, reseller.domain, 'ADMIN_AGENT', 'NONE');
      const created = await newLead(agent);

      await moved(agent, created.leadId, 'ACTIVE');
      expect((await getLead(reseller, created.leadId)).body.status).toBe('ACTIVE');
    });
  });
});
