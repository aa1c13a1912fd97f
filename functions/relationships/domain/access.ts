import { DomainError } from '../../platform/errors.ts';
import type { CustomerLink } from './model.ts';

/** The caller's rows of one customer (the CUSTOMER rows of its partition): one Query. */
export interface CustomerLinks {
  relationshipsWith(orgId: string, kind: 'CUSTOMER', customerId: string): Promise<CustomerLink[]>;
}

export const customerNotFound = () =>
  new DomainError('NOT_FOUND', 'No customer with this id has a relationship with your organization.');

/**
 * API.md's "a relationship with the customer": the organization's rows of that customer, its own
 * (as its reseller) first, then one per reseller that shares it (as its indirect provider). None:
 * 404, so customer ids cannot be probed. Everything under /customers/{customerId}/… starts here.
 */
export async function customerRows(
  deps: { customers: CustomerLinks },
  orgId: string,
  customerId: string,
): Promise<[CustomerLink, ...CustomerLink[]]> {
  // Ids are opaque: a path id that merely spells a row's key (`<customer>#<reseller>`) is no customer id.
  const rows = (await deps.customers.relationshipsWith(orgId, 'CUSTOMER', customerId)).filter(
    (row) => row.customerId === customerId,
  );
  const [first, ...rest] = rows;
  if (!first) throw customerNotFound();
  return [first, ...rest];
}
