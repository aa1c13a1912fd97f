import * as z from 'zod/mini';
import { Email, ListQuery } from '../platform/schemas.ts';
import { INVITATION_STATUSES } from './domain/model.ts';

const Locale = z.optional(
  z.string().check(
    z.regex(/^[a-zA-Z]{2,3}(-[A-Za-z0-9]{2,8})*$/, {
      message: 'must be a language tag such as en-US or es-ES',
    }),
  ),
);

export const InviteResellerBody = z
  .object({
    email: Email,
    message: z.optional(z.string().check(z.trim(), z.maxLength(1000))),
    locale: Locale,
  })
  .register(z.globalRegistry, { id: 'IndirectResellerInvitationRequest' });

export const CustomerRequestBody = z
  .object({
    customerEmail: Email,
    delegatedAdmin: z._default(z.boolean(), true),
    send: z._default(z.boolean(), false),
    locale: Locale,
  })
  .register(z.globalRegistry, { id: 'CustomerRelationshipRequest' });
/** The one-call invitation of an existing customer: the same request, emailed unless `send: false`. */
export const ExistingCustomerInviteBody = z
  .extend(CustomerRequestBody, { send: z._default(z.boolean(), true) })
  .register(z.globalRegistry, { id: 'ExistingCustomerInvitation' });

const OrgRef = z.object({ id: z.string(), name: z.string(), domain: z.string() });
export const InvitationCreated = z.object({
  invitationId: z.string(),
  status: z.literal('PENDING'),
  expiresAt: z.string(),
});
export const CustomerRequestCreated = z
  .extend(InvitationCreated, {
    link: z.string(),
    draftEmail: z.object({ subject: z.string(), text: z.string() }),
  })
  .register(z.globalRegistry, { id: 'CustomerRelationshipRequestCreated' });
/** A re-sent invitation: a customer request's answer carries the new link and draft again. */
export const InvitationResent = z.extend(InvitationCreated, {
  link: z.optional(z.string()),
  draftEmail: z.optional(z.object({ subject: z.string(), text: z.string() })),
});
export const InvitationCanceled = z.object({ invitationId: z.string(), status: z.literal('CANCELED') });

/** The page's own form sends `authorize=on` and credentials; API callers send JSON and a Bearer token. */
const Checkbox = z.pipe(
  z.optional(z.union([z.boolean(), z.enum(['on', 'true', 'false'])])),
  z.transform((v) => v === true || v === 'on' || v === 'true'),
);
export const AnswerBody = z.object({
  token: z.string().check(z.minLength(1, { message: 'is required' }), z.maxLength(200)),
  authorize: Checkbox,
  email: z.optional(z.string().check(z.maxLength(320))),
  password: z.optional(z.string().check(z.maxLength(256))),
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
    provider: z.optional(OrgRef),
    delegatedAdmin: z.boolean(),
    message: z.optional(z.string()),
    createdAt: z.string(),
    expiresAt: z.string(),
    acceptedBy: z.optional(OrgRef),
    decidedAt: z.optional(z.string()),
  })
  .register(z.globalRegistry, { id: 'Invitation' });
export const InvitationsQuery = z.extend(ListQuery, {
  direction: z.enum(['sent', 'received']),
  status: z.optional(InvitationStatus),
});
export const InvitationIdParams = z.object({ id: z.string().check(z.minLength(1), z.maxLength(100)) });

export const Partner = z
  .object({
    organizationId: z.string(),
    name: z.string(),
    domain: z.string(),
    country: z.string(),
    since: z.string(),
  })
  .register(z.globalRegistry, { id: 'Partner' });
export const Customer = z
  .object({
    customerId: z.string(),
    name: z.string(),
    domain: z.string(),
    country: z.string(),
    delegatedAdmin: z.boolean(),
    since: z.string(),
    indirectProviderId: z.optional(z.string()),
    indirectResellerId: z.optional(z.string()),
    /**
     * `NOT_ON_PLATFORM`: an existing customer carried over at enrollment approval whose domain has no
     * organization here yet; invite it with POST /customers/{customerId}/invite. Enums are open.
     */
    status: z.enum(['ACTIVE', 'NOT_ON_PLATFORM']),
  })
  .register(z.globalRegistry, { id: 'Customer' });
export const ProviderIdParams = z.object({ providerId: z.string().check(z.minLength(1), z.maxLength(100)) });
export const ResellerIdParams = z.object({ resellerId: z.string().check(z.minLength(1), z.maxLength(100)) });
export const CustomerIdParams = z.object({ customerId: z.string().check(z.minLength(1), z.maxLength(100)) });
