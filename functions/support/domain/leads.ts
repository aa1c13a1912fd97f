import { v7 as uuidv7 } from 'uuid';
import { mailGlobalAdmins, type Organizations } from '../../identity/domain/admins.ts';
import type { Principal } from '../../identity/domain/model.ts';
import { DomainError } from '../../platform/errors.ts';
import { logger } from '../../platform/logger.ts';
import { languageOfCountry } from '../../platform/mail/locale.ts';
import type { Clock, Mailer } from '../../platform/ports.ts';
import { assertPermission, hasPermission } from '../../platform/roles.ts';
import { epochSeconds } from '../../platform/time.ts';
import {
  cancelInvitation,
  type RelationshipDeps,
  requestCustomerRelationship,
} from '../../relationships/domain/invitations.ts';
import type { RelationshipStore } from '../../relationships/ports.ts';
import { leadReferralEmail } from '../emails/lead-referral.ts';
import type { LeadRecord, LeadStatus, LeadStore, StoredLeadStatus } from '../lead-ports.ts';

/** The lead area's ports. */
export interface LeadDeps {
  leads: LeadStore;
  /** Provider–reseller links, read through the relationships context's port. */
  partners: Pick<RelationshipStore, 'getRelationship'>;
  organizations: Organizations;
  mailer: Mailer;
  clock: Clock;
}

/** Inviting a lead's contact also makes a relationship request through the relationships domain. */
export interface LeadInviteDeps extends LeadDeps {
  relationships: RelationshipDeps;
}

/** A NEW lead nobody moved for this long reads as EXPIRED (final). */
export const LEAD_EXPIRY_DAYS = 30;
/** How long an invite's claim on its lead holds before another invite may take over (a function runs 10 s at most). */
export const INVITE_CLAIM_SECONDS = 60;

/** The only moves a caller may make; WON, LOST, DECLINED and EXPIRED are final. */
const TRANSITIONS: Record<LeadStatus, readonly LeadStatus[]> = {
  NEW: ['ACTIVE', 'DECLINED'],
  ACTIVE: ['WON', 'LOST'],
  WON: [],
  LOST: [],
  DECLINED: [],
  EXPIRED: [],
};
/** Statuses that need a `reason`. */
const NEEDS_REASON: readonly LeadStatus[] = ['DECLINED', 'LOST'];

/** The creation time at or before which a NEW lead reads as EXPIRED at `now` (ISO, as `createdAt` is kept). */
export const expiredBefore = (now: Date) =>
  new Date(now.getTime() - LEAD_EXPIRY_DAYS * 86_400_000).toISOString();

/** The status a lead shows at `now`: a NEW lead created LEAD_EXPIRY_DAYS ago or earlier is EXPIRED. */
export function statusAt(lead: Pick<LeadRecord, 'status' | 'createdAt'>, now: Date): LeadStatus {
  return lead.status === 'NEW' && lead.createdAt <= expiredBefore(now) ? 'EXPIRED' : lead.status;
}

/** The lead as API.md shows it. */
export function publicLead(lead: LeadRecord, now: Date) {
  const shared = Object.entries(lead.sharedWith ?? {});
  return {
    leadId: lead.leadId,
    companyName: lead.companyName,
    contactName: lead.contactName,
    contactEmail: lead.contactEmail,
    country: lead.country,
    status: statusAt(lead, now),
    ...(lead.reason ? { reason: lead.reason } : {}),
    ...(lead.notes ? { notes: lead.notes } : {}),
    ...(lead.sharedBy ? { sharedBy: lead.sharedBy } : {}),
    ...(shared.length > 0
      ? {
          sharedWith: shared
            .map(([organizationId, s]) => ({ organizationId, name: s.name, sharedAt: s.sharedAt }))
            .sort((a, b) => a.sharedAt.localeCompare(b.sharedAt)),
        }
      : {}),
    ...(lead.invitationId ? { invitationId: lead.invitationId } : {}),
    createdAt: lead.createdAt,
    updatedAt: lead.updatedAt,
  };
}

/** The caller's organization's lead; any other organization's is NOT_FOUND. */
async function ownLead(deps: LeadDeps, actor: Principal, leadId: string) {
  const lead = await deps.leads.get(actor.user.orgId, leadId);
  if (!lead) throw new DomainError('NOT_FOUND', 'Your organization has no lead with this id.');
  return lead;
}

const isFinal = (status: LeadStatus) => TRANSITIONS[status].length === 0;

function invalidTransition(from: LeadStatus, to: LeadStatus) {
  const next = TRANSITIONS[from];
  return new DomainError(
    'INVALID_TRANSITION',
    next.length === 0
      ? `The lead is ${from}, a final status: it cannot move to ${to}.`
      : `The lead is ${from}: it can move to ${next.join(' or ')} only, not to ${to}.`,
  );
}

/** POST /leads: a NEW lead of the caller's organization. */
export async function createLead(
  deps: LeadDeps,
  actor: Principal,
  input: { companyName: string; contactName: string; contactEmail: string; country: string; notes?: string },
) {
  assertPermission(actor.user, 'leads:manage');
  const now = deps.clock.now().toISOString();
  const lead: LeadRecord = {
    orgId: actor.user.orgId,
    leadId: uuidv7(),
    companyName: input.companyName,
    contactName: input.contactName,
    contactEmail: input.contactEmail,
    country: input.country,
    ...(input.notes ? { notes: input.notes } : {}),
    status: 'NEW',
    createdAt: now,
    updatedAt: now,
  };
  await deps.leads.create(lead);
  return publicLead(lead, deps.clock.now());
}

/** GET /leads/{leadId}. */
export async function getLead(deps: LeadDeps, actor: Principal, leadId: string) {
  assertPermission(actor.user, 'leads:manage');
  return publicLead(await ownLead(deps, actor, leadId), deps.clock.now());
}

/**
 * GET /leads?status=: one Query, newest first. The status is filtered as each item shows it (an
 * expired NEW lead is EXPIRED), after the Query, so a page may be short and still have a next cursor.
 */
export async function listLeads(
  deps: LeadDeps,
  actor: Principal,
  query: { limit: number; cursor?: string | undefined; status?: LeadStatus | undefined },
) {
  assertPermission(actor.user, 'leads:manage');
  const now = deps.clock.now();
  const page = await deps.leads.list(
    actor.user.orgId,
    { ...(query.status ? { status: query.status } : {}), expiredBefore: expiredBefore(now) },
    query.limit,
    query.cursor,
  );
  return { ...page, items: page.items.map((lead) => publicLead(lead, now)) };
}

/**
 * PATCH /leads/{leadId}: one of the allowed moves, by a write conditional on the status read; a
 * lost race reads again, so of two concurrent changes the second is judged against the first's result.
 */
export async function updateLead(
  deps: LeadDeps,
  actor: Principal,
  leadId: string,
  input: { status: LeadStatus; reason?: string | undefined },
) {
  assertPermission(actor.user, 'leads:manage');
  for (let attempt = 0; attempt < 3; attempt++) {
    const lead = await ownLead(deps, actor, leadId);
    const now = deps.clock.now();
    const from = statusAt(lead, now);
    if (!TRANSITIONS[from].includes(input.status)) throw invalidTransition(from, input.status);
    if (NEEDS_REASON.includes(input.status) && !input.reason)
      throw new DomainError('VALIDATION_FAILED', `Say why the lead is ${input.status}: send a reason.`, {
        errors: [{ path: 'body.reason', message: `is required for ${input.status}` }],
      });
    const { reason: _previous, ...rest } = lead;
    const after: LeadRecord = {
      ...rest,
      // Only the moves TRANSITIONS lists get here; EXPIRED is never one of them.
      status: input.status as StoredLeadStatus,
      ...(input.reason ? { reason: input.reason } : {}),
      updatedAt: now.toISOString(),
    };
    if (await deps.leads.transition(lead, after, 'LEAD_UPDATED', expiredBefore(now)))
      return publicLead(after, now);
  }
  throw new DomainError('CONFLICT', 'The lead keeps changing; read it again and retry.');
}

/**
 * POST /leads/{leadId}/share: an indirect provider passes one of its NEW or ACTIVE leads to a
 * reseller it has an active link with; the reseller gets a NEW lead of its own (a referral naming
 * the provider in `sharedBy`) and its global admins are emailed. Sharing with the same reseller
 * again answers the lead as it is and makes no second referral.
 */
export async function shareLead(
  deps: LeadDeps,
  actor: Principal,
  leadId: string,
  input: { resellerId: string },
) {
  assertPermission(actor.user, 'leads:manage');
  const provider = await deps.organizations.getOrganization(actor.user.orgId);
  if (!provider?.partnerTypes.includes('INDIRECT_PROVIDER'))
    throw new DomainError(
      'NOT_AN_INDIRECT_PROVIDER',
      'Only an indirect provider can share leads, with the resellers linked to it.',
    );
  let lead = await ownLead(deps, actor, leadId);
  const link = await deps.partners.getRelationship(provider.id, 'RESELLER', input.resellerId);
  if (!link)
    throw new DomainError(
      'NOT_FOUND',
      'Your organization has no active relationship with this reseller; share leads with your indirect resellers (GET /indirect-resellers).',
    );
  const resellerName = typeof link.name === 'string' ? link.name : input.resellerId;
  for (let attempt = 0; attempt < 3; attempt++) {
    const now = deps.clock.now();
    if (lead.sharedWith?.[input.resellerId]) return publicLead(lead, now);
    const status = statusAt(lead, now);
    if (isFinal(status))
      throw new DomainError(
        'INVALID_TRANSITION',
        `The lead is ${status}, a final status: only NEW and ACTIVE leads can be shared.`,
      );
    const at = now.toISOString();
    const referral: LeadRecord = {
      orgId: input.resellerId,
      leadId: uuidv7(),
      companyName: lead.companyName,
      contactName: lead.contactName,
      contactEmail: lead.contactEmail,
      country: lead.country,
      status: 'NEW',
      sharedBy: { organizationId: provider.id, name: provider.name },
      createdAt: at,
      updatedAt: at,
    };
    const after: LeadRecord = {
      ...lead,
      sharedWith: { ...lead.sharedWith, [input.resellerId]: { name: resellerName, sharedAt: at } },
      updatedAt: at,
    };
    if (await deps.leads.share(lead, after, referral, expiredBefore(now))) {
      await mailGlobalAdmins(
        deps,
        input.resellerId,
        (language) =>
          leadReferralEmail(language, {
            providerName: provider.name,
            resellerName,
            companyName: referral.companyName,
            contactName: referral.contactName,
            contactEmail: referral.contactEmail,
            country: referral.country,
            expiresAt: new Date(now.getTime() + LEAD_EXPIRY_DAYS * 86_400_000),
          }),
        { leadId: referral.leadId },
      );
      return publicLead(after, now);
    }
    lead = await ownLead(deps, actor, leadId);
  }
  throw new DomainError('CONFLICT', 'The lead keeps changing; read it again and retry.');
}

/**
 * POST /leads/{leadId}/invite: a relationship request to the lead's contact (the relationships
 * domain's own, with its rules, limit and email), and the lead turns ACTIVE holding its id.
 * Not one transaction: the lead is claimed first (so concurrent invites make one invitation),
 * then the invitation is made, then the lead, its invitation → lead lookup and LEAD_INVITED are
 * written together. A failed request gives the claim back; a lead that changed meanwhile cancels
 * the new invitation. Nothing is left half-made.
 */
export async function inviteLead(
  deps: LeadInviteDeps,
  actor: Principal,
  leadId: string,
  input: { delegatedAdmin: boolean; send: boolean },
) {
  assertPermission(actor.user, 'leads:manage');
  // The route checks leads:manage; a relationship request needs this one too.
  if (!hasPermission(actor.user, 'customers:requestRelationship'))
    throw new DomainError(
      'FORBIDDEN',
      'Your roles do not include the permission customers:requestRelationship.',
    );
  const lead = await ownLead(deps, actor, leadId);
  const now = deps.clock.now();
  assertInvitable(lead, now);
  const claimedAt = epochSeconds(now);
  if (
    !(await deps.leads.claimInvite(lead, claimedAt, claimedAt - INVITE_CLAIM_SECONDS, expiredBefore(now)))
  ) {
    assertInvitable(await ownLead(deps, actor, leadId), deps.clock.now());
    throw new DomainError(
      'CONFLICT',
      'An invitation for this lead is being made right now; read the lead again in a minute.',
    );
  }
  let request: Awaited<ReturnType<typeof requestCustomerRelationship>>;
  try {
    request = await requestCustomerRelationship(deps.relationships, actor, {
      customerEmail: lead.contactEmail,
      delegatedAdmin: input.delegatedAdmin,
      send: input.send,
      locale: languageOfCountry(lead.country),
    });
  } catch (error) {
    await deps.leads.releaseInvite(lead, claimedAt).catch((releaseError: unknown) =>
      logger.error('A lead invite claim was not given back; it lapses by itself', {
        leadId,
        error: releaseError,
      }),
    );
    throw error;
  }
  const { inviteClaimedAt: _claim, ...rest } = lead;
  const after: LeadRecord = {
    ...rest,
    status: 'ACTIVE',
    invitationId: request.invitationId,
    updatedAt: deps.clock.now().toISOString(),
  };
  if (!(await deps.leads.invited(lead, after, claimedAt))) {
    await cancelInvitation(deps.relationships, actor, request.invitationId).catch((cancelError: unknown) =>
      logger.error('The invitation of a lead that changed meanwhile was not canceled', {
        leadId,
        invitationId: request.invitationId,
        error: cancelError,
      }),
    );
    throw new DomainError(
      'INVALID_TRANSITION',
      'The lead changed while its invitation was being made, so the invitation was canceled; read the lead again.',
    );
  }
  return { ...request, leadId };
}

/** A lead may be invited while NEW, or ACTIVE (moved by hand) without an invitation yet. */
function assertInvitable(lead: LeadRecord, now: Date) {
  const status = statusAt(lead, now);
  if (status === 'ACTIVE' && lead.invitationId)
    throw new DomainError(
      'INVALID_TRANSITION',
      `The lead's contact was invited already (invitation ${lead.invitationId}); send that invitation again with POST /invitations/${lead.invitationId}/resend.`,
    );
  if (status !== 'NEW' && status !== 'ACTIVE') throw invalidTransition(status, 'ACTIVE');
}

/**
 * The stream consumer `leads-won`: the customer accepted an invitation; the lead it was made from,
 * if still ACTIVE with that invitation, becomes WON (by the platform). A repeated or late call
 * changes nothing; a lead marked LOST meanwhile stays LOST.
 */
export async function markLeadWon(
  deps: Pick<LeadDeps, 'leads' | 'clock'>,
  invitationId: string,
): Promise<'won' | 'unchanged' | 'no-lead'> {
  const ref = await deps.leads.leadOfInvitation(invitationId);
  if (!ref) return 'no-lead';
  for (let attempt = 0; attempt < 3; attempt++) {
    const lead = await deps.leads.get(ref.orgId, ref.leadId);
    if (!lead || lead.invitationId !== invitationId || lead.status !== 'ACTIVE') return 'unchanged';
    const now = deps.clock.now();
    const { reason: _reason, ...rest } = lead;
    const after: LeadRecord = { ...rest, status: 'WON', updatedAt: now.toISOString() };
    if (await deps.leads.transition(lead, after, 'LEAD_WON', expiredBefore(now))) return 'won';
  }
  throw new Error(`Lead ${ref.leadId} kept changing while being marked WON`);
}
