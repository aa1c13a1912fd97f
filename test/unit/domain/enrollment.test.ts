import { beforeEach, describe, expect, it } from 'vitest';
import {
  DecisionAlreadyMadeError,
  decideEnrollment,
  type EnrollmentApiDeps,
  type EnrollmentInput,
  enrollmentOf,
  listEnrollmentsForOperators,
  peekEnrollmentVerification,
  putPartnerProfile,
  REMINDERS_BEFORE_ESCALATION,
  RESENDS_PER_DAY,
  resendVerification,
  stepApplyDecision,
  stepAutomatedChecks,
  stepAwaitDecision,
  stepExpire,
  stepNotifyInReview,
  stepRecordFailure,
  stepRemind,
  stepSendVerification,
  submitEnrollment,
  verifyEnrollment,
} from '../../../functions/enrollment/domain/enrollments.ts';
import type { OrganizationRecord, Principal } from '../../../functions/identity/domain/model.ts';
import {
  DAY_SECONDS,
  hashLinkToken,
  VERIFICATION_LINK_TTL_SECONDS,
} from '../../../functions/platform/links/links.ts';
import {
  addOrganization,
  addUser,
  enrollmentDeps,
  type FakePorts,
  fakePorts,
  OPERATOR_ALERT_EMAIL,
  PUBLIC_BASE_URL,
  T0,
  tableDump,
} from '../fakes/deps.ts';
import { expectCode } from '../fakes/expect-code.ts';
import { tokenOf } from '../fakes/mailer.ts';

const T0_SECONDS = T0.getTime() / 1000;
const VERIFY = `${PUBLIC_BASE_URL}/enrollments/verify?token=`;
const CONTACT = 'pia@contoso.example';
const MPN = '1234567';

let p: FakePorts;
let deps: EnrollmentApiDeps;
let org: OrganizationRecord;
/** The global admin who enrolls; not an agent yet, so approval visibly makes them one. */
let gina: Principal;

const input = (over: Partial<EnrollmentInput> = {}): EnrollmentInput => ({
  mpnId: MPN,
  legalName: 'Contoso Iberia S.L.',
  address: { line1: 'Calle Mayor 1', city: 'Madrid', postalCode: '28013', country: 'ES' },
  primaryContact: { firstName: 'Pia', lastName: 'Contact', email: CONTACT, phone: '+34 600 000 000' },
  supportContact: { email: 'support@contoso.example', phone: '+34 600 000 001' },
  ...over,
});

const profile = (mpnId: string, over: { country?: string; status?: 'ACTIVE' | 'INACTIVE' } = {}) =>
  putPartnerProfile(deps, mpnId, { legalName: `Partner ${mpnId}`, country: 'ES', status: 'ACTIVE', ...over });

beforeEach(async () => {
  p = fakePorts();
  deps = enrollmentDeps(p);
  ({ org } = await addOrganization(p, 'contoso'));
  gina = await addUser(p, org, 'gina', 'NONE', 'GLOBAL_ADMIN');
  await profile(MPN);
});

const stored = (enrollmentId: string) => p.enrollments.enrollments.get(enrollmentId)?.record;

/** Submitted, and the workflow's first step has sent the link: the enrollment id, the emailed token, the wait's task token. */
async function submitted(actor = gina, over: Partial<EnrollmentInput> = {}) {
  const { enrollmentId } = await submitEnrollment(deps, actor, input(over));
  const waitToken = p.workflow.taskToken(enrollmentId);
  await stepSendVerification(deps, enrollmentId, waitToken);
  const contact = over.primaryContact?.email ?? CONTACT;
  return { enrollmentId, waitToken, token: tokenOf(p.mailer.linkTo(contact, VERIFY)) };
}

/** Verified: IN_REVIEW, and the workflow waits for the operator's decision. */
async function inReview() {
  const { enrollmentId, token } = await submitted();
  await verifyEnrollment(deps, token);
  const decisionToken = p.workflow.taskToken(enrollmentId);
  await stepAwaitDecision(deps, enrollmentId, decisionToken);
  return { enrollmentId, decisionToken };
}

describe('submitEnrollment', () => {
  it('writes the enrollment with its MPN claim and open marker, and starts the review', async () => {
    const result = await submitEnrollment(deps, gina, input());

    expect(result).toEqual({ enrollmentId: expect.any(String), status: 'PENDING_EMAIL_VERIFICATION' });
    expect(stored(result.enrollmentId)).toEqual({
      id: result.enrollmentId,
      orgId: 'contoso',
      userId: gina.user.id,
      ...input(),
      locale: 'en-US',
      status: 'PENDING_EMAIL_VERIFICATION',
      history: [{ status: 'PENDING_EMAIL_VERIFICATION', at: T0.toISOString(), note: 'Submitted' }],
      createdAt: T0.toISOString(),
      verificationDeadline: T0_SECONDS + VERIFICATION_LINK_TTL_SECONDS,
    });
    expect(p.enrollments.mpnClaims.get(MPN)).toEqual({ orgId: 'contoso', enrollmentId: result.enrollmentId });
    expect(p.enrollments.openEnrollments.get('contoso')).toBe(result.enrollmentId);
    expect(p.workflow.started).toEqual([result.enrollmentId]);
    // The workflow's first step sends the verification email, not the submission.
    expect(p.mailer.sent).toEqual([]);
    expect(await enrollmentOf(deps, gina, result.enrollmentId)).toEqual(stored(result.enrollmentId));
  });

  it('checks the rules in the order API.md lists them, writing and starting nothing', async () => {
    const { admin: resellerAdmin } = await addOrganization(p, 'resold', ['RESELLER']);
    const uma = await addUser(p, org, 'uma', 'NONE', 'USER_MANAGEMENT_ADMIN');
    await profile('7000001', { status: 'INACTIVE' });
    await profile('7000002', { country: 'PT' });
    const contact = (email: string) => ({ ...input().primaryContact, email });
    const before = tableDump(p);

    await expectCode('FORBIDDEN', submitEnrollment(deps, uma, input()));
    await expectCode('ALREADY_ENROLLED', submitEnrollment(deps, resellerAdmin, input()));
    await expectCode(
      'WEBMAIL_NOT_ALLOWED',
      submitEnrollment(deps, gina, input({ primaryContact: contact('pia@gmail.com'), mpnId: 'unknown' })),
    );
    await expectCode(
      'EMAIL_DOMAIN_MISMATCH',
      submitEnrollment(
        deps,
        gina,
        input({ primaryContact: contact('pia@fabrikam.example'), mpnId: 'unknown' }),
      ),
    );
    const country = await expectCode(
      'COUNTRY_MISMATCH',
      submitEnrollment(
        deps,
        gina,
        input({ address: { ...input().address, country: 'FR' }, mpnId: 'unknown' }),
      ),
    );
    expect(country.detail).toBe(
      'The address is in FR but your organization is in ES. Enroll with an address in ES.',
    );
    await expectCode('MPN_NOT_FOUND', submitEnrollment(deps, gina, input({ mpnId: 'unknown' })));
    await expectCode('MPN_INACTIVE', submitEnrollment(deps, gina, input({ mpnId: '7000001' })));
    const mpnCountry = await expectCode(
      'MPN_COUNTRY_MISMATCH',
      submitEnrollment(deps, gina, input({ mpnId: '7000002' })),
    );
    expect(mpnCountry.detail).toContain('is in PT');

    expect(tableDump(p)).toEqual(before);
    expect(p.workflow.started).toEqual([]);
  });

  it('refuses an MPN ID linked to another organization (MPN_ALREADY_LINKED) and a second open enrollment (ALREADY_ENROLLED)', async () => {
    const { admin: fabrikamAdmin } = await addOrganization(p, 'fabrikam');
    const first = await submitEnrollment(
      deps,
      fabrikamAdmin,
      input({ primaryContact: { ...input().primaryContact, email: 'pia@fabrikam.example' } }),
    );
    await profile('7000003');
    const before = tableDump(p);

    const linked = await expectCode('MPN_ALREADY_LINKED', submitEnrollment(deps, gina, input()));
    expect(linked.detail).toContain(MPN);
    await submitEnrollment(deps, gina, input({ mpnId: '7000003' }));
    const after = tableDump(p);
    await expectCode('ALREADY_ENROLLED', submitEnrollment(deps, gina, input({ mpnId: '7000003' })));

    expect(tableDump(p)).toEqual(after);
    expect(after).not.toEqual(before);
    expect(p.workflow.started).toHaveLength(2);
    expect(p.workflow.started[0]).toBe(first.enrollmentId);
  });

  it('is NOT_FOUND when the organization no longer exists', async () => {
    p.identity.organizations.delete('contoso');

    await expectCode('NOT_FOUND', submitEnrollment(deps, gina, input()));
    expect(p.enrollments.enrollments.size).toBe(0);
  });

  it('undoes the enrollment when the review cannot start, so it can be submitted again', async () => {
    p.workflow.failNextStart();
    const before = tableDump(p);

    await expect(submitEnrollment(deps, gina, input())).rejects.toThrow('Step Functions is unavailable');

    expect(tableDump(p)).toEqual(before);
    expect((await submitEnrollment(deps, gina, input())).status).toBe('PENDING_EMAIL_VERIFICATION');
  });

  it('shows an enrollment to its own organization only', async () => {
    const { enrollmentId } = await submitEnrollment(deps, gina, input());
    const { admin: fabrikamAdmin } = await addOrganization(p, 'fabrikam');

    await expectCode('NOT_FOUND', enrollmentOf(deps, fabrikamAdmin, enrollmentId));
    await expectCode('NOT_FOUND', enrollmentOf(deps, gina, 'no-such-enrollment'));
  });
});

describe('the verification link', () => {
  it('is sent by the first step to the primary contact, valid until the deadline, the task token kept in the table only', async () => {
    const { enrollmentId, waitToken, token } = await submitted();

    expect(p.enrollments.enrollments.get(enrollmentId)?.taskToken).toBe(waitToken);
    expect(p.identity.links.get(hashLinkToken(token))).toEqual({
      tokenHash: hashLinkToken(token),
      kind: 'ENROLLMENT_VERIFICATION',
      orgId: 'contoso',
      enrollmentId,
      createdAt: T0.toISOString(),
      expiresAt: T0_SECONDS + VERIFICATION_LINK_TTL_SECONDS,
    });
    const [mail] = p.mailer.to(CONTACT);
    expect(mail?.subject).toBe('Verify your email to enroll Org contoso');
    expect(JSON.stringify(mail)).not.toContain(waitToken);
    expect(JSON.stringify(stored(enrollmentId))).not.toContain(waitToken);
  });

  it('shows the organization without changing anything, then moves the enrollment to IN_REVIEW once and resumes the workflow', async () => {
    const { enrollmentId, waitToken, token } = await submitted();
    const before = tableDump(p);

    expect(await peekEnrollmentVerification(deps, token)).toEqual({
      organizationName: 'Org contoso',
      legalName: 'Contoso Iberia S.L.',
    });
    expect(tableDump(p)).toEqual(before);

    p.clock.advance(DAY_SECONDS);
    expect(await verifyEnrollment(deps, token)).toEqual({ status: 'IN_REVIEW' });

    expect(stored(enrollmentId)?.status).toBe('IN_REVIEW');
    expect(stored(enrollmentId)?.history.at(-1)).toEqual({
      status: 'IN_REVIEW',
      at: p.clock.now().toISOString(),
      note: 'Primary contact email verified',
    });
    expect(p.identity.links.get(hashLinkToken(token))?.usedAt).toBe(p.clock.now().toISOString());
    expect(p.workflow.resumed).toEqual([{ taskToken: waitToken, output: { verified: true } }]);
    await expectCode('LINK_USED', verifyEnrollment(deps, token));
    await expectCode('LINK_USED', peekEnrollmentVerification(deps, token));
    expect(p.workflow.resumed).toHaveLength(1);
  });

  it('still verifies when the wait already timed out; the expiry step then carries on with the review', async () => {
    const { enrollmentId, waitToken, token } = await submitted();
    p.workflow.timeOut(waitToken);

    await verifyEnrollment(deps, token);

    expect(p.workflow.resumed).toEqual([]);
    expect(await stepExpire(deps, enrollmentId)).toEqual({ outcome: 'VERIFIED' });
    expect(stored(enrollmentId)?.status).toBe('IN_REVIEW');
    expect(p.mailer.sent).toHaveLength(1);
  });

  it('expires at the deadline, and keeps answering LINK_EXPIRED once the enrollment expired', async () => {
    const { enrollmentId, token } = await submitted();

    p.clock.advance(VERIFICATION_LINK_TTL_SECONDS);
    await expectCode('LINK_EXPIRED', verifyEnrollment(deps, token));
    await expectCode('LINK_EXPIRED', peekEnrollmentVerification(deps, token));
    expect(stored(enrollmentId)?.status).toBe('PENDING_EMAIL_VERIFICATION');

    expect(await stepExpire(deps, enrollmentId)).toEqual({ outcome: 'EXPIRED' });
    expect(stored(enrollmentId)?.history.at(-1)).toMatchObject({ status: 'EXPIRED' });
    expect(p.mailer.to(CONTACT).at(-1)?.subject).toBe('The enrollment of Org contoso has expired');
    await expectCode('LINK_EXPIRED', verifyEnrollment(deps, token));
    // The MPN ID and the organization are free to enroll again.
    expect(p.enrollments.mpnClaims.has(MPN)).toBe(false);
    expect(p.enrollments.openEnrollments.has('contoso')).toBe(false);
    expect((await submitEnrollment(deps, gina, input())).status).toBe('PENDING_EMAIL_VERIFICATION');
  });

  it('answers LINK_INVALID for an unknown token, a link of another kind, and a link whose enrollment is gone', async () => {
    const { enrollmentId, token } = await submitted();
    p.identity.links.set(hashLinkToken('account-token'), {
      tokenHash: hashLinkToken('account-token'),
      kind: 'ACCOUNT_VERIFICATION',
      orgId: 'contoso',
      userId: gina.user.id,
      createdAt: T0.toISOString(),
      expiresAt: T0_SECONDS + DAY_SECONDS,
    });

    await expectCode('LINK_INVALID', verifyEnrollment(deps, 'no-such-token'));
    await expectCode('LINK_INVALID', peekEnrollmentVerification(deps, 'account-token'));
    p.enrollments.enrollments.delete(enrollmentId);
    await expectCode('LINK_INVALID', verifyEnrollment(deps, token));
  });

  it('answers LINK_EXPIRED to a verification that loses the race with the expiry step', async () => {
    const { enrollmentId, token } = await submitted();
    const transition = p.enrollments.transition.bind(p.enrollments);
    let raced = false;
    // The 7-day wait ends between the verification's read and its write.
    p.enrollments.transition = async (...args) => {
      if (!raced) {
        raced = true;
        expect(await stepExpire(deps, enrollmentId)).toEqual({ outcome: 'EXPIRED' });
      }
      return transition(...args);
    };

    await expectCode('LINK_EXPIRED', verifyEnrollment(deps, token));
    expect(stored(enrollmentId)?.status).toBe('EXPIRED');
  });

  it('lets one of two concurrent verifications win; the other is LINK_USED', async () => {
    const { enrollmentId, token } = await submitted();

    const [first, second] = [verifyEnrollment(deps, token), verifyEnrollment(deps, token)];

    const [verified] = await Promise.all([first, expectCode('LINK_USED', second)]);

    expect(verified).toEqual({ status: 'IN_REVIEW' });
    expect(stored(enrollmentId)?.history.map((h) => h.status)).toEqual([
      'PENDING_EMAIL_VERIFICATION',
      'IN_REVIEW',
    ]);
  });
});

describe('resendVerification', () => {
  it('sends a new link with the same deadline and kills the previous one', async () => {
    const { enrollmentId, token: first } = await submitted();
    p.clock.advance(3600);

    await resendVerification(deps, gina, enrollmentId);

    const second = tokenOf(p.mailer.linkTo(CONTACT, VERIFY));
    expect(second).not.toBe(first);
    expect(p.identity.links.get(hashLinkToken(first))?.supersededAt).toBe(p.clock.now().toISOString());
    expect(p.identity.links.get(hashLinkToken(second))?.expiresAt).toBe(
      T0_SECONDS + VERIFICATION_LINK_TTL_SECONDS,
    );
    await expectCode('LINK_INVALID', verifyEnrollment(deps, first));
    expect(await verifyEnrollment(deps, second)).toEqual({ status: 'IN_REVIEW' });
  });

  it('sends at most 3 a UTC day (RATE_LIMITED until midnight), then again the next day', async () => {
    const { enrollmentId } = await submitted();
    for (let i = 0; i < RESENDS_PER_DAY; i++) await resendVerification(deps, gina, enrollmentId);
    const sent = p.mailer.sent.length;

    const limited = await expectCode('RATE_LIMITED', resendVerification(deps, gina, enrollmentId));

    // T0 is 09:00 UTC: 15 hours to the next UTC day.
    expect(limited.retryAfterSeconds).toBe(15 * 3600);
    expect(p.mailer.sent).toHaveLength(sent);
    p.clock.advance(15 * 3600);
    await resendVerification(deps, gina, enrollmentId);
    expect(p.mailer.sent).toHaveLength(sent + 1);
  });

  it('is for a global admin of the organization, while the enrollment waits for verification', async () => {
    const { enrollmentId, token } = await submitted();
    const uma = await addUser(p, org, 'uma', 'NONE', 'USER_MANAGEMENT_ADMIN');
    const { admin: fabrikamAdmin } = await addOrganization(p, 'fabrikam');

    await expectCode('FORBIDDEN', resendVerification(deps, uma, enrollmentId));
    await expectCode('NOT_FOUND', resendVerification(deps, fabrikamAdmin, enrollmentId));
    await verifyEnrollment(deps, token);
    const notPending = await expectCode(
      'ENROLLMENT_NOT_PENDING_VERIFICATION',
      resendVerification(deps, gina, enrollmentId),
    );
    expect(notPending.detail).toContain('IN_REVIEW');
    expect(p.mailer.sent).toHaveLength(1);
    expect(p.enrollments.resends.size).toBe(0);
  });
});

describe('the operator’s decision', () => {
  it('is recorded once while IN_REVIEW, and resumes the waiting workflow', async () => {
    const { enrollmentId, decisionToken } = await inReview();
    p.clock.advance(DAY_SECONDS);

    await decideEnrollment(deps, 'olga@operator.example', enrollmentId, { decision: 'APPROVE' });

    expect(stored(enrollmentId)?.decision).toEqual({
      decision: 'APPROVE',
      by: 'olga@operator.example',
      at: p.clock.now().toISOString(),
    });
    expect(p.workflow.resumed.at(-1)).toEqual({ taskToken: decisionToken, output: { decided: true } });
    await expectCode(
      'ENROLLMENT_NOT_IN_REVIEW',
      decideEnrollment(deps, 'otto@operator.example', enrollmentId, { decision: 'REJECT', reason: 'Late' }),
    );
    expect(stored(enrollmentId)?.decision?.by).toBe('olga@operator.example');
  });

  it('is refused before verification and for an unknown enrollment', async () => {
    const { enrollmentId } = await submitted();

    const error = await expectCode(
      'ENROLLMENT_NOT_IN_REVIEW',
      decideEnrollment(deps, 'olga@operator.example', enrollmentId, { decision: 'APPROVE' }),
    );
    expect(error.detail).toContain('PENDING_EMAIL_VERIFICATION');
    await expectCode(
      'NOT_FOUND',
      decideEnrollment(deps, 'olga@operator.example', 'nope', { decision: 'APPROVE' }),
    );
    expect(stored(enrollmentId)?.decision).toBeUndefined();
  });

  it('made before the workflow waits, makes the wait refuse, so the decision is applied at once', async () => {
    const { enrollmentId, token } = await submitted();
    await verifyEnrollment(deps, token);
    const resumed = p.workflow.resumed.length;

    await decideEnrollment(deps, 'olga@operator.example', enrollmentId, {
      decision: 'REJECT',
      reason: 'No tax id',
    });

    expect(p.workflow.resumed).toHaveLength(resumed);
    await expect(
      stepAwaitDecision(deps, enrollmentId, p.workflow.taskToken(enrollmentId)),
    ).rejects.toBeInstanceOf(DecisionAlreadyMadeError);
  });
});

describe('the review steps', () => {
  it('tells the contact the enrollment is in review', async () => {
    const { enrollmentId } = await inReview();

    await stepNotifyInReview(deps, enrollmentId);

    const mail = p.mailer.to(CONTACT).at(-1);
    expect(mail?.subject).toBe('The enrollment of Org contoso is in review');
    expect(mail?.text).toContain(enrollmentId);
  });

  it('re-checks the partner network profile and the MPN claim', async () => {
    const { enrollmentId } = await inReview();

    expect(await stepAutomatedChecks(deps, enrollmentId)).toEqual({ passed: true, reason: null });
    await profile(MPN, { status: 'INACTIVE' });
    expect(await stepAutomatedChecks(deps, enrollmentId)).toEqual({
      passed: false,
      reason: expect.stringContaining('is not active'),
    });
    await profile(MPN);
    p.enrollments.mpnClaims.set(MPN, { orgId: 'fabrikam', enrollmentId: 'other' });
    expect(await stepAutomatedChecks(deps, enrollmentId)).toEqual({
      passed: false,
      reason: expect.stringContaining('already linked to another organization'),
    });
    p.enrollments.mpnClaims.delete(MPN);
    expect(await stepAutomatedChecks(deps, enrollmentId)).toEqual({
      passed: false,
      reason: expect.stringContaining('is missing'),
    });
  });

  it('reminds the contact every time, and tells the operators every 10th reminder', async () => {
    const { enrollmentId } = await inReview();
    const results = [];
    for (let i = 0; i < REMINDERS_BEFORE_ESCALATION; i++) {
      p.clock.advance(3 * DAY_SECONDS);
      results.push(await stepRemind(deps, enrollmentId));
    }

    expect(results.map((r) => r.escalated)).toEqual([...Array(9).fill(false), true]);
    expect(results.at(-1)).toEqual({ reminders: 10, escalated: true });
    expect(stored(enrollmentId)?.reminders).toBe(10);
    expect(p.mailer.to(CONTACT).filter((m) => m.subject.includes('still in review'))).toHaveLength(10);
    expect(p.mailer.to(OPERATOR_ALERT_EMAIL).map((m) => m.subject)).toEqual([
      'Review overdue: Org contoso (30 days in review)',
    ]);
  });

  it('applies an approval: a reseller organization, an admin agent enroller, the MPN ID kept linked', async () => {
    const { enrollmentId } = await inReview();
    await decideEnrollment(deps, 'olga@operator.example', enrollmentId, { decision: 'APPROVE' });
    p.clock.advance(60);

    expect(await stepApplyDecision(deps, enrollmentId)).toEqual({ status: 'APPROVED' });

    expect(stored(enrollmentId)?.history.map((h) => h.status)).toEqual([
      'PENDING_EMAIL_VERIFICATION',
      'IN_REVIEW',
      'APPROVED',
    ]);
    expect(p.identity.organizations.get('contoso')).toMatchObject({ partnerTypes: ['RESELLER'], mpnId: MPN });
    expect(p.identity.users.get(gina.user.id)).toMatchObject({
      agentRole: 'ADMIN_AGENT',
      adminRole: 'GLOBAL_ADMIN',
    });
    expect(p.enrollments.openEnrollments.has('contoso')).toBe(false);
    expect(p.enrollments.mpnClaims.get(MPN)?.orgId).toBe('contoso');
    const mail = p.mailer.to(CONTACT).at(-1);
    expect(mail?.subject).toBe('The enrollment of Org contoso is approved');
    expect(mail?.text).toContain(`${PUBLIC_BASE_URL}/auth/sign-in`);

    await expectCode('ENROLLMENT_NOT_IN_REVIEW', stepApplyDecision(deps, enrollmentId));
    await expectCode('ALREADY_ENROLLED', submitEnrollment(deps, gina, input()));
    const { admin: fabrikamAdmin } = await addOrganization(p, 'fabrikam');
    await expectCode(
      'MPN_ALREADY_LINKED',
      submitEnrollment(
        deps,
        fabrikamAdmin,
        input({ primaryContact: { ...input().primaryContact, email: 'pia@fabrikam.example' } }),
      ),
    );
  });

  it('approves the organization even when the enrolling user was deleted during the review', async () => {
    const { enrollmentId } = await inReview();
    await decideEnrollment(deps, 'olga@operator.example', enrollmentId, { decision: 'APPROVE' });
    await p.identity.deleteUser(gina.user);

    await stepApplyDecision(deps, enrollmentId);

    expect(p.identity.organizations.get('contoso')?.partnerTypes).toEqual(['RESELLER']);
    expect(p.identity.users.has(gina.user.id)).toBe(false);
  });

  it('applies a rejection with its reason and frees the MPN ID and the organization to enroll again', async () => {
    const { enrollmentId } = await inReview();
    await decideEnrollment(deps, 'olga@operator.example', enrollmentId, {
      decision: 'REJECT',
      reason: 'No tax id',
    });

    expect(await stepApplyDecision(deps, enrollmentId)).toEqual({ status: 'REJECTED' });

    expect(stored(enrollmentId)?.history.at(-1)).toMatchObject({ status: 'REJECTED', note: 'No tax id' });
    expect(p.identity.organizations.get('contoso')?.partnerTypes).toEqual([]);
    expect(p.mailer.to(CONTACT).at(-1)?.text).toContain('No tax id');
    expect(p.enrollments.mpnClaims.has(MPN)).toBe(false);
    expect((await submitEnrollment(deps, gina, input())).status).toBe('PENDING_EMAIL_VERIFICATION');
  });

  it('rejects on the automated checks without an operator decision, and needs one otherwise', async () => {
    const { enrollmentId } = await inReview();

    await expect(stepApplyDecision(deps, enrollmentId)).rejects.toThrow('No decision recorded');
    await stepApplyDecision(deps, enrollmentId, 'the profile is not active');

    expect(stored(enrollmentId)?.history.at(-1)).toMatchObject({
      status: 'REJECTED',
      note: 'Automated checks: the profile is not active',
    });
    expect(p.mailer.to(CONTACT).at(-1)?.subject).toBe('The enrollment of Org contoso was not approved');
  });

  it('expires an unverified enrollment only; a verified one carries on without an email', async () => {
    const { enrollmentId } = await inReview();
    const before = tableDump(p);
    const sent = p.mailer.sent.length;

    expect(await stepExpire(deps, enrollmentId)).toEqual({ outcome: 'VERIFIED' });

    expect(tableDump(p)).toEqual(before);
    expect(p.mailer.sent).toHaveLength(sent);
    await expectCode('NOT_FOUND', stepExpire(deps, 'no-such-enrollment'));
  });

  it('records a workflow failure in the history for operators', async () => {
    const { enrollmentId } = await inReview();
    p.clock.advance(60);

    await stepRecordFailure(deps, enrollmentId, { Error: 'States.Timeout' });

    expect(stored(enrollmentId)?.history.at(-1)).toEqual({
      status: 'IN_REVIEW',
      at: p.clock.now().toISOString(),
      note: 'Review workflow failed (States.Timeout); an operator will look into it.',
    });
  });
});

describe('operators’ partner network and lists', () => {
  it('stores a partner network profile stamped with the time', async () => {
    p.clock.advance(60);

    const saved = await putPartnerProfile(deps, '7654321', {
      legalName: 'Tailspin',
      country: 'PT',
      status: 'INACTIVE',
    });

    expect(saved).toEqual({
      mpnId: '7654321',
      legalName: 'Tailspin',
      country: 'PT',
      status: 'INACTIVE',
      updatedAt: p.clock.now().toISOString(),
    });
    expect(await p.enrollments.getMpnProfile('7654321')).toEqual(saved);
  });

  it('lists enrollments oldest first, all or by status, with cursors of their own list', async () => {
    const ids: string[] = [];
    for (const name of ['fabrikam', 'tailspin', 'woodgrove']) {
      const { admin } = await addOrganization(p, name);
      await profile(`mpn-${name}`);
      const contact = { ...input().primaryContact, email: `pia@${name}.example` };
      ids.push(
        (await submitEnrollment(deps, admin, input({ mpnId: `mpn-${name}`, primaryContact: contact })))
          .enrollmentId,
      );
      p.clock.advance(60);
    }
    const second = ids[1] ?? '';
    await stepSendVerification(deps, second, p.workflow.taskToken(second));
    await verifyEnrollment(deps, tokenOf(p.mailer.linkTo('pia@tailspin.example', VERIFY)));

    const all: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listEnrollmentsForOperators(deps, undefined, 2, cursor);
      all.push(...page.items.map((e) => e.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(all).toEqual(ids);

    const pending = await listEnrollmentsForOperators(deps, 'PENDING_EMAIL_VERIFICATION', 1);
    expect(pending.items.map((e) => e.id)).toEqual([ids[0]]);
    const next = await listEnrollmentsForOperators(deps, 'PENDING_EMAIL_VERIFICATION', 1, pending.nextCursor);
    expect(next.items.map((e) => e.id)).toEqual([ids[2]]);
    expect((await listEnrollmentsForOperators(deps, 'IN_REVIEW', 25)).items.map((e) => e.id)).toEqual([
      second,
    ]);

    await expectCode(
      'VALIDATION_FAILED',
      listEnrollmentsForOperators(deps, 'IN_REVIEW', 1, pending.nextCursor),
    );
    await expectCode(
      'VALIDATION_FAILED',
      listEnrollmentsForOperators(deps, undefined, 1, pending.nextCursor),
    );
  });
});

describe('an enrollment from submission to approval', () => {
  it('walks PENDING_EMAIL_VERIFICATION → IN_REVIEW → APPROVED, emailing the contact at every transition', async () => {
    const { enrollmentId, token } = await submitted();
    await verifyEnrollment(deps, token);
    await stepNotifyInReview(deps, enrollmentId);
    expect(await stepAutomatedChecks(deps, enrollmentId)).toMatchObject({ passed: true });
    const decisionToken = p.workflow.taskToken(enrollmentId);
    await stepAwaitDecision(deps, enrollmentId, decisionToken);
    await decideEnrollment(deps, 'olga@operator.example', enrollmentId, { decision: 'APPROVE' });
    await stepApplyDecision(deps, enrollmentId);

    expect((await enrollmentOf(deps, gina, enrollmentId)).status).toBe('APPROVED');
    expect(p.mailer.to(CONTACT).map((m) => m.subject)).toEqual([
      'Verify your email to enroll Org contoso',
      'The enrollment of Org contoso is in review',
      'The enrollment of Org contoso is approved',
    ]);
    expect(p.workflow.resumed.map((r) => r.output)).toEqual([{ verified: true }, { decided: true }]);
  });
});

describe('business counts', () => {
  it('counts a submission once it stands, not one whose workflow could not start, nor a refused one', async () => {
    p.workflow.failNextStart();
    await expect(submitEnrollment(deps, gina, input())).rejects.toThrow('Step Functions is unavailable');
    await expectCode(
      'FORBIDDEN',
      submitEnrollment(deps, await addUser(p, org, 'uma', 'NONE', 'NONE'), input()),
    );
    expect(p.metrics.counted).toEqual([]);

    await submitEnrollment(deps, gina, input());

    expect(p.metrics.counted).toEqual([{ metric: 'enrollmentSubmitted', n: 1 }]);
  });

  it('counts an approval once, when the step applies it; a rejection or a retried step counts nothing', async () => {
    const { enrollmentId } = await inReview();
    await decideEnrollment(deps, 'olga@operator.example', enrollmentId, { decision: 'APPROVE' });

    await stepApplyDecision(deps, enrollmentId);
    await expectCode('ENROLLMENT_NOT_IN_REVIEW', stepApplyDecision(deps, enrollmentId));

    expect(p.metrics.total('enrollmentApproved')).toBe(1);
    const { org: fabrikam } = await addOrganization(p, 'fabrikam');
    const frida = await addUser(p, fabrikam, 'frida', 'NONE', 'GLOBAL_ADMIN');
    await profile('7654321');
    const rejected = await submitEnrollment(
      deps,
      frida,
      input({
        mpnId: '7654321',
        primaryContact: { ...input().primaryContact, email: 'pia@fabrikam.example' },
      }),
    );
    await stepSendVerification(deps, rejected.enrollmentId, p.workflow.taskToken(rejected.enrollmentId));
    await verifyEnrollment(deps, tokenOf(p.mailer.linkTo('pia@fabrikam.example', VERIFY)));
    await stepApplyDecision(deps, rejected.enrollmentId, 'the profile is not active');
    expect(p.metrics.total('enrollmentApproved')).toBe(1);
    expect(p.metrics.total('enrollmentSubmitted')).toBe(2);
  });
});
