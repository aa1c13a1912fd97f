import { DomainError } from '../../platform/errors.ts';
import type { CustomerLink } from './model.ts';

/** The caller's rows of one customer (the CUSTOMER rows of its partition): one Query. */
export interface CustomerLinks {
  relationshipsWith(orgId: string, kind: 'CUSTOMER', customerId: string): Promise<CustomerLink[]>;
}

export const customerNotFound = () =>
  new DomainError('NOT_FOUND', 'No customer with this id has a relationship with your organization.');

/**
 * The rows of `customerId` among an organization's CUSTOMER rows that are relationships: ids are
 * opaque, so a path id that merely spells a row's key (`<customer>#<reseller>`) is no customer id,
 * and an existing customer not on the platform (`NOT_ON_PLATFORM`) is listed but no relationship.
 */
export const relationshipRows = (rows: CustomerLink[], customerId: string) =>
  rows.filter((row) => row.customerId === customerId && row.status === undefined);

/**
 * API.md's "a relationship with the customer": the organization's rows of that customer, its own
 * (as its reseller) first, then one per reseller that shares it (as its indirect provider). None:
 * 404, so customer ids cannot be probed. Everything under /customers/{customerId}/… starts here.
 * `listed`: also a `NOT_ON_PLATFORM` entry of the customer list (GET /customers/{id} and its invite).
 */
export async function customerRows(
  deps: { customers: CustomerLinks },
  orgId: string,
  customerId: string,
  opts: { listed?: boolean } = {},
): Promise<[CustomerLink, ...CustomerLink[]]> {
  const all = await deps.customers.relationshipsWith(orgId, 'CUSTOMER', customerId);
  const rows = opts.listed
    ? all.filter((row) => row.customerId === customerId)
    : relationshipRows(all, customerId);
  const [first, ...rest] = rows;
  if (!first) throw customerNotFound();
  return [first, ...rest];
}
