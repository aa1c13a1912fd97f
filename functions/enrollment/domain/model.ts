import { DomainError } from '../../platform/errors.ts';

export const ENROLLMENT_STATUSES = [
  'PENDING_EMAIL_VERIFICATION',
  'IN_REVIEW',
  'APPROVED',
  'REJECTED',
  'EXPIRED',
] as const;
export type EnrollmentStatus = (typeof ENROLLMENT_STATUSES)[number];

/** A customer the partner already serves elsewhere, as its partner network profile lists it. */
export interface ExistingCustomer {
  name: string;
  domain: string;
  country: string;
}

export interface MpnProfile {
  mpnId: string;
  legalName: string;
  country: string;
  status: 'ACTIVE' | 'INACTIVE';
  /** Carried over to the reseller's customers when its enrollment is approved (functions/relationships/domain/existing.ts). */
  existingCustomers?: ExistingCustomer[];
  updatedAt: string;
}

export interface HistoryEntry {
  status: EnrollmentStatus;
  at: string;
  note?: string;
}

export interface Address {
  line1: string;
  line2?: string;
  city: string;
  region?: string;
  postalCode: string;
  country: string;
}

export interface Contact {
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
}

export interface EnrollmentRecord {
  id: string;
  orgId: string;
  /** The global admin who submitted it; becomes admin agent on approval. */
  userId: string;
  mpnId: string;
  legalName: string;
  address: Address;
  primaryContact: Contact;
  supportContact: { email: string; phone: string; website?: string };
  locale: string;
  status: EnrollmentStatus;
  history: HistoryEntry[];
  createdAt: string;
  /** The verification link stops working then, whatever link was sent last (epoch seconds). */
  verificationDeadline: number;
  /** The operator's decision, once made; the workflow applies it. */
  decision?: { decision: 'APPROVE' | 'REJECT'; reason?: string; by: string; at: string };
  reminders?: number;
}

export const publicEnrollment = (e: EnrollmentRecord) => ({
  enrollmentId: e.id,
  status: e.status,
  mpnId: e.mpnId,
  legalName: e.legalName,
  primaryContact: e.primaryContact,
  history: e.history,
  createdAt: e.createdAt,
});

export const operatorEnrollment = (e: EnrollmentRecord) => ({
  ...publicEnrollment(e),
  organizationId: e.orgId,
  address: e.address,
  supportContact: e.supportContact,
  locale: e.locale,
  ...(e.decision
    ? { decision: { decision: e.decision.decision, reason: e.decision.reason, at: e.decision.at } }
    : {}),
});

export const enrollmentErrors = {
  countryMismatch: (address: string, org: string) =>
    new DomainError(
      'COUNTRY_MISMATCH',
      `The address is in ${address} but your organization is in ${org}. Enroll with an address in ${org}.`,
    ),
  mpnNotFound: (mpnId: string) =>
    new DomainError(
      'MPN_NOT_FOUND',
      `No partner network profile has the ID ${mpnId}. Check the MPN ID in your partner network profile.`,
    ),
  mpnInactive: (mpnId: string) =>
    new DomainError(
      'MPN_INACTIVE',
      `The partner network profile ${mpnId} is not active. Activate it in the partner network first, then enroll.`,
    ),
  mpnCountryMismatch: (mpnId: string, mpnCountry: string, org: string) =>
    new DomainError(
      'MPN_COUNTRY_MISMATCH',
      `The partner network profile ${mpnId} is in ${mpnCountry}, not in your organization's country ${org}. Use a profile of the same country.`,
    ),
  mpnAlreadyLinked: (mpnId: string) =>
    new DomainError(
      'MPN_ALREADY_LINKED',
      `The partner network ID ${mpnId} is already linked to another organization. Use your own organization's MPN ID.`,
    ),
  notInReview: (status: string) =>
    new DomainError(
      'ENROLLMENT_NOT_IN_REVIEW',
      `The enrollment is ${status}, not IN_REVIEW; only enrollments in review can be decided.`,
    ),
  alreadyDecided: (decision: string) =>
    new DomainError(
      'ENROLLMENT_NOT_IN_REVIEW',
      `A decision (${decision}) was already recorded for this enrollment; it is being applied. Check GET /enrollments/{id} for its status.`,
    ),
  notPending: (status: string) =>
    new DomainError(
      'ENROLLMENT_NOT_PENDING_VERIFICATION',
      `The enrollment is ${status}; verification emails are only sent while it waits for email verification.`,
    ),
};
