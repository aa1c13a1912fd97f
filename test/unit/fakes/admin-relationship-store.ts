import type { AdminRelationshipRecord } from '../../../functions/on-behalf/domain/model.ts';
import type { AdminGrant, AdminRelationshipStore } from '../../../functions/on-behalf/ports.ts';
import { DomainError } from '../../../functions/platform/errors.ts';
import type { LinkRecord } from '../../../functions/platform/links/links.ts';
import type { FakeIdentityStore } from './identity-store.ts';
import { copy } from './table.ts';

const pair = (r: AdminRelationshipRecord) => `${r.partner.organizationId}|${r.customer.organizationId}`;

/** Admin relationships in memory with the store's conditions; links go to the one link store (the identity fake). */
export class FakeAdminRelationshipStore implements AdminRelationshipStore {
  readonly relationships = new Map<string, AdminRelationshipRecord>();
  /** `<partner>|<customer>` → relationship id → grant. */
  readonly grantsOf = new Map<string, Map<string, AdminGrant>>();
  /** `<partner>|<customer>|<lower name>` → relationship id. */
  readonly names = new Map<string, string>();

  constructor(private readonly links: FakeIdentityStore) {}

  dump() {
    return JSON.stringify([
      [...this.relationships],
      [...this.grantsOf].map(([k, v]) => [k, [...v]]),
      [...this.names],
    ]);
  }

  private nameKey = (r: AdminRelationshipRecord) => `${pair(r)}|${r.displayName.trim().toLowerCase()}`;

  async request(r: AdminRelationshipRecord, link: LinkRecord) {
    if (this.names.has(this.nameKey(r))) throw new DomainError('DISPLAY_NAME_TAKEN');
    this.relationships.set(r.relationshipId, copy(r));
    this.names.set(this.nameKey(r), r.relationshipId);
    this.links.links.set(link.tokenHash, copy(link));
  }

  /** Customer rows that are gone (`<partner>#<customer>[#<through reseller>]`): the relationship ended. */
  readonly endedRows = new Set<string>();

  async createActive(r: AdminRelationshipRecord, through?: string) {
    if (this.relationships.has(r.relationshipId)) return 'exists' as const;
    const row = [r.partner.organizationId, r.customer.organizationId, ...(through ? [through] : [])].join(
      '#',
    );
    if (this.names.has(this.nameKey(r))) return 'nameTaken' as const;
    if (this.endedRows.has(row)) return 'gone' as const;
    this.relationships.set(r.relationshipId, copy(r));
    this.names.set(this.nameKey(r), r.relationshipId);
    const grants = this.grantsOf.get(pair(r)) ?? new Map<string, AdminGrant>();
    grants.set(r.relationshipId, {
      relationshipId: r.relationshipId,
      roles: [...r.roles],
      endsAt: r.endsAt ?? '',
    });
    this.grantsOf.set(pair(r), grants);
    return 'created' as const;
  }

  async get(id: string) {
    const r = this.relationships.get(id);
    return r ? copy(r) : undefined;
  }

  async answer(before: AdminRelationshipRecord, after: AdminRelationshipRecord) {
    const link = this.links.links.get(before.tokenHash ?? '');
    if (this.relationships.get(before.relationshipId)?.status !== before.status || !link || link.usedAt)
      return false;
    link.usedAt = after.activatedAt ?? after.endedAt;
    this.relationships.set(after.relationshipId, copy(after));
    if (after.status === 'ACTIVE') {
      const grants = this.grantsOf.get(pair(after)) ?? new Map<string, AdminGrant>();
      grants.set(after.relationshipId, {
        relationshipId: after.relationshipId,
        roles: [...after.roles],
        endsAt: after.endsAt ?? '',
      });
      this.grantsOf.set(pair(after), grants);
    } else this.names.delete(this.nameKey(after));
    return true;
  }

  async end(before: AdminRelationshipRecord, after: AdminRelationshipRecord) {
    if (this.relationships.get(before.relationshipId)?.status !== before.status) return false;
    this.relationships.set(after.relationshipId, copy(after));
    this.grantsOf.get(pair(before))?.delete(before.relationshipId);
    this.names.delete(this.nameKey(before));
    return true;
  }

  async extend(before: AdminRelationshipRecord, after: AdminRelationshipRecord) {
    const stored = this.relationships.get(before.relationshipId);
    if (stored?.status !== 'ACTIVE' || stored.endsAt !== before.endsAt) return false;
    this.relationships.set(after.relationshipId, copy(after));
    this.grantsOf.get(pair(after))?.set(after.relationshipId, {
      relationshipId: after.relationshipId,
      roles: [...after.roles],
      endsAt: after.endsAt ?? '',
    });
    return true;
  }

  async list(by: { partnerId: string } | { customerId: string }, limit: number) {
    const items = [...this.relationships.values()]
      .filter((r) =>
        'partnerId' in by
          ? r.partner.organizationId === by.partnerId
          : r.customer.organizationId === by.customerId,
      )
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
      .slice(0, limit);
    return { items: copy(items) };
  }

  async grants(partnerId: string, customerId: string) {
    return copy([...(this.grantsOf.get(`${partnerId}|${customerId}`)?.values() ?? [])]);
  }
}
