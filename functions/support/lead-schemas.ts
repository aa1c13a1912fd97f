import * as z from 'zod/mini';
import { Country, Email, ListQuery } from '../platform/schemas.ts';
import { CustomerRequestCreated } from '../relationships/schemas.ts';
import { LEAD_STATUSES } from './lead-ports.ts';

const Id = z.string().check(z.minLength(1), z.maxLength(100));
const Text = (max: number) =>
  z.string().check(z.trim(), z.minLength(1, { message: 'is required' }), z.maxLength(max));

export const LeadParams = z.object({ leadId: Id });

export const LeadBody = z
  .object({
    companyName: Text(200),
    contactName: Text(200),
    contactEmail: Email,
    country: Country,
    notes: z.optional(z.string().check(z.trim(), z.maxLength(2000))),
  })
  .register(z.globalRegistry, { id: 'LeadRequest' });

export const LeadUpdateBody = z
  .object({
    status: z.enum(LEAD_STATUSES),
    /** Required for DECLINED and LOST (the domain says so with the path `body.reason`). */
    reason: z.optional(z.string().check(z.trim(), z.maxLength(1000))),
  })
  .register(z.globalRegistry, { id: 'LeadUpdate' });

export const LeadShareBody = z.object({ resellerId: Id }).register(z.globalRegistry, { id: 'LeadShare' });

export const LeadInviteBody = z
  .object({
    delegatedAdmin: z._default(z.boolean(), true),
    send: z._default(z.boolean(), false),
  })
  .register(z.globalRegistry, { id: 'LeadInvitationRequest' });

export const LeadsQuery = z.extend(ListQuery, { status: z.optional(z.enum(LEAD_STATUSES)) });

const LeadPartner = z.object({ organizationId: z.string(), name: z.string() });
export const Lead = z
  .object({
    leadId: z.string(),
    companyName: z.string(),
    contactName: z.string(),
    contactEmail: z.string(),
    country: z.string(),
    status: z.enum(LEAD_STATUSES),
    reason: z.optional(z.string()),
    notes: z.optional(z.string()),
    sharedBy: z.optional(LeadPartner),
    sharedWith: z.optional(z.array(z.extend(LeadPartner, { sharedAt: z.string() }))),
    invitationId: z.optional(z.string()),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .register(z.globalRegistry, { id: 'Lead' });

export const LeadInvitationCreated = z
  .extend(CustomerRequestCreated, { leadId: z.string() })
  .register(z.globalRegistry, { id: 'LeadInvitationCreated' });
