import { createHash } from 'node:crypto';
import { uuidOf } from '../../platform/links/links.ts';
import type { Clock, Timers } from '../../platform/ports.ts';
import type { RelationshipStore } from '../../relationships/ports.ts';
import type { AdminRelationshipStore } from '../ports.ts';
import type { AdminRelationshipRecord, DelegatedRole } from './model.ts';
import { type AdminRelationshipTimer, armAdminTimers } from './terms.ts';

/** What an accepted invitation with delegatedAdmin grants each partner it names (API.md). */
export const DEFAULT_ROLES: DelegatedRole[] = [
  'DIRECTORY_READER',
  'USER_ADMINISTRATOR',
  'LICENSE_ADMINISTRATOR',
  'SERVICE_SUPPORT_ADMINISTRATOR',
];
export const DEFAULT_DURATION_DAYS = 730;
const DAY_MS = 86_400_000;

export interface DefaultsDeps {
  adminRelationships: AdminRelationshipStore;
  invitations: Pick<RelationshipStore, 'getInvitation'>;
  timers: Timers<AdminRelationshipTimer>;
  clock: Clock;
}

/** One id per invitation and partner: a repeated stream record finds the relationship made. */
const defaultId = (invitationId: string, partnerId: string) =>
  uuidOf(createHash('sha256').update(`default-admin-relationship\n${invitationId}\n${partnerId}`).digest());

/**
 * The "Default" admin relationships of an accepted invitation with delegatedAdmin: ACTIVE at the
 * acceptance, for the reseller and (combined invitation) the provider, P730D, no auto-extend. The
 * customer's acceptance is the approval. Safe to repeat; a partner that already holds a
 * "Default" with this customer gets the next one named after the invitation.
 */
export async function grantDefaultRelationships(deps: DefaultsDeps, invitationId: string) {
  const invitation = await deps.invitations.getInvitation(invitationId);
  const customer = invitation?.acceptedBy;
  if (
    !invitation ||
    !customer ||
    invitation.status !== 'ACCEPTED' ||
    !invitation.delegatedAdmin ||
    invitation.kind === 'PROVIDER_RESELLER'
  )
    return [];
  const at = invitation.decidedAt ?? deps.clock.now().toISOString();
  const made: string[] = [];
  // The reseller's own customer row; the provider's row of the customer through that reseller.
  const partners = [
    { partner: invitation.from, through: undefined },
    ...(invitation.provider ? [{ partner: invitation.provider, through: invitation.from.id }] : []),
  ];
  for (const { partner, through } of partners) {
    const base: AdminRelationshipRecord = {
      relationshipId: defaultId(invitation.id, partner.id),
      displayName: 'Default',
      partner: { organizationId: partner.id, name: partner.name },
      customer: { organizationId: customer.id, name: customer.name },
      roles: DEFAULT_ROLES,
      duration: `P${DEFAULT_DURATION_DAYS}D`,
      autoExtend: false,
      status: 'ACTIVE',
      createdAt: at,
      requestExpiresAt: at,
      activatedAt: at,
      endsAt: new Date(Date.parse(at) + DEFAULT_DURATION_DAYS * DAY_MS).toISOString(),
      fromInvitationId: invitation.id,
    };
    await armAdminTimers(deps.timers, base, deps.clock.now());
    let outcome = await deps.adminRelationships.createActive(base, through);
    if (outcome === 'nameTaken')
      outcome = await deps.adminRelationships.createActive(
        { ...base, displayName: `Default ${invitation.id.slice(0, 8)}` },
        through,
      );
    if (outcome === 'created') made.push(base.relationshipId);
  }
  return made;
}

/** Invitations accepted within this long before a migration are left to the stream consumer. */
export const MIGRATION_SETTLE_MS = 5 * 60_000;

/**
 * POST /operator/migrations/default-admin-relationships: one page of the one-off migration of
 * invitations accepted with delegatedAdmin before "Default" relationships existed. It reads
 * `limit` items of a Scan from `cursor` and gives each such invitation its Defaults, the way the
 * stream consumer does (derived ids: those made already are left as they are), so it is safe to
 * run again. Invitations accepted after `decidedBefore` (5 minutes ago by default) are the stream's.
 */
export async function migrateDefaultRelationships(
  deps: DefaultsDeps & { invitations: Pick<RelationshipStore, 'acceptedWithDelegatedAdmin'> },
  query: { limit: number; cursor?: string | undefined; decidedBefore?: string | undefined },
) {
  const decidedBefore =
    query.decidedBefore ?? new Date(deps.clock.now().getTime() - MIGRATION_SETTLE_MS).toISOString();
  const page = await deps.invitations.acceptedWithDelegatedAdmin(decidedBefore, query.limit, query.cursor);
  const created: string[] = [];
  for (const invitationId of page.items)
    created.push(...(await grantDefaultRelationships(deps, invitationId)));
  return {
    invitations: page.items.length,
    created,
    ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
  };
}
