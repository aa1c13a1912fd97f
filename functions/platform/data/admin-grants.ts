import { entity } from './entity.ts';
import { queryPage } from './query.ts';
import { keys } from './table.ts';

/**
 * What one ACTIVE admin relationship lets its partner do in one customer's organization, until
 * `endsAt`: written with the relationship by functions/on-behalf/store.ts, read by every on-behalf
 * check (strongly consistent) and by the customer lists' `delegatedAdmin`.
 */
export interface AdminGrantItem {
  relationshipId: string;
  /** The relationship's roles (on-behalf's DelegatedRole values). */
  roles: string[];
  endsAt: string;
}

export const adminGrants = entity<AdminGrantItem>({ type: 'adminGrant' });

/** The partner's grants in one customer's organization: one Query of one partition (a few items). */
export async function grantsOf(partnerId: string, customerId: string, consistent: boolean) {
  const key = keys.adminGrant(partnerId, customerId);
  const page = await queryPage({
    partition: key.pk,
    sortKeyPrefix: key.sk,
    consistent,
    limit: 100,
    read: adminGrants.record,
  });
  return page.items;
}
