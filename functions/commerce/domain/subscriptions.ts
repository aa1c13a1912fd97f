import type { Principal } from '../../identity/domain/model.ts';
import { DomainError } from '../../platform/errors.ts';
import { hasPermission } from '../../platform/roles.ts';
import type { OfferRecord, SubscriptionOperation, SubscriptionRecord, SubscriptionStatus } from '../ports.ts';
import { relationshipWith, sees } from './access.ts';
import type { CommerceDeps } from './orders.ts';
import { disarmTerm } from './terms.ts';

/** The etag of a subscription's current version (the `etag` field and `ETag` header). */
export const etagOf = (s: Pick<SubscriptionRecord, 'version'>) => `"${s.version}"`;

/** What the API shows of a subscription (no bookkeeping), with its etag. */
export const publicSubscription = ({
  adminAgentOnly: _a,
  version: _v,
  createdAt: _c,
  updatedAt: _u,
  noticeSentFor: _n,
  ...s
}: SubscriptionRecord) => ({ ...s, etag: etagOf({ version: _v }) });

type Deps = Pick<CommerceDeps, 'commerce' | 'customers' | 'clock'>;

/** A subscription of a customer the caller has a relationship with and sees (provider or reseller of record), else 404. */
async function visibleSubscription(deps: Deps, actor: Principal, customerId: string, subscriptionId: string) {
  await relationshipWith(deps, actor, customerId);
  const subscription = await deps.commerce.getSubscription(customerId, subscriptionId);
  if (!subscription || !sees(actor.user.orgId, subscription))
    throw new DomainError('NOT_FOUND', 'No subscription with this id for this customer is yours to see.');
  return subscription;
}

export async function getSubscription(
  deps: Deps,
  actor: Principal,
  customerId: string,
  subscriptionId: string,
) {
  return publicSubscription(await visibleSubscription(deps, actor, customerId, subscriptionId));
}

/** GET /customers/{customerId}/subscriptions: those the provider bought, or the reseller is of record for. */
export async function listSubscriptions(
  deps: Deps,
  actor: Principal,
  customerId: string,
  query: { status?: SubscriptionStatus | undefined; limit: number; cursor?: string | undefined },
) {
  const { viewer } = await relationshipWith(deps, actor, customerId);
  const page = await deps.commerce.listSubscriptions(
    customerId,
    viewer,
    query.status,
    query.limit,
    query.cursor,
  );
  return { ...page, items: page.items.map(publicSubscription) };
}

/** GET /subscriptions: a customer's global admin reads what its partners bought for it. */
export async function ownSubscriptions(
  deps: Pick<CommerceDeps, 'commerce'>,
  actor: Principal,
  query: { status?: SubscriptionStatus | undefined; limit: number; cursor?: string | undefined },
) {
  const page = await deps.commerce.listSubscriptions(
    actor.user.orgId,
    undefined,
    query.status,
    query.limit,
    query.cursor,
  );
  return { ...page, items: page.items.map(publicSubscription) };
}

const forbidden = (detail: string) => new DomainError('FORBIDDEN', detail);

/** customers:administer, and for an adminAgentOnly offer an admin agent or a global admin (not a helpdesk agent). */
function assertMayAdminister(actor: Principal, s: SubscriptionRecord) {
  if (!hasPermission(actor.user, 'customers:administer'))
    throw forbidden('Your roles do not include the permission customers:administer.');
  if (s.adminAgentOnly && actor.user.agentRole !== 'ADMIN_AGENT' && actor.user.adminRole !== 'GLOBAL_ADMIN')
    throw forbidden(
      `${s.offerName} is administered only by admin agents and global admins; ask one of them to make this change.`,
    );
}

function assertBuyer(actor: Principal, s: SubscriptionRecord, what: string) {
  if (s.providerId !== actor.user.orgId)
    throw forbidden(
      `${what} is made by the indirect provider that bought the subscription; ask it to make it.`,
    );
  if (!hasPermission(actor.user, 'orders:submit'))
    throw forbidden(`${what} needs the permission orders:submit, which your roles do not include.`);
}

/** The If-Match value, with a weak prefix tolerated; undefined when absent. */
const ifMatchOf = (header: string | undefined) => header?.trim().replace(/^W\//, '') || undefined;

const notActive = (s: SubscriptionRecord) =>
  new DomainError(
    'SUBSCRIPTION_NOT_ACTIVE',
    `The subscription is ${s.status}; only an active subscription can be changed this way.`,
  );

/**
 * One change of a subscription, optimistic: the caller's If-Match (required when `ifMatchRequired`)
 * must be the current etag, and the write is conditional on the version read. Without If-Match a
 * lost race is read again and the rules re-applied; with it, the answer is 412.
 */
async function change(
  deps: Deps,
  actor: Principal,
  ref: { customerId: string; subscriptionId: string; ifMatch: string | undefined; ifMatchRequired: boolean },
  apply: (s: SubscriptionRecord) => Promise<{ after: SubscriptionRecord; operation: SubscriptionOperation }>,
) {
  const ifMatch = ifMatchOf(ref.ifMatch);
  for (let attempt = 0; ; attempt++) {
    const before = await visibleSubscription(deps, actor, ref.customerId, ref.subscriptionId);
    if (ifMatch === undefined && ref.ifMatchRequired)
      throw new DomainError(
        'PRECONDITION_REQUIRED',
        `Send If-Match with the subscription's etag (${etagOf(before)} now) from your last read.`,
      );
    if (ifMatch !== undefined && ifMatch !== etagOf(before))
      throw new DomainError(
        'PRECONDITION_FAILED',
        `The subscription changed since your read (its etag is ${etagOf(before)}); read it again and decide again.`,
      );
    const { after, operation } = await apply(before);
    const next: SubscriptionRecord = {
      ...after,
      version: before.version + 1,
      updatedAt: deps.clock.now().toISOString(),
    };
    if (await deps.commerce.updateSubscription(before, next, operation, actor.user.orgId))
      return { before, after: next };
    if (ifMatch !== undefined || attempt >= 3)
      throw new DomainError(
        'PRECONDITION_FAILED',
        'The subscription was changed by someone else meanwhile; read it again and decide again.',
      );
  }
}

export interface SubscriptionPatch {
  quantity?: number | undefined;
  autoRenew?: boolean | undefined;
  friendlyName?: string | undefined;
}

/** PATCH /customers/{customerId}/subscriptions/{subscriptionId} (API.md's PATCH rules). */
export async function patchSubscription(
  deps: Deps & Pick<CommerceDeps, 'offers'>,
  actor: Principal,
  ref: { customerId: string; subscriptionId: string; ifMatch: string | undefined },
  patch: SubscriptionPatch,
) {
  // The offer's current bounds, read once (the first time a quantity change is checked).
  let offer: Promise<OfferRecord | undefined> | undefined;
  const { after } = await change(deps, actor, { ...ref, ifMatchRequired: true }, async (s) => {
    if (s.status !== 'ACTIVE') throw notActive(s);
    if (patch.quantity !== undefined && patch.quantity !== s.quantity) {
      assertBuyer(actor, s, 'A quantity change (a purchase)');
      offer ??= deps.offers.get(s.offerId);
      const bounds = await offer;
      const [min, max] = [bounds?.minQuantity ?? 1, bounds?.maxQuantity ?? Number.MAX_SAFE_INTEGER];
      if (patch.quantity < min || patch.quantity > max)
        throw new DomainError(
          'QUANTITY_OUT_OF_RANGE',
          `${s.offerName} is sold from ${min} to ${max} licenses.`,
          {
            errors: [{ path: 'body.quantity', message: `must be from ${min} to ${max}` }],
          },
        );
      if (patch.quantity < s.assignedLicenses)
        throw new DomainError(
          'LICENSES_IN_USE',
          `${s.assignedLicenses} licenses are assigned to users; remove assignments before going below that.`,
        );
      if (patch.quantity < s.quantity && deps.clock.now().toISOString() > s.cancellationAllowedUntil)
        throw new DomainError(
          'QUANTITY_DECREASE_NOT_ALLOWED',
          `The quantity could be lowered until ${s.cancellationAllowedUntil} (7 days into the term); it can still be raised, or autoRenew turned off.`,
        );
    }
    if (patch.autoRenew !== undefined || patch.friendlyName !== undefined) assertMayAdminister(actor, s);
    return {
      after: {
        ...s,
        ...(patch.quantity !== undefined ? { quantity: patch.quantity } : {}),
        ...(patch.autoRenew !== undefined ? { autoRenew: patch.autoRenew } : {}),
        ...(patch.friendlyName !== undefined ? { friendlyName: patch.friendlyName } : {}),
      },
      operation: 'SUBSCRIPTION_UPDATED',
    };
  });
  return publicSubscription(after);
}

type Ref = { customerId: string; subscriptionId: string; ifMatch: string | undefined };

/** POST …/suspend: an active subscription stops working until reactivated (customers:administer, adminAgentOnly rule). */
export async function suspendSubscription(deps: Deps, actor: Principal, ref: Ref) {
  const { after } = await change(deps, actor, { ...ref, ifMatchRequired: false }, async (s) => {
    assertMayAdminister(actor, s);
    if (s.status !== 'ACTIVE') throw notActive(s);
    return { after: { ...s, status: 'SUSPENDED' }, operation: 'SUBSCRIPTION_SUSPENDED' };
  });
  return publicSubscription(after);
}

/** POST …/reactivate: a suspended subscription works again, in the same term. */
export async function reactivateSubscription(deps: Deps, actor: Principal, ref: Ref) {
  const { after } = await change(deps, actor, { ...ref, ifMatchRequired: false }, async (s) => {
    assertMayAdminister(actor, s);
    if (s.status !== 'SUSPENDED')
      throw new DomainError(
        'SUBSCRIPTION_NOT_SUSPENDED',
        `The subscription is ${s.status}; only a suspended subscription can be reactivated.`,
      );
    return { after: { ...s, status: 'ACTIVE' }, operation: 'SUBSCRIPTION_REACTIVATED' };
  });
  return publicSubscription(after);
}

/**
 * POST …/cancel: the provider that bought it ends it within 7 days of the term's start; final,
 * licenses released, its pending timer deleted.
 */
export async function cancelSubscription(
  deps: Deps & Pick<CommerceDeps, 'timers'>,
  actor: Principal,
  ref: Ref,
) {
  const { after } = await change(deps, actor, { ...ref, ifMatchRequired: false }, async (s) => {
    assertBuyer(actor, s, 'A cancellation');
    if (s.status === 'CANCELED' || s.status === 'EXPIRED') throw notActive(s);
    if (deps.clock.now().toISOString() > s.cancellationAllowedUntil)
      throw new DomainError(
        'CANCELLATION_WINDOW_CLOSED',
        `The subscription could be canceled until ${s.cancellationAllowedUntil} (7 days into the term); turn off autoRenew so that it ends at ${s.termEndDate}.`,
      );
    return { after: { ...s, status: 'CANCELED', assignedLicenses: 0 }, operation: 'SUBSCRIPTION_CANCELED' };
  });
  await disarmTerm(deps.timers, after);
  return publicSubscription(after);
}
