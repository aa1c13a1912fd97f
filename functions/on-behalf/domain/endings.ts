import type { CommerceStore, SubscriptionRecord, Viewer } from '../../commerce/ports.ts';
import { mailGlobalAdmins, type Organizations } from '../../identity/domain/admins.ts';
import type { Principal } from '../../identity/domain/model.ts';
import { DomainError } from '../../platform/errors.ts';
import type { Clock, Mailer, Timers } from '../../platform/ports.ts';
import { relationshipRows } from '../../relationships/domain/access.ts';
import type { CustomerLink, RelationshipKind } from '../../relationships/domain/model.ts';
import type { RelationshipData, RelationshipStore } from '../../relationships/ports.ts';
import {
  type EndedRelationship,
  type EndingEffect,
  partnershipEndedEmail,
} from '../emails/partnership-ended.ts';
import { type AdminRelationshipRecord, statusAt } from './model.ts';
import { type AdminRelationshipTimer, disarmAdminTimers } from './terms.ts';

/**
 * Ending relationships (API.md, end of "Administering on behalf"): a partner and a customer, or an
 * indirect provider and a reseller, stop working together. Guarded by the subscriptions that still
 * bind them; everything ends in one transaction (both sides' rows, the sharing rows, the admin
 * relationships between them, the activity records); every organization whose lists or access
 * changed is emailed. docs/decisions.md, "Ending relationships", says what ends in each case.
 */

/** A relationship row, by where it is stored (RelationshipKind in relationships/domain/model.ts). */
export interface RowRef {
  orgId: string;
  kind: RelationshipKind;
  otherId: string;
  subId?: string;
}

/** An activity record of an ending, in the log of `organizationId`. */
export interface EndingRecord {
  organizationId: string;
  customerId?: string;
  operation: string;
  resourceType: string;
  resourceId: string;
  changes?: Record<string, [unknown, unknown]>;
  at: string;
}

/** Everything one ending writes, in one transaction. */
export interface Ending {
  /**
   * Rows read a moment ago, deleted only if still there. The first is the relationship itself:
   * when it is gone, the relationship ended meanwhile; another one gone means something else
   * changed (CONFLICT, retry).
   */
  rows: RowRef[];
  /** Rows of the sharing deleted whether still there or not (an ending from elsewhere may have taken them). */
  alsoRows: RowRef[];
  /** A reseller's customer row that is no longer shared with the provider: its `indirectProviderId` goes, if still that one. */
  unshares: Array<{ resellerId: string; customerId: string; providerId: string }>;
  /** Admin relationships ended: as read (the status must still be that) and as they end (grant and name claim released). */
  adminRelationships: Array<{ before: AdminRelationshipRecord; after: AdminRelationshipRecord }>;
  records: EndingRecord[];
}

/** The one transaction of an ending, and what finds the admin relationships it ends. */
export interface EndingStore {
  /** The most writes one ending may hold (DynamoDB: 100 items in one TransactWriteItems). */
  readonly maxWrites: number;
  /**
   * Writes the ending all at once: 'ENDED', or 'GONE' (nothing written) when its first row is no
   * longer there; CONFLICT when anything else changed since it was read.
   */
  end(ending: Ending): Promise<'ENDED' | 'GONE'>;
  /** The partner's pending and active admin relationships with the customer (those holding a name claim). */
  liveAdminRelationships(partnerId: string, customerId: string): Promise<AdminRelationshipRecord[]>;
}

/** What the ending reads of the relationship rows. */
export type EndingRows = Pick<
  RelationshipStore,
  'getRelationship' | 'relationshipsWith' | 'listRelationships'
>;

export interface EndingDeps {
  endings: EndingStore;
  rows: EndingRows;
  /** One Query per viewer and page. */
  subscriptions: Pick<CommerceStore, 'listSubscriptions'>;
  organizations: Organizations;
  timers: Timers<AdminRelationshipTimer>;
  mailer: Mailer;
  clock: Clock;
}

/** Writes of one admin relationship ended: it, its grant, its name claim (see writesOf). */
const WRITES_PER_ADMIN_RELATIONSHIP = 3;
/** Subscriptions that still bind a relationship. */
const BINDING = new Set<SubscriptionRecord['status']>(['ACTIVE', 'SUSPENDED']);
const PAGE = 100;

/** What an ending writes: each row deleted or updated, an admin relationship's three items (it, its grant, its name), each record. */
export const writesOf = (e: Ending) =>
  e.rows.length +
  e.alsoRows.length +
  e.unshares.length +
  WRITES_PER_ADMIN_RELATIONSHIP * e.adminRelationships.length +
  e.records.length;

const rowKey = (r: RowRef) => [r.orgId, r.kind, r.otherId, r.subId ?? ''].join('|');

/** An ending being put together: its writes and, per organization reached, what changed for it. */
class Plan {
  readonly ending: Ending = { rows: [], alsoRows: [], unshares: [], adminRelationships: [], records: [] };
  /** Organization id → the changes it is told about (ids; names are looked up to email them). */
  readonly effects = new Map<string, Array<Effect>>();
  private readonly keys = new Set<string>();

  constructor(
    readonly actorOrgId: string,
    readonly now: Date,
  ) {}

  /** A row read a moment ago, deleted if still there (once). */
  row(r: RowRef) {
    if (this.claim(r)) this.ending.rows.push(r);
  }
  /** A row deleted whether there or not (once, and not if already deleted as a read row). */
  also(r: RowRef) {
    if (this.claim(r)) this.ending.alsoRows.push(r);
  }
  unshare(resellerId: string, customerId: string, providerId: string) {
    if (this.claim({ orgId: resellerId, kind: 'CUSTOMER', otherId: customerId }))
      this.ending.unshares.push({ resellerId, customerId, providerId });
  }
  tell(orgId: string, effect?: Effect) {
    const list = this.effects.get(orgId) ?? [];
    if (effect && !list.some((e) => JSON.stringify(e) === JSON.stringify(effect))) list.push(effect);
    this.effects.set(orgId, list);
  }
  /** One DynamoDB transaction touches an item once. */
  private claim(r: RowRef) {
    const key = rowKey(r);
    if (this.keys.has(key)) return false;
    this.keys.add(key);
    return true;
  }
}

/** What changed for an organization, by ids (EndingEffect names them). */
type Effect =
  | { kind: 'CUSTOMER_LEFT'; customer: string; via?: string }
  | { kind: 'PARTNER_LEFT'; partner: string }
  | { kind: 'NO_LONGER_SHARED'; customer: string; with: string }
  | { kind: 'ADMIN_ENDED'; displayName: string; with: string };

function assertGlobalAdmin(actor: Principal) {
  if (actor.user.adminRole !== 'GLOBAL_ADMIN')
    throw new DomainError(
      'FORBIDDEN',
      "Only a global admin of your organization can end its relationships; ask one of your organization's global admins.",
    );
}

/** The partner's rows of one customer (its own as reseller, one per reseller as provider). */
async function customerRows(deps: EndingDeps, partnerId: string, customerId: string) {
  return relationshipRows(await deps.rows.relationshipsWith(partnerId, 'CUSTOMER', customerId), customerId);
}

/** Every row of a list, page by page, up to `atMost` (beyond that the ending is too big anyway). */
async function allRows<K extends RelationshipKind>(
  deps: EndingDeps,
  orgId: string,
  kind: K,
  otherId: string,
  atMost: number,
) {
  const rows: RelationshipData[K][] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.rows.listRelationships(orgId, kind, otherId, PAGE, cursor);
    rows.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && rows.length <= atMost);
  return rows;
}

/** The customer's subscriptions in `viewer`'s view that are ACTIVE or SUSPENDED and `match`. */
async function bindingSubscriptions(
  deps: EndingDeps,
  customerId: string,
  viewers: Viewer[],
  match: (s: SubscriptionRecord) => boolean = () => true,
) {
  const found = new Map<string, SubscriptionRecord>();
  for (const viewer of viewers) {
    let cursor: string | undefined;
    do {
      const page = await deps.subscriptions.listSubscriptions(customerId, viewer, undefined, PAGE, cursor);
      for (const s of page.items) if (BINDING.has(s.status) && match(s)) found.set(s.subscriptionId, s);
      cursor = page.nextCursor;
    } while (cursor);
  }
  return [...found.values()];
}

/** Organization names, each read once (an organization a row names always exists; its id stands in otherwise). */
function namer(deps: EndingDeps) {
  const names = new Map<string, Promise<string>>();
  return (orgId: string) => {
    let name = names.get(orgId);
    if (!name) {
      name = deps.organizations.getOrganization(orgId).then((org) => org?.name ?? orgId);
      names.set(orgId, name);
    }
    return name;
  };
}

/** ACTIVE_SUBSCRIPTIONS, naming each subscription that blocks: its offer, status and customer. */
async function refuseIfBound(binding: SubscriptionRecord[], nameOf: (id: string) => Promise<string>) {
  if (binding.length === 0) return;
  const errors = await Promise.all(
    binding.map(async (s) => ({
      path: `subscriptions.${s.subscriptionId}`,
      message: `"${s.offerName}" is ${s.status} for ${await nameOf(s.customerId)} (term ends ${s.termEndDate.slice(0, 10)}, reseller of record ${s.resellerOfRecord.name})`,
    })),
  );
  const one = binding.length === 1;
  throw new DomainError(
    'ACTIVE_SUBSCRIPTIONS',
    `${one ? 'A subscription' : `${binding.length} subscriptions`} still ${one ? 'binds' : 'bind'} this relationship (listed in errors): cancel ${one ? 'it' : 'them'} within the cancellation window, or turn autoRenew off and let ${one ? 'it' : 'them'} expire, then end the relationship. Nothing was changed.`,
    { errors },
  );
}

/**
 * Ends the partner's pending and active admin relationships with the customer: TERMINATED by the
 * caller's organization (one whose term is already over ends EXPIRED, as its timer would), each
 * with its record in the caller's log.
 */
async function endAdminRelationships(deps: EndingDeps, plan: Plan, partnerId: string, customerId: string) {
  const live = await deps.endings.liveAdminRelationships(partnerId, customerId);
  for (const r of live) {
    if (r.status !== 'ACTIVE' && r.status !== 'APPROVAL_PENDING') continue;
    if (plan.ending.adminRelationships.some((a) => a.before.relationshipId === r.relationshipId)) continue;
    const { tokenHash: _t, ...rest } = r;
    const expired = statusAt(r, plan.now) === 'EXPIRED';
    const after: AdminRelationshipRecord = expired
      ? { ...rest, status: 'EXPIRED', endedAt: r.status === 'ACTIVE' ? (r.endsAt ?? '') : r.requestExpiresAt }
      : { ...rest, status: 'TERMINATED', endedAt: plan.now.toISOString(), endedBy: plan.actorOrgId };
    plan.ending.adminRelationships.push({ before: r, after });
    plan.ending.records.push({
      organizationId: plan.actorOrgId,
      // A record about a customer shows on its inbound view, unless it is in the customer's own log.
      ...(plan.actorOrgId === customerId ? {} : { customerId }),
      operation: expired ? 'ADMIN_RELATIONSHIP_EXPIRED' : 'ADMIN_RELATIONSHIP_TERMINATED',
      resourceType: 'adminRelationship',
      resourceId: r.relationshipId,
      changes: { status: [r.status, after.status], endedAt: [null, after.endedAt] },
      at: plan.now.toISOString(),
    });
    if (!expired) {
      plan.tell(partnerId, { kind: 'ADMIN_ENDED', displayName: r.displayName, with: customerId });
      plan.tell(customerId, { kind: 'ADMIN_ENDED', displayName: r.displayName, with: partnerId });
    }
  }
}

/**
 * The provider no longer reaches the customer through the reseller: its customer row through that
 * reseller and both sharing rows go; when it has no other way to the customer, it leaves the
 * customer's partners and its admin relationships with the customer end.
 */
async function dropSharing(
  deps: EndingDeps,
  plan: Plan,
  s: { providerId: string; resellerId: string; customerId: string },
  resellerKeepsCustomer: boolean,
) {
  const { providerId, resellerId, customerId } = s;
  plan.also({ orgId: providerId, kind: 'CUSTOMER', otherId: customerId, subId: resellerId });
  plan.also({ orgId: providerId, kind: 'SHARED', otherId: resellerId, subId: customerId });
  plan.also({ orgId: resellerId, kind: 'SHAREDWITH', otherId: providerId, subId: customerId });
  plan.tell(providerId, { kind: 'CUSTOMER_LEFT', customer: customerId, via: resellerId });
  if (resellerKeepsCustomer) {
    const own = await deps.rows.getRelationship(resellerId, 'CUSTOMER', customerId);
    if (own?.indirectProviderId === providerId) plan.unshare(resellerId, customerId, providerId);
    plan.tell(resellerId, { kind: 'NO_LONGER_SHARED', customer: customerId, with: providerId });
  }
  const otherWays = (await customerRows(deps, providerId, customerId)).filter(
    (row) => row.indirectResellerId !== resellerId,
  );
  if (otherWays.length === 0) {
    plan.also({ orgId: customerId, kind: 'PARTNER', otherId: providerId });
    plan.tell(customerId, { kind: 'PARTNER_LEFT', partner: providerId });
    await endAdminRelationships(deps, plan, providerId, customerId);
  }
}

/** The partner's rows of the customer go, with what hangs on each (the sharing with its provider, or with its resellers). */
async function endWithCustomer(
  deps: EndingDeps,
  plan: Plan,
  partnerId: string,
  customerId: string,
  rows: CustomerLink[],
) {
  for (const row of rows) {
    const resellerId = row.indirectResellerId;
    if (resellerId) {
      // The partner is the customer's indirect provider through this reseller.
      plan.row({ orgId: partnerId, kind: 'CUSTOMER', otherId: customerId, subId: resellerId });
      plan.also({ orgId: partnerId, kind: 'SHARED', otherId: resellerId, subId: customerId });
      plan.also({ orgId: resellerId, kind: 'SHAREDWITH', otherId: partnerId, subId: customerId });
      const own = await deps.rows.getRelationship(resellerId, 'CUSTOMER', customerId);
      if (own?.indirectProviderId === partnerId) plan.unshare(resellerId, customerId, partnerId);
      plan.tell(partnerId, { kind: 'CUSTOMER_LEFT', customer: customerId, via: resellerId });
      plan.tell(resellerId, { kind: 'NO_LONGER_SHARED', customer: customerId, with: partnerId });
    } else {
      // The partner is the customer's reseller: a provider it shared the customer with loses it too.
      plan.row({ orgId: partnerId, kind: 'CUSTOMER', otherId: customerId });
      plan.tell(partnerId, { kind: 'CUSTOMER_LEFT', customer: customerId });
      if (row.indirectProviderId)
        await dropSharing(
          deps,
          plan,
          { providerId: row.indirectProviderId, resellerId: partnerId, customerId },
          false,
        );
    }
  }
}

/** Refuses an ending one transaction cannot hold; nothing is written. */
function assertFits(deps: EndingDeps, writes: number, what: string) {
  if (writes > deps.endings.maxWrites)
    throw new DomainError(
      'CONFLICT',
      `Ending this relationship changes ${writes} items at once, more than one change can hold (${deps.endings.maxWrites}): ${what}, then try again. Nothing was changed.`,
    );
}

/** Writes the ending, or answers 404 when it ended meanwhile (a second DELETE). */
async function commit(deps: EndingDeps, plan: Plan, gone: () => DomainError) {
  assertFits(
    deps,
    writesOf(plan.ending),
    'end the relationships with some of the customers it reaches first (DELETE /customers/{customerId}/relationship)',
  );
  if ((await deps.endings.end(plan.ending)) === 'GONE') throw gone();
  // The ended relationships' timers would find them ended and do nothing; delete them anyway.
  await Promise.all(
    plan.ending.adminRelationships.map(({ before }) => disarmAdminTimers(deps.timers, before)),
  );
}

/** Emails the global admins of each organization reached (both sides first), each in its country's language. */
async function tellEveryone(
  deps: EndingDeps,
  plan: Plan,
  ended: EndedRelationship,
  nameOf: (id: string) => Promise<string>,
) {
  const endedBy = await nameOf(plan.actorOrgId);
  const named = async (e: Effect): Promise<EndingEffect> => {
    switch (e.kind) {
      case 'CUSTOMER_LEFT':
        return {
          kind: e.kind,
          customer: await nameOf(e.customer),
          ...(e.via ? { via: await nameOf(e.via) } : {}),
        };
      case 'PARTNER_LEFT':
        return { kind: e.kind, partner: await nameOf(e.partner) };
      case 'NO_LONGER_SHARED':
        return { kind: e.kind, customer: await nameOf(e.customer), with: await nameOf(e.with) };
      case 'ADMIN_ENDED':
        return { kind: e.kind, displayName: e.displayName, with: await nameOf(e.with) };
    }
  };
  await Promise.all(
    [...plan.effects].map(async ([orgId, effects]) => {
      const [reader, readerEffects] = await Promise.all([nameOf(orgId), Promise.all(effects.map(named))]);
      await mailGlobalAdmins(
        deps,
        orgId,
        (language) =>
          partnershipEndedEmail(language, {
            ended,
            endedBy,
            endedAt: plan.now,
            reader,
            effects: readerEffects,
          }),
        { ending: ended.kind },
      );
    }),
  );
}

/** A partner (reseller or indirect provider) and a customer stop working together, from either side. */
async function endPartnership(
  deps: EndingDeps,
  actor: Principal,
  partnerId: string,
  customerId: string,
  rows: CustomerLink[],
  by: 'partner' | 'customer',
  gone: () => DomainError,
) {
  const nameOf = namer(deps);
  // Subscriptions the partner bought for the customer, or of which it is the reseller of record
  // (which covers what a provider bought through it): 409 before anything else is read.
  await refuseIfBound(
    await bindingSubscriptions(deps, customerId, [{ providerId: partnerId }, { resellerId: partnerId }]),
    nameOf,
  );
  const plan = new Plan(actor.user.orgId, deps.clock.now());
  const partnerRow: RowRef = { orgId: customerId, kind: 'PARTNER', otherId: partnerId };
  // The relationship as the caller sees it comes first: gone means it ended meanwhile.
  if (by === 'customer') plan.row(partnerRow);
  plan.tell(partnerId);
  plan.tell(customerId, { kind: 'PARTNER_LEFT', partner: partnerId });
  await endWithCustomer(deps, plan, partnerId, customerId, rows);
  if (by === 'partner' && (await deps.rows.getRelationship(customerId, 'PARTNER', partnerId)))
    plan.row(partnerRow);
  await endAdminRelationships(deps, plan, partnerId, customerId);
  plan.ending.records.unshift(
    by === 'partner'
      ? {
          organizationId: partnerId,
          customerId,
          operation: 'CUSTOMER_RELATIONSHIP_ENDED',
          resourceType: 'customer',
          resourceId: customerId,
          at: plan.now.toISOString(),
        }
      : {
          organizationId: customerId,
          operation: 'PARTNER_RELATIONSHIP_ENDED',
          resourceType: 'partner',
          resourceId: partnerId,
          at: plan.now.toISOString(),
        },
  );
  await commit(deps, plan, gone);
  const [partnerName, customerName] = await Promise.all([nameOf(partnerId), nameOf(customerId)]);
  await tellEveryone(deps, plan, { kind: 'CUSTOMER', partnerName, customerName }, nameOf);
}

/**
 * DELETE /customers/{customerId}/relationship: a global admin of the customer's reseller or
 * indirect provider ends every relationship its organization has with the customer.
 */
export async function endCustomerRelationship(deps: EndingDeps, actor: Principal, customerId: string) {
  assertGlobalAdmin(actor);
  const partnerId = actor.user.orgId;
  const notFound = () =>
    new DomainError('NOT_FOUND', 'No customer with this id has a relationship with your organization.');
  const rows = await customerRows(deps, partnerId, customerId);
  if (rows.length === 0) throw notFound();
  await endPartnership(deps, actor, partnerId, customerId, rows, 'partner', notFound);
}

/** DELETE /partners/{partnerId}: a global admin of the customer ends its relationship with a partner, the same from its side. */
export async function endPartnerRelationship(deps: EndingDeps, actor: Principal, partnerId: string) {
  assertGlobalAdmin(actor);
  const customerId = actor.user.orgId;
  const notFound = () =>
    new DomainError('NOT_FOUND', 'No partner with this id has a relationship with your organization.');
  if (!(await deps.rows.getRelationship(customerId, 'PARTNER', partnerId))) throw notFound();
  const rows = await customerRows(deps, partnerId, customerId);
  await endPartnership(deps, actor, partnerId, customerId, rows, 'customer', notFound);
}

/** An indirect provider and a reseller stop working together, from either side. */
async function endLink(
  deps: EndingDeps,
  actor: Principal,
  providerId: string,
  resellerId: string,
  by: 'provider' | 'reseller',
) {
  assertGlobalAdmin(actor);
  const own: RowRef =
    by === 'reseller'
      ? { orgId: resellerId, kind: 'PROVIDER', otherId: providerId }
      : { orgId: providerId, kind: 'RESELLER', otherId: resellerId };
  const theirs: RowRef =
    by === 'reseller'
      ? { orgId: providerId, kind: 'RESELLER', otherId: resellerId }
      : { orgId: resellerId, kind: 'PROVIDER', otherId: providerId };
  const notFound = () =>
    new DomainError(
      'NOT_FOUND',
      by === 'reseller'
        ? 'Your organization has no relationship with this indirect provider.'
        : 'Your organization has no relationship with this indirect reseller.',
    );
  if (!(await deps.rows.getRelationship(own.orgId, own.kind, own.otherId))) throw notFound();
  const nameOf = namer(deps);
  // Each shared customer costs at least three writes: refuse a link too big before reading on.
  const room = Math.floor(deps.endings.maxWrites / 3);
  const shared = await allRows(deps, providerId, 'SHARED', resellerId, room);
  assertFits(
    deps,
    3 * shared.length + 3,
    `${shared.length} customers are shared through it; the provider can end its relationship with some of them first (DELETE /customers/{customerId}/relationship)`,
  );
  // What the provider still bills the reseller's customers for (the reseller of record).
  const binding = (
    await Promise.all(
      shared.map((c) =>
        bindingSubscriptions(
          deps,
          c.customerId,
          [{ providerId }],
          (s) => s.resellerOfRecord.organizationId === resellerId,
        ),
      ),
    )
  ).flat();
  await refuseIfBound(binding, nameOf);
  const plan = new Plan(actor.user.orgId, deps.clock.now());
  plan.row(own);
  if (await deps.rows.getRelationship(theirs.orgId, theirs.kind, theirs.otherId)) plan.row(theirs);
  plan.tell(providerId);
  plan.tell(resellerId);
  for (const c of shared)
    await dropSharing(deps, plan, { providerId, resellerId, customerId: c.customerId }, true);
  plan.ending.records.unshift(
    by === 'reseller'
      ? {
          organizationId: resellerId,
          operation: 'INDIRECT_PROVIDER_RELATIONSHIP_ENDED',
          resourceType: 'indirectProvider',
          resourceId: providerId,
          at: plan.now.toISOString(),
        }
      : {
          organizationId: providerId,
          operation: 'INDIRECT_RESELLER_RELATIONSHIP_ENDED',
          resourceType: 'indirectReseller',
          resourceId: resellerId,
          at: plan.now.toISOString(),
        },
  );
  await commit(deps, plan, notFound);
  const [providerName, resellerName] = await Promise.all([nameOf(providerId), nameOf(resellerId)]);
  await tellEveryone(deps, plan, { kind: 'PROVIDER_RESELLER', providerName, resellerName }, nameOf);
}

/** DELETE /indirect-providers/{providerId}: a reseller's global admin ends its link with an indirect provider. */
export const endIndirectProvider = (deps: EndingDeps, actor: Principal, providerId: string) =>
  endLink(deps, actor, providerId, actor.user.orgId, 'reseller');

/** DELETE /indirect-resellers/{resellerId}: a provider's global admin ends its link with a reseller. */
export const endIndirectReseller = (deps: EndingDeps, actor: Principal, resellerId: string) =>
  endLink(deps, actor, actor.user.orgId, resellerId, 'provider');
