import * as z from 'zod/mini';
import { DomainName } from '../identity/schemas.ts';
import { Country, Email, ListQuery } from '../platform/schemas.ts';
import { ENROLLMENT_STATUSES } from './domain/model.ts';

const Text = (max: number) =>
  z.string().check(z.trim(), z.minLength(1, { message: 'is required' }), z.maxLength(max));
const Phone = z
  .string()
  .check(
    z.trim(),
    z.regex(/^\+?[0-9][0-9 ()./-]{5,24}$/, { message: 'must be a phone number, e.g. +34 910 000 000' }),
  );
export const MpnId = z
  .string()
  .check(z.trim(), z.regex(/^\d{6,10}$/, { message: 'must be the 6 to 10 digit partner network (MPN) ID' }));

export const EnrollmentBody = z
  .object({
    mpnId: MpnId,
    legalName: Text(200),
    address: z.object({
      line1: Text(200),
      line2: z.optional(z.string().check(z.trim(), z.maxLength(200))),
      city: Text(100),
      region: z.optional(z.string().check(z.trim(), z.maxLength(100))),
      postalCode: Text(20),
      country: Country,
    }),
    primaryContact: z.object({ firstName: Text(100), lastName: Text(100), email: Email, phone: Phone }),
    supportContact: z.object({
      email: Email,
      phone: Phone,
      website: z.optional(z.url({ message: 'must be a URL' })),
    }),
    locale: z.optional(
      z.string().check(
        z.regex(/^[a-zA-Z]{2,3}(-[A-Za-z0-9]{2,8})*$/, {
          message: 'must be a language tag such as en-US or es-ES',
        }),
      ),
    ),
  })
  .register(z.globalRegistry, { id: 'EnrollmentRequest' });

export const EnrollmentStatus = z.enum(ENROLLMENT_STATUSES);
export const EnrollmentAccepted = z.object({ enrollmentId: z.string(), status: EnrollmentStatus });

const ContactOut = z.object({
  firstName: z.string(),
  lastName: z.string(),
  email: z.string(),
  phone: z.string(),
});
export const Enrollment = z
  .object({
    enrollmentId: z.string(),
    status: EnrollmentStatus,
    mpnId: z.string(),
    legalName: z.string(),
    primaryContact: ContactOut,
    history: z.array(z.object({ status: EnrollmentStatus, at: z.string(), note: z.optional(z.string()) })),
    createdAt: z.string(),
  })
  .register(z.globalRegistry, { id: 'Enrollment' });

/** What operators see of an enrollment to decide on it (`operatorEnrollment`): the organization, address and contacts too. */
export const OperatorEnrollment = z
  .extend(Enrollment, {
    organizationId: z.string(),
    address: z.object({
      line1: z.string(),
      line2: z.optional(z.string()),
      city: z.string(),
      region: z.optional(z.string()),
      postalCode: z.string(),
      country: z.string(),
    }),
    supportContact: z.object({ email: z.string(), phone: z.string(), website: z.optional(z.string()) }),
    locale: z.string(),
    decision: z.optional(
      z.object({ decision: z.enum(['APPROVE', 'REJECT']), reason: z.optional(z.string()), at: z.string() }),
    ),
  })
  .register(z.globalRegistry, { id: 'OperatorEnrollment' });

export const EnrollmentIdParams = z.object({ id: z.string().check(z.minLength(1), z.maxLength(100)) });
export const OperatorEnrollmentsQuery = z.extend(ListQuery, { status: z.optional(EnrollmentStatus) });
export const InReviewResult = z.object({ status: z.literal('IN_REVIEW') });

export const DecisionBody = z
  .object({
    decision: z.enum(['APPROVE', 'REJECT']),
    reason: z.optional(z.string().check(z.trim(), z.maxLength(1000))),
  })
  .check(
    z.refine((d) => d.decision !== 'REJECT' || (d.reason ?? '') !== '', {
      message: 'a reason is required to reject; the primary contact receives it',
      path: ['reason'],
    }),
  )
  .register(z.globalRegistry, { id: 'EnrollmentDecision' });

export const MpnParams = z.object({ mpnId: MpnId });
/** How many existing customers one profile may carry over (each is one transaction at approval). */
export const MAX_EXISTING_CUSTOMERS = 200;

export const PartnerNetworkBody = z
  .object({
    legalName: Text(200),
    country: Country,
    status: z.enum(['ACTIVE', 'INACTIVE']),
    existingCustomers: z.optional(
      z
        .array(z.object({ name: Text(200), domain: DomainName, country: Country }))
        .check(z.maxLength(MAX_EXISTING_CUSTOMERS)),
    ),
  })
  .register(z.globalRegistry, { id: 'PartnerNetworkProfileRequest' });
export const PartnerNetworkProfile = z
  .extend(PartnerNetworkBody, { mpnId: z.string(), updatedAt: z.string() })
  .register(z.globalRegistry, { id: 'PartnerNetworkProfile' });
