import * as z from 'zod';
import { INVITATION_STATUSES } from '../domain/relationship-model.ts';
import { Email, ListQuery } from './identity.ts';

const Locale = z
  .string()
  .regex(/^[a-zA-Z]{2,3}(-[A-Za-z0-9]{2,8})*$/, { message: 'must be a language tag such as en-US or es-ES' })
  .optional();

export const InviteResellerBody = z
  .object({ email: Email, message: z.string().trim().max(1000).optional(), locale: Locale })
  .meta({ id: 'IndirectResellerInvitationRequest' });

export const CustomerRequestBody = z
  .object({
    customerEmail: Email,
    delegatedAdmin: z.boolean().default(true),
    send: z.boolean().default(false),
    locale: Locale,
  })
  .meta({ id: 'CustomerRelationshipRequest' });

const OrgRef = z.object({ id: z.string(), name: z.string(), domain: z.string() });
export const InvitationCreated = z.object({
  invitationId: z.string(),
  status: z.literal('PENDING'),
  expiresAt: z.string(),
});
export const CustomerRequestCreated = InvitationCreated.extend({
  link: z.string(),
  draftEmail: z.object({ subject: z.string(), text: z.string() }),
}).meta({ id: 'CustomerRelationshipRequestCreated' });

/** The page's own form sends `authorize=on` and credentials; API callers send JSON and a Bearer token. */
const Checkbox = z
  .union([z.boolean(), z.enum(['on', 'true', 'false'])])
  .optional()
  .transform((v) => v === true || v === 'on' || v === 'true');
export const AnswerBody = z.object({
  token: z.string().min(1, { message: 'is required' }).max(200),
  authorize: Checkbox,
  email: z.string().max(320).optional(),
  password: z.string().max(256).optional(),
});
export const AnswerResult = z.object({ status: z.enum(['ACCEPTED', 'DECLINED']), invitationId: z.string() });

export const InvitationStatus = z.enum(INVITATION_STATUSES);
export const Invitation = z
  .object({
    invitationId: z.string(),
    kind: z.enum(['PROVIDER_RESELLER', 'RESELLER_CUSTOMER', 'RESELLER_PROVIDER_CUSTOMER']),
    status: InvitationStatus,
    email: z.string(),
    from: OrgRef,
    provider: OrgRef.optional(),
    delegatedAdmin: z.boolean(),
    message: z.string().optional(),
    createdAt: z.string(),
    expiresAt: z.string(),
    acceptedBy: OrgRef.optional(),
    decidedAt: z.string().optional(),
  })
  .meta({ id: 'Invitation' });
export const InvitationsQuery = ListQuery.extend({
  direction: z.enum(['sent', 'received']),
  status: InvitationStatus.optional(),
});
export const InvitationIdParams = z.object({ id: z.string().min(1).max(100) });

export const Partner = z
  .object({
    organizationId: z.string(),
    name: z.string(),
    domain: z.string(),
    country: z.string(),
    since: z.string(),
  })
  .meta({ id: 'Partner' });
export const Customer = z
  .object({
    customerId: z.string(),
    name: z.string(),
    domain: z.string(),
    country: z.string(),
    delegatedAdmin: z.boolean(),
    since: z.string(),
    indirectProviderId: z.string().optional(),
    indirectResellerId: z.string().optional(),
  })
  .meta({ id: 'Customer' });
export const ProviderIdParams = z.object({ providerId: z.string().min(1).max(100) });
export const ResellerIdParams = z.object({ resellerId: z.string().min(1).max(100) });
export const CustomerIdParams = z.object({ id: z.string().min(1).max(100) });
