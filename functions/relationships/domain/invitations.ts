import { createHash, randomUUID } from 'node:crypto';
import type { OrganizationRecord, Principal } from '../../identity/domain/model.ts';
import type { IdentityStore } from '../../identity/ports.ts';
import type { BusinessCounts } from '../../platform/business-metrics.ts';
import { DomainError } from '../../platform/errors.ts';
import {
  hashLinkToken,
  INVITATION_LINK_TTL_SECONDS,
  linkRecord,
  linkTokenOf,
  newLinkToken,
  uuidOf,
} from '../../platform/links/links.ts';
import type { Clock, LinkStore, LinkTokens, Mailer } from '../../platform/ports.ts';
import { hasPermission } from '../../platform/roles.ts';
import { epochSeconds } from '../../platform/time.ts';
import { domainOfEmail, emailOnDomain } from '../../platform/webmail.ts';
import { combinedRelationshipEmail } from '../emails/combined-request.ts';
import { customerRelationshipEmail } from '../emails/customer-request.ts';
import { draftEmail } from '../emails/draft.ts';
import { providerInvitationEmail } from '../emails/provider-invitation.ts';
import type { RelationshipRow, RelationshipStore } from '../ports.ts';
import { customerRows } from './access.ts';
import {
  type CustomerLink,
  effectiveStatus,
  existingCustomerId,
  type InvitationKind,
  type InvitationRecord,
  type InvitationStatus,
  type ListedCustomer,
  type OrgRef,
  partnerRow,
  publicCustomer,
  relationshipErrors,
} from './model.ts';

export interface RelationshipDeps {
  relationships: RelationshipStore;
  identity: IdentityStore;
  /** Emailed links of every kind. */
  links: LinkStore;
  mailer: Mailer;
  /** Only the creates that honor Idempotency-Key wire it (the `linkSecret` resource). */
  linkTokens: LinkTokens;
  clock: Clock;
  publicBaseUrl: string;
  /** Invitations accepted (the operators' dashboard). */
  metrics: BusinessCounts;
}

export const INVITATIONS_PER_HOUR = 50;

const ref = (org: OrganizationRecord): OrgRef => ({ id: org.id, name: org.name, domain: org.domain });

async function organizationOf(deps: RelationshipDeps, orgId: string) {
  const org = await deps.identity.getOrganization(orgId);
  if (!org) throw new DomainError('NOT_FOUND', 'No such organization.');
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
      ? new DomainError('NOT_A_RESELLER')
      : new DomainError('NOT_AN_INDIRECT_PROVIDER');
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

/** The emailed link of a token. */
const urlOf = (deps: RelationshipDeps, token: string) =>
  `${deps.publicBaseUrl}/invitations/accept?token=${encodeURIComponent(token)}`;

/** The link record and URL of a token for an invitation: only the token's hash is stored, the URL goes out. */
function linkOf(
  deps: RelationshipDeps,
  inv: Pick<InvitationRecord, 'id' | 'from'>,
  token: string,
  now: Date,
) {
  const link = linkRecord(
    token,
    { kind: 'INVITATION', orgId: inv.from.id, invitationId: inv.id },
    now,
    epochSeconds(now) + INVITATION_LINK_TTL_SECONDS,
  );
  return { link, url: urlOf(deps, token) };
}

/** A fresh random link token for an invitation. */
const newLink = (deps: RelationshipDeps, inv: Pick<InvitationRecord, 'id' | 'from'>, now: Date) =>
  linkOf(deps, inv, newLinkToken(), now);

/**
 * A create made idempotent by its Idempotency-Key: the invitation id and the link token are
 * derived from the platform's link secret, the caller's organization, the operation and the
 * key, so a replay finds the first invitation by id and rebuilds the first link. Neither the
 * key nor the token is stored; `requestHash` tells the same request from another one.
 */
interface Derived {
  id: string;
  token: string;
  requestHash: string;
  /** Whether the request asks for the email (part of the request, so the same on a replay). */
  send: boolean;
}

/** How long a request that claimed an idempotent create's email may take before a replay takes over (a function runs 10 s at most). */
export const MAIL_LEASE_SECONDS = 60;

async function derive(
  deps: RelationshipDeps,
  orgId: string,
  operation: string,
  key: string,
  request: unknown,
  send: boolean,
): Promise<Derived> {
  const parts = [orgId, operation, key];
  const [id, token] = await Promise.all([
    deps.linkTokens.derive('invitation-id', parts),
    deps.linkTokens.derive('invitation-link-token', parts),
  ]);
  return {
    id: uuidOf(id),
    token: linkTokenOf(token),
    requestHash: createHash('sha256').update(JSON.stringify(request), 'utf8').digest('base64url'),
    send,
  };
}

interface NewInvitation {
  kind: InvitationKind;
  email: string;
  provider?: OrgRef;
  message?: string;
  delegatedAdmin: boolean;
  locale?: string;
}

/**
 * Creates a pending invitation (rate-limited per sending organization) and returns its link,
 * or undefined when `derived` names an invitation that another request created meanwhile.
 */
async function createInvitation(
  deps: RelationshipDeps,
  from: OrganizationRecord,
  input: NewInvitation,
  derived?: Derived,
) {
  if (
    emailOnDomain(input.email, from.domain) ||
    (input.provider && emailOnDomain(input.email, input.provider.domain))
  ) {
    throw new DomainError('INVITATION_TO_OWN_ORGANIZATION');
  }
  const now = deps.clock.now();
  const hour = now.toISOString().slice(0, 13);
  if (
    !(await deps.relationships.countInvitation(from.id, hour, INVITATIONS_PER_HOUR, epochSeconds(now) + 7200))
  ) {
    const retryAfter = 3600 - (epochSeconds(now) % 3600);
    throw new DomainError(
      'RATE_LIMITED',
      `Your organization sent ${INVITATIONS_PER_HOUR} invitations this hour; send more in ${Math.ceil(retryAfter / 60)} minutes.`,
      { retryAfterSeconds: retryAfter },
    );
  }
  const id = derived?.id ?? randomUUID();
  const { link, url } = derived
    ? linkOf(deps, { id, from: ref(from) }, derived.token, now)
    : newLink(deps, { id, from: ref(from) }, now);
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
    // This request holds the email from the start; a replay waits for it (or takes over after the lease).
    ...(derived ? { requestHash: derived.requestHash } : {}),
    ...(derived?.send ? { mailClaimedAt: epochSeconds(now) } : {}),
  };
  if (!(await deps.relationships.createInvitation(invitation, link))) {
    // Counted, not created: give the count back, so the key's one invitation counts once.
    await deps.relationships.uncountInvitation(from.id, hour);
    if (derived) return undefined;
    throw new DomainError('CONFLICT', 'The data changed meanwhile; retry.');
  }
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
  const made = await createInvitation(deps, provider, {
    kind: 'PROVIDER_RESELLER',
    delegatedAdmin: false,
    ...input,
  });
  if (!made) throw new DomainError('CONFLICT', 'The data changed meanwhile; retry.');
  const { invitation, url } = made;
  await deps.mailer.send({ to: invitation.email, ...render(invitation, url) });
  return created(invitation);
}

/** The body of a customer request's 201: the invitation, its link and the draft email. */
const customerRequestCreated = (invitation: InvitationRecord, url: string) => {
  const email = render(invitation, url);
  return { email, body: { ...created(invitation), link: url, draftEmail: draftEmail(email) } };
};

/**
 * Sends an idempotent create's email under the claim its request holds, and records it sent;
 * when sending fails the claim is released, so a retry with the same key sends it.
 */
async function mailClaimed(
  deps: RelationshipDeps,
  invitation: InvitationRecord,
  email: ReturnType<typeof render>,
) {
  try {
    await deps.mailer.send({ to: invitation.email, ...email });
  } catch (error) {
    await deps.relationships.settleInvitationMail(invitation.id).catch(() => undefined);
    throw error;
  }
  await deps.relationships.settleInvitationMail(invitation.id, deps.clock.now());
}

/**
 * A replay: the first request's answer, rebuilt from the stored invitation and the link
 * derived from the key, as it was (the first expiry, even after a re-send; status PENDING).
 * It writes, counts and sends nothing, unless the first request's email never went out: then
 * it waits (409) while that request may still be sending, and sends it itself afterwards.
 */
async function replay(deps: RelationshipDeps, first: InvitationRecord, derived: Derived, orgId: string) {
  if (first.from.id !== orgId || first.requestHash !== derived.requestHash) {
    throw new DomainError('IDEMPOTENCY_KEY_REUSED');
  }
  const firstExpiresAt = epochSeconds(new Date(first.createdAt)) + INVITATION_LINK_TTL_SECONDS;
  const { email, body } = customerRequestCreated(
    { ...first, expiresAt: firstExpiresAt },
    urlOf(deps, derived.token),
  );
  const unsent =
    derived.send &&
    first.mailedAt === undefined &&
    first.tokenHash === hashLinkToken(derived.token) &&
    effectiveStatus(first, deps.clock.now()) === 'PENDING';
  if (unsent) {
    const now = epochSeconds(deps.clock.now());
    if (!(await deps.relationships.claimInvitationMail(first.id, now, now - MAIL_LEASE_SECONDS))) {
      throw new DomainError('IDEMPOTENCY_IN_PROGRESS');
    }
    await mailClaimed(deps, first, email);
  }
  return body;
}

/**
 * POST /customers/relationship-requests and POST /indirect-providers/{id}/customer-invitations:
 * the personalized link and a draft email the reseller can copy; `send` also emails it.
 * With an Idempotency-Key the id and link are derived from it (see Derived): a replay by the
 * same organization with the same request answers the first response and sends nothing; the
 * key with another request (body or provider) is IDEMPOTENCY_KEY_REUSED.
 */
export async function requestCustomerRelationship(
  deps: RelationshipDeps,
  actor: Principal,
  input: { customerEmail: string; delegatedAdmin: boolean; send: boolean; locale?: string },
  opts: { providerId?: string; idempotencyKey?: string } = {},
) {
  const { providerId, idempotencyKey } = opts;
  const reseller = await partnerOrganization(deps, actor, 'RESELLER');
  const operation = providerId === undefined ? 'customer-relationship-request' : 'customer-invitation';
  const derived =
    idempotencyKey === undefined
      ? undefined
      : await derive(
          deps,
          reseller.id,
          operation,
          idempotencyKey,
          // The request as parsed (defaults filled in), in a fixed order.
          [
            operation,
            providerId ?? null,
            input.customerEmail,
            input.delegatedAdmin,
            input.send,
            input.locale ?? null,
          ],
          input.send,
        );
  if (derived) {
    // Before anything is checked, counted or written: a replay only reads.
    const first = await deps.relationships.getInvitation(derived.id);
    if (first) return replay(deps, first, derived, reseller.id);
  }
  let provider: OrgRef | undefined;
  if (providerId !== undefined) {
    const linked = await deps.relationships.getRelationship(reseller.id, 'PROVIDER', providerId);
    if (!linked)
      throw new DomainError(
        'NOT_FOUND',
        'Your organization has no active relationship with this indirect provider.',
      );
    provider = ref(await organizationOf(deps, providerId));
  }
  const made = await createInvitation(
    deps,
    reseller,
    {
      kind: provider ? 'RESELLER_PROVIDER_CUSTOMER' : 'RESELLER_CUSTOMER',
      email: input.customerEmail,
      delegatedAdmin: input.delegatedAdmin,
      ...(provider ? { provider } : {}),
      ...(input.locale ? { locale: input.locale } : {}),
    },
    derived,
  );
  if (!made) {
    // Another request with this key created it first (the conditional put decided): replay it.
    const first = derived && (await deps.relationships.getInvitation(derived.id));
    if (!first) throw new DomainError('IDEMPOTENCY_IN_PROGRESS');
    return replay(deps, first, derived, reseller.id);
  }
  const { email, body } = customerRequestCreated(made.invitation, made.url);
  if (input.send) {
    if (derived) await mailClaimed(deps, made.invitation, email);
    else await deps.mailer.send({ to: made.invitation.email, ...email });
  }
  return body;
}

/** The invitation behind a link, with the link errors the contract names. */
async function invitationOfLink(deps: RelationshipDeps, token: string) {
  const link = await deps.links.getLink(hashLinkToken(token));
  if (link?.kind !== 'INVITATION' || !link.invitationId) throw new DomainError('LINK_INVALID');
  const invitation = await deps.relationships.getInvitation(link.invitationId);
  if (!invitation || invitation.tokenHash !== link.tokenHash) throw new DomainError('LINK_INVALID');
  assertPending(invitation, deps.clock.now());
  return invitation;
}

function assertPending(invitation: InvitationRecord, now: Date) {
  const status = effectiveStatus(invitation, now);
  if (status === 'CANCELED') throw new DomainError('LINK_INVALID');
  if (status === 'ACCEPTED' || status === 'DECLINED') throw new DomainError('LINK_USED');
  if (status === 'EXPIRED') throw new DomainError('LINK_EXPIRED');
}

/** GET /invitations/accept: what the page shows; reads only. */
export async function viewInvitation(deps: RelationshipDeps, token: string) {
  return invitationOfLink(deps, token);
}

/** Who may answer: a global admin of the invitee's organization, never the inviting one. */
async function assertMayAnswer(deps: RelationshipDeps, invitation: InvitationRecord, actor: Principal) {
  const org = await organizationOf(deps, actor.user.orgId);
  const own = org.id === invitation.from.id || org.id === invitation.provider?.id;
  if (own || !emailOnDomain(invitation.email, org.domain)) throw new DomainError('INVITATION_NOT_FOR_YOU');
  if (actor.user.adminRole !== 'GLOBAL_ADMIN') {
    throw new DomainError(
      'FORBIDDEN',
      'Only a global admin of your organization can answer this invitation.',
    );
  }
  return org;
}

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
      replaces: [],
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
  // The reseller's entry of this customer from before it was here (an existing customer), if any.
  const replaces: RelationshipRow[] = [
    { orgId: from.id, kind: 'CUSTOMER', otherId: existingCustomerId(invitee.domain), data: {} },
  ];
  if (!providerId) return { rows, requires: [], replaces };
  const provider = await organizationOf(deps, providerId);
  const { indirectProviderId: _self, ...shared } = customer;
  return {
    rows: [
      ...rows,
      // The customer may already work with this provider through another of its resellers.
      {
        orgId: invitee.id,
        kind: 'PARTNER',
        otherId: provider.id,
        data: partnerRow(provider, since),
        keepIfPresent: true,
      },
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
    replaces,
  };
}

/** Re-reads a pending invitation that lost a race, to answer with the right link error. */
async function lostRace(deps: RelationshipDeps, invitation: InvitationRecord): Promise<never> {
  const now = await deps.relationships.getInvitation(invitation.id);
  if (now && now.tokenHash !== invitation.tokenHash) throw new DomainError('LINK_INVALID');
  if (now) assertPending(now, deps.clock.now());
  throw new DomainError('LINK_USED');
}

/** POST /invitations/accept: checks, then the state change and every effect in one transaction. */
export async function acceptInvitation(
  deps: RelationshipDeps,
  token: string,
  actor: Principal,
  authorize: boolean,
) {
  const invitation = await invitationOfLink(deps, token);
  if (!authorize) throw new DomainError('AUTHORIZATION_NOT_CONFIRMED');
  const invitee = await assertMayAnswer(deps, invitation, actor);
  if (invitation.kind === 'PROVIDER_RESELLER' && !invitee.partnerTypes.includes('RESELLER'))
    throw new DomainError('NOT_A_RESELLER');
  const now = deps.clock.now();
  const { rows, requires, replaces } = await effectsOf(deps, invitation, invitee, now.toISOString());
  if (!(await deps.relationships.acceptInvitation(invitation, ref(invitee), now, rows, requires, replaces)))
    await lostRace(deps, invitation);
  // Only the one accept that won the conditional write gets here.
  deps.metrics.count('invitationAccepted');
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
    throw new DomainError('NOT_FOUND', 'Your organization sent no invitation with this id.');
  const needed =
    invitation.kind === 'PROVIDER_RESELLER' ? 'indirectResellers:invite' : 'customers:requestRelationship';
  if (!hasPermission(actor.user, needed))
    throw new DomainError('FORBIDDEN', `Your roles do not include the permission ${needed}.`);
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
    throw new DomainError('NOT_FOUND', 'Your organization has no active relationship with this partner.');
  const page = await deps.relationships.listRelationships(
    org.id,
    asReseller ? 'SHAREDWITH' : 'SHARED',
    partnerId,
    limit,
    cursor,
  );
  return { ...page, items: await withDelegatedAdmin(deps, org.id, page.items) };
}

/**
 * GET /customers: every customer the caller's organization has a relationship with, in one
 * Query per page: its own as a reseller (with `indirectProviderId` where shared) and, as an
 * indirect provider, those shared with it through combined invitations (with `indirectResellerId`).
 */
export async function listCustomers(
  deps: RelationshipDeps,
  actor: Principal,
  limit: number,
  cursor?: string,
) {
  const page = await deps.relationships.listRelationships(
    actor.user.orgId,
    'CUSTOMER',
    undefined,
    limit,
    cursor,
  );
  return { ...page, items: await withDelegatedAdmin(deps, actor.user.orgId, page.items) };
}

/**
 * API.md: a customer's `delegatedAdmin` is true while the caller's organization holds an active
 * admin relationship with it (a grant whose end is still ahead), read with the list, exact to the
 * second; and from the acceptance that asked for it until its "Default" relationship is made.
 */
async function withDelegatedAdmin<R extends CustomerLink>(
  deps: RelationshipDeps,
  orgId: string,
  rows: R[],
): Promise<ListedCustomer<R>[]> {
  if (rows.length === 0) return [];
  const now = deps.clock.now().toISOString();
  const ends = await deps.relationships.adminGrantEnds(
    orgId,
    // An organization not on the platform has no admin relationship to read.
    rows.filter((r) => r.status === undefined).map((r) => r.customerId),
  );
  return rows.map(({ defaultAdminAt, status, ...r }) => ({
    ...r,
    status: status ?? 'ACTIVE',
    delegatedAdmin:
      (ends.get(r.customerId) ?? []).some((end) => end > now) ||
      // Asked for, and its Default not made yet (the stream consumer's moment after the acceptance).
      (r.delegatedAdmin && defaultAdminAt === undefined),
  }));
}

/**
 * The customer, if the caller's organization has a relationship with it (API.md, Conventions):
 * its own as a reseller, else one as an indirect provider through a reseller (with
 * `indirectResellerId`). Any other organization gets 404 (customerRows).
 */
export async function customerOf(deps: RelationshipDeps, actor: Principal, customerId: string) {
  const [own] = await customerRows({ customers: deps.relationships }, actor.user.orgId, customerId, {
    listed: true,
  });
  const [withAdmin] = await withDelegatedAdmin(deps, actor.user.orgId, [own]);
  return withAdmin ?? publicCustomer(own);
}
