import { route } from '../platform/route-spec.ts';
import { listOf } from '../platform/schemas.ts';
import {
  Lead,
  LeadBody,
  LeadInvitationCreated,
  LeadInviteBody,
  LeadParams,
  LeadShareBody,
  LeadsQuery,
  LeadUpdateBody,
} from './lead-schemas.ts';

/** Partner operations, lead area: its entries of the route table (functions/support/routes.ts). */
export const leadRoutes = {
  createLead: route({
    method: 'POST',
    path: '/leads',
    handler: 'support/api/create-lead',
    auth: 'signed-in',
    permission: 'leads:manage',
    summary: 'A NEW lead of your organization (a NEW lead nobody moves expires after 30 days)',
    request: { body: LeadBody },
    response: { status: 201, schema: Lead },
    idempotent: true,
    uses: ['table'],
  }),
  listLeads: route({
    method: 'GET',
    path: '/leads',
    handler: 'support/api/list-leads',
    auth: 'signed-in',
    permission: 'leads:manage',
    summary: "Your organization's leads, newest first, optionally of one status as each shows it",
    request: { query: LeadsQuery },
    response: { status: 200, schema: listOf(Lead) },
    uses: ['table'],
  }),
  getLead: route({
    method: 'GET',
    path: '/leads/{leadId}',
    handler: 'support/api/get-lead',
    auth: 'signed-in',
    permission: 'leads:manage',
    summary: 'One lead of your organization',
    request: { params: LeadParams },
    response: { status: 200, schema: Lead },
    uses: ['table'],
  }),
  updateLead: route({
    method: 'PATCH',
    path: '/leads/{leadId}',
    handler: 'support/api/update-lead',
    auth: 'signed-in',
    permission: 'leads:manage',
    summary:
      'Move a lead: NEW → ACTIVE or DECLINED, ACTIVE → WON or LOST (DECLINED and LOST need a reason); WON, LOST, DECLINED and EXPIRED are final',
    request: { params: LeadParams, body: LeadUpdateBody },
    response: { status: 200, schema: Lead },
    uses: ['table'],
  }),
  shareLead: route({
    method: 'POST',
    path: '/leads/{leadId}/share',
    handler: 'support/api/share-lead',
    auth: 'signed-in',
    permission: 'leads:manage',
    summary:
      'An indirect provider refers a NEW or ACTIVE lead to a linked reseller: the reseller gets a NEW lead naming the provider (sharedBy) and its global admins are emailed; again with the same reseller changes nothing',
    request: { params: LeadParams, body: LeadShareBody },
    response: { status: 200, schema: Lead },
    uses: ['table', 'mail'],
  }),
  inviteLead: route({
    method: 'POST',
    path: '/leads/{leadId}/invite',
    handler: 'support/api/invite-lead',
    auth: 'signed-in',
    // customers:requestRelationship too: the domain checks it (the relationship request's own permission).
    permission: 'leads:manage',
    summary:
      "A relationship request to the lead's contact (as POST /customers/relationship-requests); the lead turns ACTIVE, and WON when the customer accepts",
    request: { params: LeadParams, body: LeadInviteBody },
    response: { status: 201, schema: LeadInvitationCreated },
    uses: ['table', 'mail'],
  }),
} as const;
