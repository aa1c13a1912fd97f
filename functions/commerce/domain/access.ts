import type { Principal } from '../../identity/domain/model.ts';
import { DomainError } from '../../platform/errors.ts';
import type { CustomerLink } from '../../relationships/domain/model.ts';
import type { SubscriptionRecord, Viewer } from '../ports.ts';

/** The caller's rows of one customer (relationships' CUSTOMER rows): one Query. */
export interface CustomerLinks {
  relationshipsWith(orgId: string, kind: 'CUSTOMER', customerId: string): Promise<CustomerLink[]>;
}

/** How the caller's organization works with a customer. */
export interface Relationship {
  /** As its indirect provider: one row per reseller that shares the customer with it. */
  sharedBy: string[];
  /** As its reseller (the customer accepted its own request). */
  asReseller: boolean;
  /** Whose list the caller reads: a provider's purchases, or a reseller's subscriptions of record. */
  viewer: Viewer;
}

export const customerNotFound = () =>
  new DomainError('NOT_FOUND', 'No customer with this id has a relationship with your organization.');

/**
 * API.md's "a relationship with the customer": the caller's organization is its reseller, or an
 * indirect provider it is shared with. Any other organization gets 404 (nothing is revealed).
 */
export async function relationshipWith(
  deps: { customers: CustomerLinks },
  actor: Principal,
  customerId: string,
): Promise<Relationship> {
  const orgId = actor.user.orgId;
  // Ids are opaque: a path id that merely spells a row's key (`<customer>#<reseller>`) is no customer id.
  const rows = (await deps.customers.relationshipsWith(orgId, 'CUSTOMER', customerId)).filter(
    (row) => row.customerId === customerId,
  );
  if (rows.length === 0) throw customerNotFound();
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
