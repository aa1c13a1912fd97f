import { createHash, randomUUID } from 'node:crypto';
import { relationshipWith } from '../../commerce/domain/access.ts';
import { existingOrganization, mailGlobalAdmins, type Organizations } from '../../identity/domain/admins.ts';
import type { Principal } from '../../identity/domain/model.ts';
import { DomainError } from '../../platform/errors.ts';
import {
  assertLinkUsable,
  hashLinkToken,
  linkRecord,
  linkTokenOf,
  newLinkToken,
  uuidOf,
} from '../../platform/links/links.ts';
import type { Clock, LinkStore, LinkTokens, Mailer, Timers } from '../../platform/ports.ts';
import { hasPermission } from '../../platform/roles.ts';
import type { CustomerLinks } from '../../relationships/domain/access.ts';
import { approvalRequestEmail } from '../emails/approval-request.ts';
import { relationshipEndedEmail } from '../emails/relationship-ended.ts';
import type { AdminRelationshipStore } from '../ports.ts';
import {
  type AdminRelationshipRecord,
  type AdminRelationshipStatus,
  type DelegatedRole,
  durationDays,
  publicRelationship,
  roleGives,
  statusAt,
} from './model.ts';
import { type AdminRelationshipTimer, armAdminTimers, disarmAdminTimers } from './terms.ts';

export interface OnBehalfDeps {
  adminRelationships: AdminRelationshipStore;
  customers: CustomerLinks;
  organizations: Organizations;
  links: LinkStore;
  timers: Timers<AdminRelationshipTimer>;
  mailer: Mailer;
  clock: Clock;
  readonly publicBaseUrl: string;
}

const DAY_MS = 86_400_000;
/** An unapproved request ends after 90 days. */
export const REQUEST_DAYS = 90;

export interface AdminRelationshipInput {
  displayName: string;
  roles: DelegatedRole[];
  duration: string;
  autoExtend?: boolean | undefined;
}

/**
 * POST /customers/{customerId}/admin-relationships: a partner with a relationship with the customer
 * asks for roles for a duration; the customer's global admins get the approval link (also answered,
 * so the partner can send it another way).
 */
export async function requestAdminRelationship(
  deps: OnBehalfDeps,
  actor: Principal,
  customerId: string,
  input: AdminRelationshipInput,
  opts: { idempotencyKey?: string | undefined; linkTokens?: LinkTokens } = {},
) {
  await relationshipWith(deps, actor, customerId);
  const autoExtend = input.autoExtend ?? false;
  if (autoExtend && input.roles.includes('GLOBAL_ADMINISTRATOR'))
    throw new DomainError(
      'AUTO_EXTEND_NOT_ALLOWED',
      'A relationship with GLOBAL_ADMINISTRATOR cannot extend itself; send autoExtend: false, or leave that role out.',
    );
  const derived =
    opts.idempotencyKey && opts.linkTokens
      ? await derive(opts.linkTokens, actor.user.orgId, customerId, opts.idempotencyKey, input)
      : undefined;
  if (derived) {
    const first = await deps.adminRelationships.get(derived.relationshipId);
    if (first) return replayed(deps, first, derived, actor.user.orgId);
  }
  const [partner, customer] = await Promise.all([
    existingOrganization(deps, actor.user.orgId),
    existingOrganization(deps, customerId),
  ]);
  const now = deps.clock.now();
  const token = derived?.token ?? newLinkToken();
  const relationshipId = derived?.relationshipId ?? randomUUID();
  const requestExpiresAt = new Date(now.getTime() + REQUEST_DAYS * DAY_MS);
  const link = linkRecord(
    token,
    { kind: 'ADMIN_RELATIONSHIP', orgId: customerId, relationshipId },
    now,
    Math.floor(requestExpiresAt.getTime() / 1000),
  );
  const r: AdminRelationshipRecord = {
    relationshipId,
    displayName: input.displayName,
    partner: { organizationId: partner.id, name: partner.name },
    customer: { organizationId: customer.id, name: customer.name },
    roles: [...new Set(input.roles)],
    duration: input.duration,
    autoExtend,
    status: 'APPROVAL_PENDING',
    createdAt: now.toISOString(),
    requestExpiresAt: requestExpiresAt.toISOString(),
    tokenHash: link.tokenHash,
    ...(derived ? { requestHash: derived.requestHash } : {}),
  };
  // The request's expiry timer first: without its relationship it does nothing.
  await armAdminTimers(deps.timers, r, now);
  try {
    await deps.adminRelationships.request(r, link);
  } catch (error) {
    // The same key's request made it meanwhile (derived id): answer as it did.
    const first = derived && (await deps.adminRelationships.get(derived.relationshipId));
    if (first && derived) return replayed(deps, first, derived, actor.user.orgId);
    throw error;
  }
  const approvalLink = approvalLinkOf(deps, token);
  await mailGlobalAdmins(
    deps,
    customerId,
    (language) =>
      approvalRequestEmail(language, {
        partnerName: partner.name,
        customerName: customer.name,
        displayName: r.displayName,
        roles: r.roles,
        duration: r.duration,
        autoExtend,
        link: approvalLink,
        requestExpiresAt,
      }),
    { relationshipId },
  );
  return requested(r, approvalLink);
}

const approvalLinkOf = (deps: Pick<OnBehalfDeps, 'publicBaseUrl'>, token: string) =>
  `${deps.publicBaseUrl}/admin-relationships/approve?token=${token}`;

const requested = (r: AdminRelationshipRecord, approvalLink: string) => ({
  relationshipId: r.relationshipId,
  status: 'APPROVAL_PENDING' as const,
  approvalLink,
  requestExpiresAt: r.requestExpiresAt,
});

/**
 * A request made idempotent by its Idempotency-Key (as invitations are): the relationship id and
 * the approval link's token derive from the platform's link secret, the partner, the customer and
 * the key, so a replay finds the first request and rebuilds its answer. Neither the key nor the
 * token is stored; `requestHash` tells the same request from another one.
 */
interface DerivedRequest {
  relationshipId: string;
  token: string;
  requestHash: string;
}

async function derive(
  linkTokens: LinkTokens,
  partnerId: string,
  customerId: string,
  key: string,
  input: AdminRelationshipInput,
): Promise<DerivedRequest> {
  const parts = [partnerId, 'admin-relationship', customerId, key];
  const [id, token] = await Promise.all([
    linkTokens.derive('admin-relationship-id', parts),
    linkTokens.derive('admin-relationship-link-token', parts),
  ]);
  return {
    relationshipId: uuidOf(id),
    token: linkTokenOf(token),
    requestHash: createHash('sha256')
      .update(JSON.stringify({ customerId, ...input }), 'utf8')
      .digest('base64url'),
  };
}

/** The first answer of a key, rebuilt (whatever happened to the request since); nothing is written or sent again. */
function replayed(
  deps: Pick<OnBehalfDeps, 'publicBaseUrl'>,
  first: AdminRelationshipRecord,
  derived: DerivedRequest,
  partnerId: string,
) {
  if (first.partner.organizationId !== partnerId || first.requestHash !== derived.requestHash)
    throw new DomainError('IDEMPOTENCY_KEY_REUSED');
  return requested(first, approvalLinkOf(deps, derived.token));
}

/** The pending relationship an approval link stands for; throws the link error that applies. */
async function relationshipOfLink(
  deps: Pick<OnBehalfDeps, 'links' | 'adminRelationships' | 'clock'>,
  token: string,
) {
  const link = await deps.links.getLink(hashLinkToken(token));
  if (link?.kind !== 'ADMIN_RELATIONSHIP' || !link.relationshipId) throw new DomainError('LINK_INVALID');
  const now = deps.clock.now();
  const r = await deps.adminRelationships.get(link.relationshipId);
  if (!r) throw new DomainError('LINK_INVALID');
  if (r.status !== 'APPROVAL_PENDING') throw new DomainError('LINK_USED');
  if (statusAt(r, now) === 'EXPIRED') throw new DomainError('LINK_EXPIRED');
  assertLinkUsable(link, now);
  return r;
}

/** GET /admin-relationships/approve: what the page shows; reads only. */
export const viewApproval = (deps: OnBehalfDeps, token: string) => relationshipOfLink(deps, token);

/** POST /admin-relationships/approve and …/reject: a global admin of that very customer decides. */
export async function answerAdminRelationship(
  deps: OnBehalfDeps,
  token: string,
  actor: Principal,
  decision: 'APPROVE' | 'REJECT',
) {
  const r = await relationshipOfLink(deps, token);
  if (actor.user.orgId !== r.customer.organizationId)
    throw new DomainError(
      'NOT_FOR_YOUR_ORGANIZATION',
      `This request is for ${r.customer.name}; sign in as one of its global admins.`,
    );
  if (actor.user.adminRole !== 'GLOBAL_ADMIN')
    throw new DomainError('FORBIDDEN', `Only a global admin of ${r.customer.name} can answer this request.`);
  const now = deps.clock.now();
  const { tokenHash: _t, ...rest } = r;
  const after: AdminRelationshipRecord =
    decision === 'APPROVE'
      ? {
          ...rest,
          status: 'ACTIVE',
          activatedAt: now.toISOString(),
          endsAt: new Date(now.getTime() + durationDays(r.duration) * DAY_MS).toISOString(),
        }
      : { ...rest, status: 'REJECTED', endedAt: now.toISOString(), endedBy: r.customer.organizationId };
  // The term's timers first: if another answer wins, they find another end and do nothing.
  if (decision === 'APPROVE') await armAdminTimers(deps.timers, after, now);
  if (!(await deps.adminRelationships.answer(r, after))) throw new DomainError('LINK_USED');
  // The request's expiry timer would find it answered and do nothing; an approval removes it.
  if (decision === 'APPROVE') await disarmAdminTimers(deps.timers, r);
  return {
    status: after.status as 'ACTIVE' | 'REJECTED',
    relationshipId: r.relationshipId,
    relationship: after,
  };
}

/** Which side of a relationship the caller is on, and whether its roles let it act there. */
function sideOf(actor: Principal, r: AdminRelationshipRecord) {
  if (actor.user.orgId === r.partner.organizationId) return 'partner' as const;
  if (actor.user.orgId === r.customer.organizationId) return 'customer' as const;
  return undefined;
}

const notFound = () =>
  new DomainError('NOT_FOUND', 'No admin relationship with this id involves your organization.');

/** A relationship the caller's organization is a side of, read with the permission of that side. */
async function visible(deps: Pick<OnBehalfDeps, 'adminRelationships'>, actor: Principal, id: string) {
  const r = await deps.adminRelationships.get(id);
  const side = r && sideOf(actor, r);
  if (!r || !side) throw notFound();
  if (side === 'partner' && !hasPermission(actor.user, 'customers:read'))
    throw new DomainError('FORBIDDEN', 'Your roles do not include the permission customers:read.');
  if (side === 'customer' && actor.user.adminRole !== 'GLOBAL_ADMIN')
    throw new DomainError('FORBIDDEN', "Only your organization's global admins see its admin relationships.");
  return { r, side };
}

/** GET /admin-relationships/{id}. */
export async function getAdminRelationship(deps: OnBehalfDeps, actor: Principal, id: string) {
  const { r } = await visible(deps, actor, id);
  return publicRelationship(r, deps.clock.now());
}

/** GET /admin-relationships?direction=outbound|inbound&status=: one Query; the status as it is now. */
export async function listAdminRelationships(
  deps: OnBehalfDeps,
  actor: Principal,
  query: {
    direction: 'outbound' | 'inbound';
    status?: AdminRelationshipStatus | undefined;
    limit: number;
    cursor?: string | undefined;
  },
) {
  if (query.direction === 'outbound' && !hasPermission(actor.user, 'customers:read'))
    throw new DomainError('FORBIDDEN', 'Your roles do not include the permission customers:read.');
  if (query.direction === 'inbound' && actor.user.adminRole !== 'GLOBAL_ADMIN')
    throw new DomainError('FORBIDDEN', "Only your organization's global admins see who administers it.");
  const orgId = actor.user.orgId;
  const page = await deps.adminRelationships.list(
    query.direction === 'outbound' ? { partnerId: orgId } : { customerId: orgId },
    query.limit,
    query.cursor,
  );
  const now = deps.clock.now();
  const items = page.items
    .map((r) => publicRelationship(r, now))
    .filter((r) => !query.status || r.status === query.status);
  return page.nextCursor ? { items, nextCursor: page.nextCursor } : { items };
}

/**
 * POST /admin-relationships/{id}/terminate: the partner (delegatedAdmin:request) or a global
 * admin of the customer ends an active relationship; access ends with the write (the grant goes
 * in the same transaction); both sides are emailed.
 */
export async function terminateAdminRelationship(deps: OnBehalfDeps, actor: Principal, id: string) {
  const { r, side } = await visible(deps, actor, id);
  if (side === 'partner' && !hasPermission(actor.user, 'delegatedAdmin:request'))
    throw new DomainError('FORBIDDEN', 'Your roles do not include the permission delegatedAdmin:request.');
  const now = deps.clock.now();
  const current = statusAt(r, now);
  const notActive = () =>
    new DomainError(
      'RELATIONSHIP_NOT_ACTIVE',
      `The relationship is ${current}; only an active one can be terminated.`,
    );
  if (current !== 'ACTIVE') throw notActive();
  const after: AdminRelationshipRecord = {
    ...r,
    status: 'TERMINATED',
    endedAt: now.toISOString(),
    endedBy: actor.user.orgId,
  };
  if (!(await deps.adminRelationships.end(r, after, actor.user.orgId))) throw notActive();
  await disarmAdminTimers(deps.timers, r);
  const how = side === 'partner' ? ('TERMINATED_BY_PARTNER' as const) : ('TERMINATED_BY_CUSTOMER' as const);
  const params = {
    partnerName: r.partner.name,
    customerName: r.customer.name,
    displayName: r.displayName,
    how,
    endedAt: now,
  };
  await Promise.all(
    (['partner', 'customer'] as const).map((audience) =>
      mailGlobalAdmins(
        deps,
        audience === 'partner' ? r.partner.organizationId : r.customer.organizationId,
        (language) => relationshipEndedEmail(language, { audience, ...params }),
        { relationshipId: id },
      ),
    ),
  );
  return publicRelationship(after, now);
}

/**
 * The one authorization of on-behalf calls: the user's permission (the route's customers:administer)
 * **and**, at this moment, an ACTIVE relationship of its organization with the customer holding
 * `role` (one strongly consistent Query of the grants; no cached flag). An organization without
 * any relationship with the customer gets 404, as everywhere under /customers/{customerId}/.
 */
export async function assertAdminAccess(
  deps: Pick<OnBehalfDeps, 'adminRelationships' | 'customers' | 'clock'>,
  actor: Principal,
  customerId: string,
  role: DelegatedRole,
) {
  const now = deps.clock.now().toISOString();
  const grants = await deps.adminRelationships.grants(actor.user.orgId, customerId);
  if (grants.some((g) => g.endsAt > now && roleGives(g.roles, role))) return;
  // Refused: 404 or 403 (the second read only happens on this path).
  await relationshipWith(deps, actor, customerId);
  throw new DomainError(
    'ADMIN_RELATIONSHIP_REQUIRED',
    `This needs an active admin relationship with this customer holding the ${role} role; request one with POST /customers/${customerId}/admin-relationships.`,
  );
}
