import { randomUUID } from 'node:crypto';
import { combinedRelationshipEmail } from '../emails/invitations/combined-request.ts';
import { customerRelationshipEmail } from '../emails/invitations/customer-request.ts';
import { draftEmail } from '../emails/invitations/draft.ts';
import { providerInvitationEmail } from '../emails/invitations/provider-invitation.ts';
import { ForbiddenError, NotFoundError, RateLimitedError } from '../http/errors.ts';
import type { LinkRecord, OrganizationRecord, Principal } from './identity-model.ts';
import {
  hashLinkToken,
  INVITATION_LINK_TTL_SECONDS,
  LinkExpiredError,
  LinkInvalidError,
  LinkUsedError,
  newLinkToken,
} from './links.ts';
import type { Clock, IdentityStore, Mailer, RelationshipRow, RelationshipStore } from './ports.ts';
import {
  type CustomerLink,
  effectiveStatus,
  type InvitationKind,
  type InvitationRecord,
  type InvitationStatus,
  type OrgRef,
  type PartnerLink,
  relationshipErrors,
} from './relationship-model.ts';
import { hasPermission } from './roles.ts';
import { domainOfEmail, emailOnDomain } from './webmail.ts';

export interface RelationshipDeps {
  relationships: RelationshipStore;
  identity: IdentityStore;
  mailer: Mailer;
  clock: Clock;
  publicBaseUrl: string;
}

export const INVITATIONS_PER_HOUR = 50;

const ref = (org: OrganizationRecord): OrgRef => ({ id: org.id, name: org.name, domain: org.domain });
const epochSeconds = (d: Date) => Math.floor(d.getTime() / 1000);

async function organizationOf(deps: RelationshipDeps, orgId: string) {
  const org = await deps.identity.getOrganization(orgId);
  if (!org) throw new NotFoundError('No such organization.');
  return org;
}

/** The caller's organization, which must be of the given partner type. */
async function partnerOrganization(
  deps: RelationshipDeps,
  actor: Principal,
  type: 'RESELLER' | 'INDIRECT_PROVIDER',
) {
  const org = await organizationOf(deps, actor.user.orgId);
  if (!org.partnerTypes.includes(type)) {
    // A business rule (422), not a permission: the roles allow it, the organization cannot do it yet.
    throw type === 'RESELLER'
      ? relationshipErrors.notAReseller()
      : relationshipErrors.notAnIndirectProvider();
  }
  return org;
}

function render(inv: InvitationRecord, link: string) {
  const expiresAt = new Date(inv.expiresAt * 1000);
  const reseller = {
    resellerName: inv.from.name,
    resellerDomain: inv.from.domain,
    delegatedAdmin: inv.delegatedAdmin,
    link,
    expiresAt,
  };
  switch (inv.kind) {
    case 'PROVIDER_RESELLER':
      return providerInvitationEmail(inv.locale, {
        providerName: inv.from.name,
        providerDomain: inv.from.domain,
        link,
        expiresAt,
        ...(inv.message ? { message: inv.message } : {}),
      });
    case 'RESELLER_CUSTOMER':
      return customerRelationshipEmail(inv.locale, reseller);
    case 'RESELLER_PROVIDER_CUSTOMER':
      return combinedRelationshipEmail(inv.locale, {
        ...reseller,
        providerName: inv.provider?.name ?? '',
        providerDomain: inv.provider?.domain ?? '',
      });
  }
}

/** A fresh link token for an invitation: only its hash is stored, the link goes out once. */
function newLink(deps: RelationshipDeps, inv: Pick<InvitationRecord, 'id' | 'from'>, now: Date) {
  const token = newLinkToken();
  const link: LinkRecord = {
    tokenHash: hashLinkToken(token),
    kind: 'INVITATION',
    orgId: inv.from.id,
    invitationId: inv.id,
    createdAt: now.toISOString(),
    expiresAt: epochSeconds(now) + INVITATION_LINK_TTL_SECONDS,
  };
  return { link, url: `${deps.publicBaseUrl}/invitations/accept?token=${encodeURIComponent(token)}` };
}

/** Creates a pending invitation (rate-limited per sending organization) and returns its link. */
async function createInvitation(
  deps: RelationshipDeps,
  from: OrganizationRecord,
  input: {
    kind: InvitationKind;
    email: string;
    provider?: OrgRef;
    message?: string;
    delegatedAdmin: boolean;
    locale?: string;
  },
) {
  if (
    emailOnDomain(input.email, from.domain) ||
    (input.provider && emailOnDomain(input.email, input.provider.domain))
  ) {
    throw relationshipErrors.toOwnOrganization();
  }
  const now = deps.clock.now();
  const hour = now.toISOString().slice(0, 13);
  if (
    !(await deps.relationships.countInvitation(from.id, hour, INVITATIONS_PER_HOUR, epochSeconds(now) + 7200))
  ) {
    const retryAfter = 3600 - (epochSeconds(now) % 3600);
    throw new RateLimitedError(
      `Your organization sent ${INVITATIONS_PER_HOUR} invitations this hour; send more in ${Math.ceil(retryAfter / 60)} minutes.`,
      retryAfter,
    );
  }
  const id = randomUUID();
  const { link, url } = newLink(deps, { id, from: ref(from) }, now);
  const invitation: InvitationRecord = {
    id,
    kind: input.kind,
    from: ref(from),
    ...(input.provider ? { provider: input.provider } : {}),
    email: input.email,
    domain: domainOfEmail(input.email),
    ...(input.message ? { message: input.message } : {}),
    delegatedAdmin: input.delegatedAdmin,
    locale: input.locale ?? 'en-US',
    status: 'PENDING',
    tokenHash: link.tokenHash,
    createdAt: now.toISOString(),
    expiresAt: link.expiresAt,
  };
  await deps.relationships.createInvitation(invitation, link);
  return { invitation, url };
}

const created = (inv: InvitationRecord) => ({
  invitationId: inv.id,
  status: 'PENDING' as const,
  expiresAt: new Date(inv.expiresAt * 1000).toISOString(),
});

/** POST /indirect-resellers/invitations: a provider invites a reseller; the link is emailed. */
export async function inviteReseller(
  deps: RelationshipDeps,
  actor: Principal,
  input: { email: string; message?: string; locale?: string },
) {
  const provider = await partnerOrganization(deps, actor, 'INDIRECT_PROVIDER');
  const { invitation, url } = await createInvitation(deps, provider, {
    kind: 'PROVIDER_RESELLER',
    delegatedAdmin: false,
    ...input,
  });
  await deps.mailer.send({ to: invitation.email, ...render(invitation, url) });
  return created(invitation);
}

/**
 * POST /customers/relationship-requests and POST /indirect-providers/{id}/customer-invitations:
 * the personalized link and a draft email the reseller can copy; `send` also emails it.
 */
export async function requestCustomerRelationship(
  deps: RelationshipDeps,
  actor: Principal,
  input: { customerEmail: string; delegatedAdmin: boolean; send: boolean; locale?: string },
  providerId?: string,
) {
  const reseller = await partnerOrganization(deps, actor, 'RESELLER');
  let provider: OrgRef | undefined;
  if (providerId !== undefined) {
    const linked = await deps.relationships.getRelationship(reseller.id, 'PROVIDER', providerId);
    if (!linked)
      throw new NotFoundError('Your organization has no active relationship with this indirect provider.');
    provider = ref(await organizationOf(deps, providerId));
  }
  const { invitation, url } = await createInvitation(deps, reseller, {
    kind: provider ? 'RESELLER_PROVIDER_CUSTOMER' : 'RESELLER_CUSTOMER',
    email: input.customerEmail,
    delegatedAdmin: input.delegatedAdmin,
    ...(provider ? { provider } : {}),
    ...(input.locale ? { locale: input.locale } : {}),
  });
  const email = render(invitation, url);
  if (input.send) await deps.mailer.send({ to: invitation.email, ...email });
  return { ...created(invitation), link: url, draftEmail: draftEmail(email) };
}

/** The invitation behind a link, with the link errors the contract names. */
async function invitationOfLink(deps: RelationshipDeps, token: string) {
  const link = await deps.identity.getLink(hashLinkToken(token));
  if (link?.kind !== 'INVITATION' || !link.invitationId) throw new LinkInvalidError();
  const invitation = await deps.relationships.getInvitation(link.invitationId);
  if (!invitation || invitation.tokenHash !== link.tokenHash) throw new LinkInvalidError();
  assertPending(invitation, deps.clock.now());
  return invitation;
}

function assertPending(invitation: InvitationRecord, now: Date) {
  const status = effectiveStatus(invitation, now);
  if (status === 'CANCELED') throw new LinkInvalidError();
  if (status === 'ACCEPTED' || status === 'DECLINED') throw new LinkUsedError();
  if (status === 'EXPIRED') throw new LinkExpiredError();
}

/** GET /invitations/accept: what the page shows; reads only. */
export async function viewInvitation(deps: RelationshipDeps, token: string) {
  return invitationOfLink(deps, token);
}

/** Who may answer: a global admin of the invitee's organization, never the inviting one. */
async function assertMayAnswer(deps: RelationshipDeps, invitation: InvitationRecord, actor: Principal) {
  const org = await organizationOf(deps, actor.user.orgId);
  const own = org.id === invitation.from.id || org.id === invitation.provider?.id;
  if (own || !emailOnDomain(invitation.email, org.domain)) throw relationshipErrors.notForYou();
  if (actor.user.adminRole !== 'GLOBAL_ADMIN') {
    throw new ForbiddenError('Only a global admin of your organization can answer this invitation.');
  }
  return org;
}

const partnerRow = (org: OrganizationRecord, since: string): PartnerLink => ({
  organizationId: org.id,
  name: org.name,
  domain: org.domain,
  country: org.country,
  since,
});

/** The relationship rows an accepted invitation creates, each in the partition of the list it shows on. */
async function effectsOf(
  deps: RelationshipDeps,
  invitation: InvitationRecord,
  invitee: OrganizationRecord,
  since: string,
) {
  const from = await organizationOf(deps, invitation.from.id);
  if (invitation.kind === 'PROVIDER_RESELLER') {
    return {
      rows: [
        { orgId: invitee.id, kind: 'PROVIDER', otherId: from.id, data: partnerRow(from, since) },
        { orgId: from.id, kind: 'RESELLER', otherId: invitee.id, data: partnerRow(invitee, since) },
      ] satisfies RelationshipRow[],
      requires: [],
    };
  }
  const providerId = invitation.provider?.id;
  const customer: CustomerLink = {
    customerId: invitee.id,
    name: invitee.name,
    domain: invitee.domain,
    country: invitee.country,
    delegatedAdmin: invitation.delegatedAdmin,
    since,
    ...(providerId ? { indirectProviderId: providerId } : {}),
  };
  const rows: RelationshipRow[] = [
    { orgId: from.id, kind: 'CUSTOMER', otherId: invitee.id, data: customer },
    { orgId: invitee.id, kind: 'PARTNER', otherId: from.id, data: partnerRow(from, since) },
  ];
  if (!providerId) return { rows, requires: [] };
  const provider = await organizationOf(deps, providerId);
  const { indirectProviderId: _self, ...shared } = customer;
  return {
    rows: [
      ...rows,
      { orgId: invitee.id, kind: 'PARTNER', otherId: provider.id, data: partnerRow(provider, since) },
      { orgId: from.id, kind: 'SHAREDWITH', otherId: provider.id, subId: invitee.id, data: customer },
      {
        orgId: provider.id,
        kind: 'SHARED',
        otherId: from.id,
        subId: invitee.id,
        data: { ...customer, resellerId: from.id },
      },
      // The provider's own Customers list, keyed by customer then reseller (see RelationshipKind).
      {
        orgId: provider.id,
        kind: 'CUSTOMER',
        otherId: invitee.id,
        subId: from.id,
        data: { ...shared, indirectResellerId: from.id } satisfies CustomerLink,
      },
    ] satisfies RelationshipRow[],
    // The reseller's link with the provider must still be there when the customer accepts.
    requires: [
      { orgId: from.id, kind: 'PROVIDER', otherId: provider.id, data: {} },
    ] satisfies RelationshipRow[],
  };
}

/** Re-reads a pending invitation that lost a race, to answer with the right link error. */
async function lostRace(deps: RelationshipDeps, invitation: InvitationRecord): Promise<never> {
  const now = await deps.relationships.getInvitation(invitation.id);
  if (now && now.tokenHash !== invitation.tokenHash) throw new LinkInvalidError();
  if (now) assertPending(now, deps.clock.now());
  throw new LinkUsedError();
}

/** POST /invitations/accept: checks, then the state change and every effect in one transaction. */
export async function acceptInvitation(
  deps: RelationshipDeps,
  token: string,
  actor: Principal,
  authorize: boolean,
) {
  const invitation = await invitationOfLink(deps, token);
  if (!authorize) throw relationshipErrors.authorizationNotConfirmed();
  const invitee = await assertMayAnswer(deps, invitation, actor);
  if (invitation.kind === 'PROVIDER_RESELLER' && !invitee.partnerTypes.includes('RESELLER'))
    throw relationshipErrors.notAReseller();
  const now = deps.clock.now();
  const { rows, requires } = await effectsOf(deps, invitation, invitee, now.toISOString());
  if (!(await deps.relationships.acceptInvitation(invitation, ref(invitee), now, rows, requires)))
    await lostRace(deps, invitation);
  return { status: 'ACCEPTED' as const, invitationId: invitation.id, invitation };
}

/** POST /invitations/decline. */
export async function declineInvitation(deps: RelationshipDeps, token: string, actor: Principal) {
  const invitation = await invitationOfLink(deps, token);
  const invitee = await assertMayAnswer(deps, invitation, actor);
  if (!(await deps.relationships.closeInvitation(invitation, 'DECLINED', deps.clock.now(), ref(invitee))))
    await lostRace(deps, invitation);
  return { status: 'DECLINED' as const, invitationId: invitation.id, invitation };
}

/** An invitation the caller's organization sent (any other is 404), if the caller may send that kind. */
async function sentInvitation(deps: RelationshipDeps, actor: Principal, invitationId: string) {
  const invitation = await deps.relationships.getInvitation(invitationId);
  if (!invitation || invitation.from.id !== actor.user.orgId)
    throw new NotFoundError('Your organization sent no invitation with this id.');
  const needed =
    invitation.kind === 'PROVIDER_RESELLER' ? 'indirectResellers:invite' : 'customers:requestRelationship';
  if (!hasPermission(actor.user, needed))
    throw new ForbiddenError(`Your roles do not include the permission ${needed}.`);
  return invitation;
}

export async function cancelInvitation(deps: RelationshipDeps, actor: Principal, invitationId: string) {
  const invitation = await sentInvitation(deps, actor, invitationId);
  const status = effectiveStatus(invitation, deps.clock.now());
  if (
    status !== 'PENDING' ||
    !(await deps.relationships.closeInvitation(invitation, 'CANCELED', deps.clock.now()))
  ) {
    throw relationshipErrors.notPending(status === 'PENDING' ? 'no longer pending' : status);
  }
  return { invitationId, status: 'CANCELED' as const };
}

/** A new link (the old one dies) and 14 more days; emailed like the first one, and returned for customer requests. */
export async function resendInvitation(deps: RelationshipDeps, actor: Principal, invitationId: string) {
  const invitation = await sentInvitation(deps, actor, invitationId);
  const now = deps.clock.now();
  const status = effectiveStatus(invitation, now);
  if (status !== 'PENDING') throw relationshipErrors.notPending(status);
  const { link, url } = newLink(deps, invitation, now);
  await deps.relationships.replaceInvitationLink(invitation, link);
  const updated = { ...invitation, tokenHash: link.tokenHash, expiresAt: link.expiresAt };
  const email = render(updated, url);
  await deps.mailer.send({ to: invitation.email, ...email });
  return {
    ...created(updated),
    ...(invitation.kind === 'PROVIDER_RESELLER' ? {} : { link: url, draftEmail: draftEmail(email) }),
  };
}

export async function listInvitations(
  deps: RelationshipDeps,
  actor: Principal,
  direction: 'sent' | 'received',
  status: InvitationStatus | undefined,
  limit: number,
  cursor?: string,
) {
  const by =
    direction === 'sent'
      ? { sentBy: actor.user.orgId }
      : { addressedTo: (await organizationOf(deps, actor.user.orgId)).domain };
  return deps.relationships.listInvitations(by, status, deps.clock.now(), limit, cursor);
}

/** GET /indirect-providers and GET /indirect-resellers; empty for an organization without such partners. */
export function listPartners(
  deps: RelationshipDeps,
  actor: Principal,
  which: 'providers' | 'resellers',
  limit: number,
  cursor?: string,
) {
  return deps.relationships.listRelationships(
    actor.user.orgId,
    which === 'providers' ? 'PROVIDER' : 'RESELLER',
    undefined,
    limit,
    cursor,
  );
}

/** Customers shared between the caller and one partner it has an active link with (404 otherwise). */
export async function listSharedCustomers(
  deps: RelationshipDeps,
  actor: Principal,
  partnerId: string,
  limit: number,
  cursor?: string,
) {
  const org = await organizationOf(deps, actor.user.orgId);
  const asReseller =
    org.partnerTypes.includes('RESELLER') &&
    (await deps.relationships.getRelationship(org.id, 'PROVIDER', partnerId));
  const asProvider =
    !asReseller &&
    org.partnerTypes.includes('INDIRECT_PROVIDER') &&
    (await deps.relationships.getRelationship(org.id, 'RESELLER', partnerId));
  if (!asReseller && !asProvider)
    throw new NotFoundError('Your organization has no active relationship with this partner.');
  return deps.relationships.listRelationships(
    org.id,
    asReseller ? 'SHAREDWITH' : 'SHARED',
    partnerId,
    limit,
    cursor,
  );
}

/**
 * GET /customers: every customer the caller's organization has a relationship with, in one
 * Query per page: its own as a reseller (with `indirectProviderId` where shared) and, as an
 * indirect provider, those shared with it through combined invitations (with `indirectResellerId`).
 */
export function listCustomers(deps: RelationshipDeps, actor: Principal, limit: number, cursor?: string) {
  return deps.relationships.listRelationships(actor.user.orgId, 'CUSTOMER', undefined, limit, cursor);
}

/**
 * The customer, if the caller's organization has a relationship with it (API.md, Conventions):
 * its own as a reseller, else one as an indirect provider through a reseller (with
 * `indirectResellerId`). Any other organization gets 404, so customer ids cannot be probed;
 * everything under /customers/{id}/… checks the relationship here.
 */
export async function customerOf(deps: RelationshipDeps, actor: Principal, customerId: string) {
  const rows = await deps.relationships.relationshipsWith(actor.user.orgId, 'CUSTOMER', customerId);
  // Ids are opaque: a path id that merely spells a row's key (`<customer>#<reseller>`) is no customer id.
  const customer = rows.find((row) => row.customerId === customerId);
  if (!customer) throw new NotFoundError('No customer with this id in your organization.');
  return customer;
}
