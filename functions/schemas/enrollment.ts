import * as z from 'zod';
import { ENROLLMENT_STATUSES } from '../domain/enrollment-model.ts';
import { Country, Email, ListQuery } from './identity.ts';

const Text = (max: number) => z.string().trim().min(1, { message: 'is required' }).max(max);
const Phone = z
  .string()
  .trim()
  .regex(/^\+?[0-9][0-9 ()./-]{5,24}$/, { message: 'must be a phone number, e.g. +34 910 000 000' });
export const MpnId = z
  .string()
  .trim()
  .regex(/^\d{6,10}$/, { message: 'must be the 6 to 10 digit partner network (MPN) ID' });

export const EnrollmentBody = z
  .object({
    mpnId: MpnId,
    legalName: Text(200),
    address: z.object({
      line1: Text(200),
      line2: z.string().trim().max(200).optional(),
      city: Text(100),
      region: z.string().trim().max(100).optional(),
      postalCode: Text(20),
      country: Country,
    }),
    primaryContact: z.object({ firstName: Text(100), lastName: Text(100), email: Email, phone: Phone }),
    supportContact: z.object({
      email: Email,
      phone: Phone,
      website: z.url({ message: 'must be a URL' }).optional(),
    }),
    locale: z
      .string()
      .regex(/^[a-zA-Z]{2,3}(-[A-Za-z0-9]{2,8})*$/, {
        message: 'must be a language tag such as en-US or es-ES',
      })
      .optional(),
  })
  .meta({ id: 'EnrollmentRequest' });

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
    history: z.array(z.object({ status: EnrollmentStatus, at: z.string(), note: z.string().optional() })),
    createdAt: z.string(),
  })
  .meta({ id: 'Enrollment' });

export const EnrollmentIdParams = z.object({ id: z.string().min(1).max(100) });
export const OperatorEnrollmentsQuery = ListQuery.extend({ status: EnrollmentStatus.optional() });
export const InReviewResult = z.object({ status: z.literal('IN_REVIEW') });

export const DecisionBody = z
  .object({ decision: z.enum(['APPROVE', 'REJECT']), reason: z.string().trim().max(1000).optional() })
  .refine((d) => d.decision !== 'REJECT' || (d.reason ?? '') !== '', {
    message: 'a reason is required to reject; the primary contact receives it',
    path: ['reason'],
  })
  .meta({ id: 'EnrollmentDecision' });

export const MpnParams = z.object({ mpnId: MpnId });
export const PartnerNetworkBody = z
  .object({ legalName: Text(200), country: Country, status: z.enum(['ACTIVE', 'INACTIVE']) })
  .meta({ id: 'PartnerNetworkProfileRequest' });
export const PartnerNetworkProfile = PartnerNetworkBody.extend({
  mpnId: z.string(),
  updatedAt: z.string(),
}).meta({ id: 'PartnerNetworkProfile' });
