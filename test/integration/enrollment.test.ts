import { randomUUID } from 'node:crypto';
import { ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { keys } from '../../functions/platform/data/table.ts';
import { hashLinkToken } from '../../functions/platform/links/links.ts';
import { stateMachineArnEnvName } from '../../functions/platform/resources.ts';
import {
  enrollmentBody,
  enrollmentToken,
  enrollmentTokensAsTheyArrive,
  mailTo,
  mpnProfile,
  operatorToken,
  statusOf,
  submit,
  waitForStatus,
} from '../support/enrollment.ts';
import { userWithRoles, verifiedAccount } from '../support/identity.ts';
import { emailsSince } from '../support/mailbox.ts';
import { call, dynamo, env, eventually, runtime, sfn, tableName } from '../support/runtime.ts';

const item = async (key: { pk: string; sk: string }) =>
  (await dynamo.send(new GetCommand({ TableName: tableName, Key: key }))).Item;
const contactOf = (domain: string) => `paz@${domain}`;

describe('enrollment review: happy path through HTTP, the mailbox and the state machine', () => {
  it('submits, verifies by link, reminds after 3 days, is approved, and makes a reseller', async () => {
    const account = await verifiedAccount();
    const mpnId = await mpnProfile();
    const enrollmentId = await submit(account, mpnId);
    const contact = contactOf(account.domain);

    const token = await enrollmentToken(contact);
    const pending = await item(keys.enrollment(enrollmentId));
    expect(pending?.status).toBe('PENDING_EMAIL_VERIFICATION');
    expect(pending?.taskToken).toEqual(expect.any(String));
    // Neither our link token nor the task token is in the email; only the link token's hash is stored.
    const mail = await mailTo(contact, /./);
    expect(mail.body.text).not.toContain(pending?.taskToken);
    expect(await item(keys.link(hashLinkToken(token)))).toMatchObject({
      kind: 'ENROLLMENT_VERIFICATION',
      enrollmentId,
    });

    for (const agent of ['Mozilla/5.0 (compatible; Barracuda)', 'Microsoft Office/16.0 SafeLinks']) {
      const page = await fetch(`${runtime.apiUrl}/enrollments/verify?token=${token}`, {
        headers: { 'user-agent': agent },
      });
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain(`Org ${account.domain}`);
      expect(html).toContain('Confirm');
    }
    expect((await item(keys.enrollment(enrollmentId)))?.status).toBe('PENDING_EMAIL_VERIFICATION');
    expect((await item(keys.link(hashLinkToken(token))))?.usedAt).toBeUndefined();

    const verified = await call('POST', '/enrollments/verify', { body: { token } });
    expect(verified.status).toBe(200);
    expect(verified.body).toEqual({ status: 'IN_REVIEW' });
    expect((await statusOf(account, enrollmentId)).status).toBe('IN_REVIEW');
    await mailTo(contact, /is in review/);
    expect((await call('POST', '/enrollments/verify', { body: { token } })).body.code).toBe('LINK_USED');

    // 3 days (3 s at the test time scale) without a decision: a "still in review" email.
    const reminder = await mailTo(contact, /is still in review/, 15_000);
    expect(reminder.body.text).toContain(`Org ${account.domain}`);

    const op = await operatorToken();
    const listed = await call('GET', '/operator/enrollments?status=IN_REVIEW&limit=100', { token: op });
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((e: { enrollmentId: string }) => e.enrollmentId)).toContain(enrollmentId);

    const decided = await call('POST', `/operator/enrollments/${enrollmentId}/decision`, {
      token: op,
      body: { decision: 'APPROVE' },
    });
    expect(decided.status).toBe(202);
    const approved = await waitForStatus(account, enrollmentId, 'APPROVED');
    expect(approved.history.map((h: { status: string }) => h.status)).toEqual([
      'PENDING_EMAIL_VERIFICATION',
      'IN_REVIEW',
      'APPROVED',
    ]);
    const ready = await mailTo(contact, /is approved/);
    expect(ready.body.text).toContain(mpnId);

    const me = await call('GET', '/me', { token: account.token });
    expect(me.body.organization.partnerTypes).toEqual(['RESELLER']);
    // Kept on the organization for orders (the reseller of record's MPN ID).
    expect((await item(keys.organization(account.orgId)))?.mpnId).toBe(mpnId);
    expect(me.body.user).toMatchObject({ agentRole: 'ADMIN_AGENT', adminRole: 'GLOBAL_ADMIN' });

    const again = await call('POST', '/enrollments', {
      token: account.token,
      body: enrollmentBody(account, await mpnProfile()),
    });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('ALREADY_ENROLLED');
    const late = await call('POST', `/operator/enrollments/${enrollmentId}/decision`, {
      token: op,
      body: { decision: 'REJECT', reason: 'x' },
    });
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('ENROLLMENT_NOT_IN_REVIEW');
  }, 60_000);
});

describe('enrollment review: other endings', () => {
  it('rejects with the reason in the email and frees the MPN ID', async () => {
    const account = await verifiedAccount();
    const mpnId = await mpnProfile();
    const enrollmentId = await submit(account, mpnId);
    const contact = contactOf(account.domain);
    await call('POST', '/enrollments/verify', { body: { token: await enrollmentToken(contact) } });
    const op = await operatorToken();
    const noReason = await call('POST', `/operator/enrollments/${enrollmentId}/decision`, {
      token: op,
      body: { decision: 'REJECT' },
    });
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors[0].path).toBe('body.reason');
    const reason = 'The legal name does not match the partner network profile.';
    expect(
      (
        await call('POST', `/operator/enrollments/${enrollmentId}/decision`, {
          token: op,
          body: { decision: 'REJECT', reason },
        })
      ).status,
    ).toBe(202);
    const rejected = await waitForStatus(account, enrollmentId, 'REJECTED');
    expect(rejected.history.at(-1).note).toBe(reason);
    expect((await mailTo(contact, /was not approved/)).body.text).toContain(reason);
    expect((await call('GET', '/me', { token: account.token })).body.organization.partnerTypes).toEqual([]);
    // Rejected: the organization may enroll again, with the same MPN ID.
    expect(
      (await call('POST', '/enrollments', { token: account.token, body: enrollmentBody(account, mpnId) }))
        .status,
    ).toBe(202);
  });

  it('rejects automatically when the MPN profile became inactive before review', async () => {
    const account = await verifiedAccount();
    const op = await operatorToken();
    const mpnId = await mpnProfile({ token: op });
    const enrollmentId = await submit(account, mpnId);
    const token = await enrollmentToken(contactOf(account.domain));
    await call('PUT', `/operator/partner-network/${mpnId}`, {
      token: op,
      body: { legalName: 'Gone', country: 'ES', status: 'INACTIVE' },
    });
    await call('POST', '/enrollments/verify', { body: { token } });
    const rejected = await waitForStatus(account, enrollmentId, 'REJECTED');
    expect(rejected.history.at(-1).note).toMatch(/Automated checks: .*not active/);
  });

  it('expires after 7 days without verification; the link then answers LINK_EXPIRED', async () => {
    const account = await verifiedAccount();
    const enrollmentId = await submit(account, await mpnProfile());
    const contact = contactOf(account.domain);
    const token = await enrollmentToken(contact);
    await waitForStatus(account, enrollmentId, 'EXPIRED', 20_000);
    await mailTo(contact, /has expired/);
    const res = await call('POST', '/enrollments/verify', { body: { token } });
    expect(res.status).toBe(410);
    expect(res.body.code).toBe('LINK_EXPIRED');
    expect((await fetch(`${runtime.apiUrl}/enrollments/verify?token=${token}`)).status).toBe(410);
    expect(await item(keys.openEnrollment(account.orgId))).toBeUndefined();
  }, 40_000);

  it('sends Spanish emails to a Spanish enrollment', async () => {
    const account = await verifiedAccount();
    await submit(account, await mpnProfile(), { locale: 'es-ES' });
    const contact = contactOf(account.domain);
    await enrollmentToken(contact);
    const mail = await mailTo(contact, /Verifique su correo electrónico/);
    expect(mail.body.text).toMatch(/Hola/);
    expect(mail.body.html).toContain('lang="es"');
  });
});

describe('enrollment refusals', () => {
  it.each([
    [
      'WEBMAIL_NOT_ALLOWED',
      422,
      { primaryContact: { firstName: 'P', lastName: 'C', email: 'paz@gmail.com', phone: '+34 910 000 000' } },
    ],
    [
      'EMAIL_DOMAIN_MISMATCH',
      422,
      {
        primaryContact: {
          firstName: 'P',
          lastName: 'C',
          email: 'paz@other.example',
          phone: '+34 910 000 000',
        },
      },
    ],
    [
      'COUNTRY_MISMATCH',
      422,
      { address: { line1: '1 Main St', city: 'Austin', postalCode: '73301', country: 'US' } },
    ],
  ])('answers %s', async (code, status, over) => {
    const account = await verifiedAccount();
    const res = await call('POST', '/enrollments', {
      token: account.token,
      body: enrollmentBody(account, await mpnProfile(), over),
    });
    expect(res.status).toBe(status);
    expect(res.body.code).toBe(code);
  });

  it('answers MPN_NOT_FOUND, MPN_INACTIVE and MPN_COUNTRY_MISMATCH', async () => {
    const account = await verifiedAccount();
    const op = await operatorToken();
    const cases: Array<[string, string]> = [
      ['12345', 'VALIDATION_FAILED'],
      ['87654321', 'MPN_NOT_FOUND'],
      [await mpnProfile({ token: op, status: 'INACTIVE' }), 'MPN_INACTIVE'],
      [await mpnProfile({ token: op, country: 'FR' }), 'MPN_COUNTRY_MISMATCH'],
    ];
    for (const [mpnId, code] of cases) {
      const res = await call('POST', '/enrollments', {
        token: account.token,
        body: enrollmentBody(account, mpnId),
      });
      expect(res.body.code, mpnId).toBe(code);
    }
  });

  it('answers MPN_ALREADY_LINKED and ALREADY_ENROLLED, leaving nothing half-written', async () => {
    const first = await verifiedAccount();
    const second = await verifiedAccount();
    const mpnId = await mpnProfile();
    await submit(first, mpnId);
    const linked = await call('POST', '/enrollments', {
      token: second.token,
      body: enrollmentBody(second, mpnId),
    });
    expect(linked.status).toBe(409);
    expect(linked.body.code).toBe('MPN_ALREADY_LINKED');
    expect(await item(keys.openEnrollment(second.orgId))).toBeUndefined();
    const open = await call('POST', '/enrollments', {
      token: first.token,
      body: enrollmentBody(first, await mpnProfile()),
    });
    expect(open.status).toBe(409);
    expect(open.body.code).toBe('ALREADY_ENROLLED');
  });

  it('names every bad field', async () => {
    const account = await verifiedAccount();
    const res = await call('POST', '/enrollments', {
      token: account.token,
      body: {
        mpnId: 'abc',
        address: { country: 'Spain' },
        primaryContact: { email: 'x' },
        supportContact: { phone: '1' },
        locale: 'spanish!',
      },
    });
    expect(res.status).toBe(400);
    const paths = (res.body.errors as Array<{ path: string }>).map((e) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'body.mpnId',
        'body.legalName',
        'body.address.line1',
        'body.address.city',
        'body.address.postalCode',
        'body.address.country',
        'body.primaryContact.firstName',
        'body.primaryContact.email',
        'body.primaryContact.phone',
        'body.supportContact.email',
        'body.supportContact.phone',
        'body.locale',
      ]),
    );
  });

  it('is for global admins only, and other organizations get 404', async () => {
    const account = await verifiedAccount();
    const agent = await userWithRoles(account.token, account.domain, 'ADMIN_AGENT', 'NONE');
    const forbidden = await call('POST', '/enrollments', {
      token: agent.token,
      body: enrollmentBody(account, await mpnProfile()),
    });
    expect(forbidden.status).toBe(403);
    const enrollmentId = await submit(account, await mpnProfile());
    expect((await call('GET', `/enrollments/${enrollmentId}`, { token: agent.token })).status).toBe(200);
    const stranger = await verifiedAccount();
    const res = await call('GET', `/enrollments/${enrollmentId}`, { token: stranger.token });
    expect(res.status).toBe(404);
    expect(
      (await call('POST', `/enrollments/${enrollmentId}/verification-email`, { token: stranger.token }))
        .status,
    ).toBe(404);
  });

  it('re-sends the verification email with a new link (the old one dies), 3 times a day', async () => {
    const account = await verifiedAccount();
    const enrollmentId = await submit(account, await mpnProfile());
    const contact = contactOf(account.domain);
    const seen = [await enrollmentToken(contact)];
    for (let i = 0; i < 3; i++) {
      expect(
        (await call('POST', `/enrollments/${enrollmentId}/verification-email`, { token: account.token }))
          .status,
      ).toBe(202);
      seen.push(await enrollmentToken(contact, seen));
    }
    const limited = await call('POST', `/enrollments/${enrollmentId}/verification-email`, {
      token: account.token,
    });
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe('RATE_LIMITED');
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    const old = await call('POST', '/enrollments/verify', { body: { token: seen[0] } });
    expect(old.status).toBe(404);
    expect(old.body.code).toBe('LINK_INVALID');
    const latest = await call('POST', '/enrollments/verify', { body: { token: seen.at(-1) } });
    expect(latest.body).toEqual({ status: 'IN_REVIEW' });
    const notPending = await call('POST', `/enrollments/${enrollmentId}/verification-email`, {
      token: account.token,
    });
    expect(notPending.status).toBe(409);
  });

  it('answers LINK_INVALID to unknown tokens and ENROLLMENT_NOT_IN_REVIEW to early decisions', async () => {
    expect((await call('POST', '/enrollments/verify', { body: { token: randomUUID() } })).body.code).toBe(
      'LINK_INVALID',
    );
    expect((await fetch(`${runtime.apiUrl}/enrollments/verify?token=nope`)).status).toBe(404);
    const account = await verifiedAccount();
    const enrollmentId = await submit(account, await mpnProfile());
    const res = await call('POST', `/operator/enrollments/${enrollmentId}/decision`, {
      token: await operatorToken(),
      body: { decision: 'APPROVE' },
    });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('ENROLLMENT_NOT_IN_REVIEW');
  });
});

describe('enrollment at volume', () => {
  it('takes 50 concurrent enrollments of different organizations to IN_REVIEW, none lost or duplicated', async () => {
    const accounts = await Promise.all(Array.from({ length: 50 }, () => verifiedAccount()));
    const op = await operatorToken();
    const mpnIds = await Promise.all(accounts.map(() => mpnProfile({ token: op })));
    // Each organization submits and its contact confirms as soon as the email arrives, all 50 at
    // once (links expire in 7 s at this time scale, so no enrollment waits for the others').
    const tokens = enrollmentTokensAsTheyArrive(
      accounts.map((a) => contactOf(a.domain)),
      { since: Date.now() / 1000 - 1 },
    );
    const flows = await Promise.all(
      accounts.map(async (a, i) => {
        const id = await submit(a, mpnIds[i] ?? '');
        const token = await tokens.get(contactOf(a.domain));
        return { id, verified: await call('POST', '/enrollments/verify', { body: { token } }) };
      }),
    );
    const ids = flows.map((f) => f.id);
    expect(new Set(ids).size).toBe(50);
    const verified = flows.map((f) => f.verified);
    expect(verified.map((r) => r.status)).toEqual(Array(50).fill(200));
    await Promise.all(accounts.map((a, i) => waitForStatus(a, ids[i] ?? '', 'IN_REVIEW')));

    const { executions } = await sfn.send(
      new ListExecutionsCommand({
        stateMachineArn: env[stateMachineArnEnvName('enrollment-review')],
        maxResults: 1000,
      }),
    );
    const mine = (executions ?? []).filter((e) => ids.includes(e.name ?? ''));
    expect(mine).toHaveLength(50);
    const contacts = new Set(accounts.map((a) => contactOf(a.domain)));
    const inReviewMails = await eventually(async () => {
      const mails = (await emailsSince(0)).filter(
        (m) => contacts.has(m.destination.to[0] ?? '') && / is in review$/.test(m.subject),
      );
      return mails.length >= 50 ? mails : undefined;
    });
    // One "in review" email per enrollment: none lost, none duplicated.
    expect(inReviewMails).toHaveLength(50);
    expect(new Set(inReviewMails.map((m) => m.destination.to[0])).size).toBe(50);
  }, 60_000);

  it('starts one execution when the same enrollment is submitted twice with one Idempotency-Key', async () => {
    const account = await verifiedAccount();
    const body = enrollmentBody(account, await mpnProfile());
    const key = randomUUID();
    const [a, b] = await Promise.all([
      call('POST', '/enrollments', { token: account.token, body, headers: { 'Idempotency-Key': key } }),
      call('POST', '/enrollments', { token: account.token, body, headers: { 'Idempotency-Key': key } }),
    ]);
    const statuses = [a.status, b.status].sort();
    // Either the replay returns the first response, or it arrives while the first is in flight.
    expect(statuses[0]).toBe(202);
    expect([202, 409]).toContain(statuses[1]);
    const replay = await call('POST', '/enrollments', {
      token: account.token,
      body,
      headers: { 'Idempotency-Key': key },
    });
    expect(replay.status).toBe(202);
    const enrollmentId = (a.status === 202 ? a : b).body.enrollmentId;
    expect(replay.body.enrollmentId).toBe(enrollmentId);
    const { executions } = await sfn.send(
      new ListExecutionsCommand({
        stateMachineArn: env[stateMachineArnEnvName('enrollment-review')],
        maxResults: 1000,
      }),
    );
    const started = (executions ?? []).filter((e) => e.name === enrollmentId);
    expect(started).toHaveLength(1);
  });
});
