import { randomUUID } from 'node:crypto';
import { identityErrors, type Principal } from '../../identity/domain/model.ts';
import type { IdentityStore } from '../../identity/ports.ts';
import type { BusinessCounts } from '../../platform/business-metrics.ts';
import { DomainError, isDomainError } from '../../platform/errors.ts';
import {
  assertLinkUsable,
  DAY_SECONDS,
  hashLinkToken,
  linkRecord,
  newLinkToken,
  VERIFICATION_LINK_TTL_SECONDS,
} from '../../platform/links/links.ts';
import type { Clock, LinkStore, Mailer } from '../../platform/ports.ts';
import { emailOnDomain, isWebmailAddress } from '../../platform/webmail.ts';
import { enrollmentApprovedEmail } from '../emails/approved.ts';
import { enrollmentExpiredEmail } from '../emails/expired.ts';
import { enrollmentInReviewEmail } from '../emails/in-review.ts';
import { enrollmentRejectedEmail } from '../emails/rejected.ts';
import { enrollmentReviewOverdueEmail } from '../emails/review-overdue.ts';
import { enrollmentStillInReviewEmail } from '../emails/still-in-review.ts';
import { enrollmentVerificationEmail } from '../emails/verification.ts';
import type { EnrollmentStore, ReviewWorkflow } from '../ports.ts';
import {
  type Address,
  type Contact,
  type EnrollmentRecord,
  type EnrollmentStatus,
  type ExistingCustomer,
  enrollmentErrors,
  type MpnProfile,
} from './model.ts';

export interface EnrollmentDeps {
  enrollments: EnrollmentStore;
  identity: IdentityStore;
  /** Emailed links of every kind. */
  links: LinkStore;
  mailer: Mailer;
  clock: Clock;
  publicBaseUrl: string;
  /** Where overdue reviews are reported (the operators' alert address, a deploy setting). */
  operatorAlertEmail: string;
  /** Enrollments submitted and approved (the operators' dashboard). */
  metrics: BusinessCounts;
}

/** The API side also drives the state machine; its task functions never do (that would be a deploy cycle). */
export type EnrollmentApiDeps = EnrollmentDeps & { workflow: ReviewWorkflow };

export interface EnrollmentInput {
  mpnId: string;
  legalName: string;
  address: Address;
  primaryContact: Contact;
  supportContact: { email: string; phone: string; website?: string };
  locale?: string;
}

export const RESENDS_PER_DAY = 3;
/** Every this many "still in review" reminders (3 days apart), operators are told the review is overdue. */
export const REMINDERS_BEFORE_ESCALATION = 10;

const epochSeconds = (d: Date) => Math.floor(d.getTime() / 1000);

async function organizationOf(deps: EnrollmentDeps, orgId: string) {
  const org = await deps.identity.getOrganization(orgId);
  if (!org) throw new DomainError('NOT_FOUND', 'Your organization no longer exists.');
  return org;
}

/** The partner network profile checks shared by submission and the workflow's automated checks. */
function mpnProblem(mpnId: string, profile: MpnProfile | undefined, country: string) {
  if (!profile) return enrollmentErrors.mpnNotFound(mpnId);
  if (profile.status !== 'ACTIVE') return enrollmentErrors.mpnInactive(mpnId);
  if (profile.country !== country)
    return enrollmentErrors.mpnCountryMismatch(mpnId, profile.country, country);
  return undefined;
}

/** POST /enrollments: the rules in the order API.md lists them, then one transaction, then the review starts. */
export async function submitEnrollment(deps: EnrollmentApiDeps, actor: Principal, input: EnrollmentInput) {
  if (actor.user.adminRole !== 'GLOBAL_ADMIN')
    throw new DomainError('FORBIDDEN', 'Only a global admin can enroll the organization.');
  const org = await organizationOf(deps, actor.user.orgId);
  if (org.partnerTypes.includes('RESELLER')) throw new DomainError('ALREADY_ENROLLED');
  const contact = input.primaryContact.email;
  if (isWebmailAddress(contact))
    throw identityErrors.webmailNotAllowed(`The primary contact address ${contact}`);
  if (!emailOnDomain(contact, org.domain)) throw identityErrors.emailDomainMismatch(contact, org.domain);
  if (input.address.country !== org.country)
    throw enrollmentErrors.countryMismatch(input.address.country, org.country);
  const problem = mpnProblem(input.mpnId, await deps.enrollments.getMpnProfile(input.mpnId), org.country);
  if (problem) throw problem;

  const now = deps.clock.now();
  const enrollment: EnrollmentRecord = {
    id: randomUUID(),
    orgId: org.id,
    userId: actor.user.id,
    mpnId: input.mpnId,
    legalName: input.legalName,
    address: input.address,
    primaryContact: input.primaryContact,
    supportContact: input.supportContact,
    locale: input.locale ?? 'en-US',
    status: 'PENDING_EMAIL_VERIFICATION',
    history: [{ status: 'PENDING_EMAIL_VERIFICATION', at: now.toISOString(), note: 'Submitted' }],
    createdAt: now.toISOString(),
    verificationDeadline: epochSeconds(now) + VERIFICATION_LINK_TTL_SECONDS,
  };
  await deps.enrollments.createEnrollment(enrollment);
  try {
    await deps.workflow.start(enrollment.id);
  } catch (error) {
    await deps.enrollments.deleteEnrollment(enrollment).catch(() => undefined);
    throw error;
  }
  // Counted once it stands (not undone above); a replayed Idempotency-Key never gets here.
  deps.metrics.count('enrollmentSubmitted');
  return { enrollmentId: enrollment.id, status: enrollment.status };
}

/** An enrollment of the caller's organization; others' are 404. */
export async function enrollmentOf(deps: EnrollmentDeps, actor: Principal, enrollmentId: string) {
  const enrollment = await deps.enrollments.getEnrollment(enrollmentId);
  if (!enrollment || enrollment.orgId !== actor.user.orgId)
    throw new DomainError('NOT_FOUND', 'No enrollment with this id in your organization.');
  return enrollment;
}

async function mustGet(deps: EnrollmentDeps, enrollmentId: string) {
  const enrollment = await deps.enrollments.getEnrollment(enrollmentId);
  if (!enrollment) throw new DomainError('NOT_FOUND', 'No enrollment with this id.');
  return enrollment;
}

/** Writes a fresh verification link (the previous one dies) and emails it to the primary contact. */
async function sendVerificationLink(deps: EnrollmentDeps, enrollment: EnrollmentRecord) {
  const token = newLinkToken();
  const link = linkRecord(
    token,
    { kind: 'ENROLLMENT_VERIFICATION', orgId: enrollment.orgId, enrollmentId: enrollment.id },
    deps.clock.now(),
    enrollment.verificationDeadline,
  );
  const previous = await deps.enrollments.getVerificationLinkHash(enrollment.id);
  await deps.enrollments.replaceVerificationLink(enrollment, link, previous);
  const org = await organizationOf(deps, enrollment.orgId);
  await deps.mailer.send({
    to: enrollment.primaryContact.email,
    ...enrollmentVerificationEmail(enrollment.locale, {
      contactFirstName: enrollment.primaryContact.firstName,
      organizationName: org.name,
      link: `${deps.publicBaseUrl}/enrollments/verify?token=${encodeURIComponent(token)}`,
      expiresAt: new Date(enrollment.verificationDeadline * 1000),
    }),
  });
}

/** Resolves a verification token to its enrollment, with the link errors the contract names. */
async function enrollmentOfLink(deps: EnrollmentDeps, token: string) {
  const link = await deps.links.getLink(hashLinkToken(token));
  const now = deps.clock.now();
  if (link?.kind !== 'ENROLLMENT_VERIFICATION' || !link.enrollmentId) throw new DomainError('LINK_INVALID');
  const enrollment = await deps.enrollments.getEnrollment(link.enrollmentId);
  if (!enrollment) throw new DomainError('LINK_INVALID');
  // An enrollment that expired keeps answering LINK_EXPIRED, a verified one LINK_USED.
  if (enrollment.status === 'EXPIRED') throw new DomainError('LINK_EXPIRED');
  assertLinkUsable(link, now);
  if (enrollment.status !== 'PENDING_EMAIL_VERIFICATION') throw new DomainError('LINK_USED');
  return { link, enrollment };
}

/** GET /enrollments/verify: names the organization; reads only. */
export async function peekEnrollmentVerification(deps: EnrollmentDeps, token: string) {
  const { enrollment } = await enrollmentOfLink(deps, token);
  const org = await organizationOf(deps, enrollment.orgId);
  return { organizationName: org.name, legalName: enrollment.legalName };
}

/** POST /enrollments/verify: IN_REVIEW at once (one conditional transaction), then the workflow resumes. */
export async function verifyEnrollment(deps: EnrollmentApiDeps, token: string) {
  const { link, enrollment } = await enrollmentOfLink(deps, token);
  try {
    await deps.enrollments.transition(
      enrollment,
      'PENDING_EMAIL_VERIFICATION',
      { status: 'IN_REVIEW', at: deps.clock.now().toISOString(), note: 'Primary contact email verified' },
      { consumeLink: link.tokenHash, onConflict: () => new DomainError('LINK_USED') },
    );
  } catch (error) {
    // Lost the race with the 7-day expiry step: the link expired, it was not used.
    if (
      isDomainError(error, 'LINK_USED') &&
      (await deps.enrollments.getEnrollment(enrollment.id))?.status === 'EXPIRED'
    )
      throw new DomainError('LINK_EXPIRED');
    throw error;
  }
  const taskToken = await deps.enrollments.getTaskToken(enrollment.id);
  // If the wait already timed out, the expiry step sees IN_REVIEW and carries on with the review.
  if (taskToken) await deps.workflow.resume(taskToken, { verified: true });
  return { status: 'IN_REVIEW' as const };
}

/** POST /enrollments/{id}/verification-email: a new link, the old one dead, at most 3 a UTC day. */
export async function resendVerification(deps: EnrollmentDeps, actor: Principal, enrollmentId: string) {
  if (actor.user.adminRole !== 'GLOBAL_ADMIN')
    throw new DomainError('FORBIDDEN', 'Only a global admin can re-send the verification email.');
  const enrollment = await enrollmentOf(deps, actor, enrollmentId);
  if (enrollment.status !== 'PENDING_EMAIL_VERIFICATION')
    throw enrollmentErrors.notPending(enrollment.status);
  const now = deps.clock.now();
  const day = now.toISOString().slice(0, 10);
  const allowed = await deps.enrollments.countResend(
    enrollment.id,
    day,
    RESENDS_PER_DAY,
    epochSeconds(now) + 2 * DAY_SECONDS,
  );
  if (!allowed) {
    const tomorrow = Date.parse(`${day}T00:00:00Z`) + DAY_SECONDS * 1000;
    throw new DomainError(
      'RATE_LIMITED',
      `The verification email was already sent ${RESENDS_PER_DAY} times today; try again tomorrow (UTC) or check the spam folder.`,
      { retryAfterSeconds: Math.ceil((tomorrow - now.getTime()) / 1000) },
    );
  }
  await sendVerificationLink(deps, enrollment);
}

export function listEnrollmentsForOperators(
  deps: EnrollmentDeps,
  status: EnrollmentStatus | undefined,
  limit: number,
  cursor?: string,
) {
  return deps.enrollments.listEnrollments(status, limit, cursor);
}

/** POST /operator/enrollments/{id}/decision: recorded once while IN_REVIEW; the workflow applies it. */
export async function decideEnrollment(
  deps: EnrollmentApiDeps,
  operator: string,
  enrollmentId: string,
  input: { decision: 'APPROVE' | 'REJECT'; reason?: string },
) {
  const enrollment = await mustGet(deps, enrollmentId);
  if (enrollment.status !== 'IN_REVIEW') throw enrollmentErrors.notInReview(enrollment.status);
  if (enrollment.decision) throw enrollmentErrors.alreadyDecided(enrollment.decision.decision);
  await deps.enrollments.recordDecision(enrollment, {
    decision: input.decision,
    ...(input.reason ? { reason: input.reason } : {}),
    by: operator,
    at: deps.clock.now().toISOString(),
  });
  const taskToken = await deps.enrollments.getTaskToken(enrollmentId);
  // Not waiting yet (or between waits)? The next wait finds the decision and applies it.
  if (taskToken) await deps.workflow.resume(taskToken, { decided: true });
}

export async function putPartnerProfile(
  deps: EnrollmentDeps,
  mpnId: string,
  input: Omit<MpnProfile, 'mpnId' | 'updatedAt'>,
) {
  const profile: MpnProfile = { mpnId, ...input, updatedAt: deps.clock.now().toISOString() };
  await deps.enrollments.putMpnProfile(profile);
  return profile;
}

/**
 * The customers an approved enrollment's partner network profile says the new reseller already
 * serves (API.md, "Existing customers"); undefined unless the enrollment is APPROVED. Read by the
 * relationships context when the approval's activity record arrives.
 */
export async function existingCustomersOfApproval(
  deps: Pick<EnrollmentDeps, 'enrollments'>,
  enrollmentId: string,
): Promise<{ resellerId: string; customers: ExistingCustomer[] } | undefined> {
  const enrollment = await deps.enrollments.getEnrollment(enrollmentId);
  if (enrollment?.status !== 'APPROVED') return undefined;
  const profile = await deps.enrollments.getMpnProfile(enrollment.mpnId);
  return { resellerId: enrollment.orgId, customers: profile?.existingCustomers ?? [] };
}

// ---- Steps of the enrollment-review state machine ----

export class DecisionAlreadyMadeError extends Error {
  override name = 'DecisionAlreadyMade';
}

async function mailContact(
  deps: EnrollmentDeps,
  enrollment: EnrollmentRecord,
  render: (orgName: string) => { subject: string; text: string; html: string },
) {
  const org = await organizationOf(deps, enrollment.orgId);
  await deps.mailer.send({ to: enrollment.primaryContact.email, ...render(org.name) });
}

/** Step 1: keep the task token in the table (never in the email or logs) and send our own link. */
export async function stepSendVerification(deps: EnrollmentDeps, enrollmentId: string, taskToken: string) {
  await deps.enrollments.saveTaskToken(enrollmentId, taskToken);
  await sendVerificationLink(deps, await mustGet(deps, enrollmentId));
}

/** The 7 days passed without verification; a verification that won the race is carried on with. */
export async function stepExpire(
  deps: EnrollmentDeps,
  enrollmentId: string,
): Promise<{ outcome: 'EXPIRED' | 'VERIFIED' }> {
  const enrollment = await mustGet(deps, enrollmentId);
  if (enrollment.status !== 'PENDING_EMAIL_VERIFICATION') return { outcome: 'VERIFIED' };
  try {
    await deps.enrollments.transition(
      enrollment,
      'PENDING_EMAIL_VERIFICATION',
      {
        status: 'EXPIRED',
        at: deps.clock.now().toISOString(),
        note: 'The verification link was not used within 7 days',
      },
      { release: true },
    );
  } catch (error) {
    if ((await mustGet(deps, enrollmentId)).status !== 'PENDING_EMAIL_VERIFICATION')
      return { outcome: 'VERIFIED' };
    throw error;
  }
  await mailContact(deps, enrollment, (organizationName) =>
    enrollmentExpiredEmail(enrollment.locale, {
      contactFirstName: enrollment.primaryContact.firstName,
      organizationName,
    }),
  );
  return { outcome: 'EXPIRED' };
}

export async function stepNotifyInReview(deps: EnrollmentDeps, enrollmentId: string) {
  const enrollment = await mustGet(deps, enrollmentId);
  await mailContact(deps, enrollment, (organizationName) =>
    enrollmentInReviewEmail(enrollment.locale, {
      contactFirstName: enrollment.primaryContact.firstName,
      organizationName,
      enrollmentId,
    }),
  );
}

/** Re-checks the partner network profile: it may have changed since submission. */
export async function stepAutomatedChecks(
  deps: EnrollmentDeps,
  enrollmentId: string,
): Promise<{ passed: boolean; reason: string | null }> {
  const enrollment = await mustGet(deps, enrollmentId);
  const org = await organizationOf(deps, enrollment.orgId);
  const problem = mpnProblem(
    enrollment.mpnId,
    await deps.enrollments.getMpnProfile(enrollment.mpnId),
    org.country,
  );
  if (problem) return { passed: false, reason: problem.detail ?? problem.code };
  const claim = await deps.enrollments.getMpnClaim(enrollment.mpnId);
  if (!claim)
    return {
      passed: false,
      reason: `The claim on the partner network ID ${enrollment.mpnId} is missing; an operator must look into it.`,
    };
  if (claim.orgId !== org.id)
    return { passed: false, reason: enrollmentErrors.mpnAlreadyLinked(enrollment.mpnId).detail ?? null };
  return { passed: true, reason: null };
}

/** Waits for the operator: refuses to wait (so the workflow applies it at once) when the decision is already in. */
export async function stepAwaitDecision(deps: EnrollmentDeps, enrollmentId: string, taskToken: string) {
  if (!(await deps.enrollments.saveDecisionTaskToken(enrollmentId, taskToken)))
    throw new DecisionAlreadyMadeError();
}

/** Another 3 days without a decision: tell the contact, and every 30 days tell the operators. */
export async function stepRemind(deps: EnrollmentDeps, enrollmentId: string) {
  const enrollment = await mustGet(deps, enrollmentId);
  const reminders = (enrollment.reminders ?? 0) + 1;
  await deps.enrollments.setReminders(enrollment, reminders);
  await mailContact(deps, enrollment, (organizationName) =>
    enrollmentStillInReviewEmail(enrollment.locale, {
      contactFirstName: enrollment.primaryContact.firstName,
      organizationName,
      submittedAt: new Date(enrollment.createdAt),
      reminderNumber: reminders,
    }),
  );
  const escalate = reminders % REMINDERS_BEFORE_ESCALATION === 0;
  if (escalate) {
    const org = await organizationOf(deps, enrollment.orgId);
    await deps.mailer.send({
      to: deps.operatorAlertEmail,
      ...enrollmentReviewOverdueEmail({
        organizationName: org.name,
        enrollmentId,
        submittedAt: new Date(enrollment.createdAt),
        daysInReview: Math.round(
          (deps.clock.now().getTime() - Date.parse(enrollment.createdAt)) / 86_400_000,
        ),
      }),
    });
  }
  return { reminders, escalated: escalate };
}

/**
 * Applies the operator's recorded decision, or the automated checks' rejection. Approval
 * makes the organization a reseller and the enrolling user an admin agent, in one transaction.
 */
export async function stepApplyDecision(
  deps: EnrollmentDeps,
  enrollmentId: string,
  automatedRejection?: string,
) {
  const enrollment = await mustGet(deps, enrollmentId);
  const decision = automatedRejection
    ? { decision: 'REJECT' as const, reason: `Automated checks: ${automatedRejection}` }
    : enrollment.decision;
  if (!decision) throw new Error('No decision recorded for this enrollment');
  const at = deps.clock.now().toISOString();
  const approve = decision.decision === 'APPROVE';
  await deps.enrollments.transition(
    enrollment,
    'IN_REVIEW',
    approve
      ? { status: 'APPROVED', at, note: 'Approved' }
      : { status: 'REJECTED', at, note: decision.reason ?? 'Rejected' },
    approve ? { approve: true } : { release: true },
  );
  // After the conditional write: a retried step finds it no longer IN_REVIEW and counts nothing.
  if (approve) deps.metrics.count('enrollmentApproved');
  const contactFirstName = enrollment.primaryContact.firstName;
  await mailContact(deps, enrollment, (organizationName) =>
    approve
      ? enrollmentApprovedEmail(enrollment.locale, {
          contactFirstName,
          organizationName,
          mpnId: enrollment.mpnId,
          signInUrl: `${deps.publicBaseUrl}/auth/sign-in`,
        })
      : enrollmentRejectedEmail(enrollment.locale, {
          contactFirstName,
          organizationName,
          reason: decision.reason ?? '',
        }),
  );
  return { status: approve ? 'APPROVED' : 'REJECTED' };
}

/** The workflow's Catch: what failed is kept in the enrollment's history for operators. */
export async function stepRecordFailure(
  deps: EnrollmentDeps,
  enrollmentId: string,
  error: { Error?: string },
) {
  const enrollment = await mustGet(deps, enrollmentId);
  await deps.enrollments.appendNote(enrollment, {
    status: enrollment.status,
    at: deps.clock.now().toISOString(),
    note: `Review workflow failed (${error.Error ?? 'unknown error'}); an operator will look into it.`,
  });
}
