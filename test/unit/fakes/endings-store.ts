import type {
  Ending,
  EndingRecord,
  EndingStore,
  RowRef,
} from '../../../functions/on-behalf/domain/endings.ts';
import type { AdminRelationshipRecord } from '../../../functions/on-behalf/domain/model.ts';
import { keys } from '../../../functions/platform/data/table.ts';
import type { FakeAdminRelationshipStore } from './admin-relationship-store.ts';
import type { FakeRelationshipStore } from './relationship-store.ts';
import { copy, transact } from './table.ts';

const sortKeyOf = (r: Pick<RowRef, 'kind' | 'otherId' | 'subId'>) =>
  keys.relationship('', r.kind, r.otherId, r.subId).sk;
const pair = (r: AdminRelationshipRecord) => `${r.partner.organizationId}|${r.customer.organizationId}`;

/**
 * Endings over the relationship and admin relationship fakes' own maps, with the conditions of
 * functions/on-behalf/endings-store.ts: all or nothing, the first row gone → 'GONE'.
 */
export class FakeEndingStore implements EndingStore {
  readonly maxWrites = 100;
  /** The activity records written, in order. */
  readonly records: EndingRecord[] = [];
  /** Runs before the next ending's conditions are checked (a concurrent writer). */
  beforeNextEnd: (() => void) | undefined;

  constructor(
    private readonly rows: FakeRelationshipStore,
    private readonly admin: FakeAdminRelationshipStore,
  ) {}

  dump() {
    return JSON.stringify(this.records);
  }

  private row(r: RowRef) {
    return this.rows.rows.get(r.orgId)?.get(sortKeyOf(r));
  }

  async end(e: Ending) {
    const hook = this.beforeNextEnd;
    this.beforeNextEnd = undefined;
    hook?.();
    const [first] = e.rows;
    if (first && this.row(first) === undefined) return 'GONE' as const;
    transact([
      ...e.rows.map((r) => ({
        holds: () => this.row(r) !== undefined,
        write: () => this.rows.deleteRow(r),
      })),
      ...e.alsoRows.map((r) => ({ write: () => this.rows.deleteRow(r) })),
      ...e.unshares.map((u) => {
        const row = () => this.row({ orgId: u.resellerId, kind: 'CUSTOMER', otherId: u.customerId });
        return {
          holds: () => row()?.indirectProviderId === u.providerId,
          write: () => {
            delete row()?.indirectProviderId;
          },
        };
      }),
      ...e.adminRelationships.map(({ before, after }) => ({
        holds: () => this.admin.relationships.get(before.relationshipId)?.status === before.status,
        write: () => {
          this.admin.relationships.set(after.relationshipId, copy(after));
          this.admin.grantsOf.get(pair(before))?.delete(before.relationshipId);
          this.admin.names.delete(`${pair(before)}|${before.displayName.trim().toLowerCase()}`);
        },
      })),
      { write: () => this.records.push(...copy(e.records)) },
    ]);
    return 'ENDED' as const;
  }

  async liveAdminRelationships(partnerId: string, customerId: string) {
    const prefix = `${partnerId}|${customerId}|`;
    return [...this.admin.names]
      .filter(([key]) => key.startsWith(prefix))
      .flatMap(([, id]) => {
        const r = this.admin.relationships.get(id);
        return r ? [copy(r)] : [];
      });
  }
}
