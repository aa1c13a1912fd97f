import type { Principal } from '../../identity/domain/model.ts';
import { type CustomerLinks, customerRows } from '../../relationships/domain/access.ts';
import type { SubscriptionRecord, Viewer } from '../ports.ts';

/** How the caller's organization works with a customer. */
export interface Relationship {
  /** As its indirect provider: one row per reseller that shares the customer with it. */
  sharedBy: string[];
  /** As its reseller (the customer accepted its own request). */
  asReseller: boolean;
  /** Whose list the caller reads: a provider's purchases, or a reseller's subscriptions of record. */
  viewer: Viewer;
}

/** How the caller works with the customer it has a relationship with (404 without one: customerRows). */
export async function relationshipWith(
  deps: { customers: CustomerLinks },
  actor: Principal,
  customerId: string,
): Promise<Relationship> {
  const orgId = actor.user.orgId;
  const rows = await customerRows(deps, orgId, customerId);
  const sharedBy = rows.flatMap((row) => (row.indirectResellerId ? [row.indirectResellerId] : []));
  return {
    sharedBy,
    asReseller: rows.some((row) => !row.indirectResellerId),
    // An organization that is both (rare) reads what it bought.
    viewer: sharedBy.length > 0 ? { providerId: orgId } : { resellerId: orgId },
  };
}

/** Whether the caller's organization may see a subscription: the provider that bought it, or its reseller of record. */
export const sees = (orgId: string, s: Pick<SubscriptionRecord, 'providerId' | 'resellerOfRecord'>) =>
  s.providerId === orgId || s.resellerOfRecord.organizationId === orgId;
