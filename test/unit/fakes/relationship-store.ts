import { keys } from '../../../functions/platform/data/table.ts';
import { DomainError } from '../../../functions/platform/errors.ts';
import type { LinkRecord } from '../../../functions/platform/links/links.ts';
import {
  type CustomerLink,
  type InvitationRecord,
  type InvitationStatus,
  type OrgRef,
  type RelationshipKind,
  relationshipErrors,
} from '../../../functions/relationships/domain/model.ts';
import type {
  RelationshipData,
  RelationshipRow,
  RelationshipStore,
} from '../../../functions/relationships/ports.ts';
import type { FakeIdentityStore } from './identity-store.ts';
import { copy, query, transact, update } from './table.ts';

/** A stored row as what its kind holds, as the table store reads it back (RelationshipData). */
const asRow = <K extends RelationshipKind>(data: Record<string, unknown>) =>
  data as unknown as RelationshipData[K];
const sortKeyOf = (kind: RelationshipKind, otherId: string, subId?: string) =>
  keys.relationship('', kind, otherId, subId).sk;
const epochSeconds = (d: Date) => Math.floor(d.getTime() / 1000);

/**
 * Invitations, relationship rows and the hourly invitation counters, with the conditions of
 * functions/relationships/store.ts. Invitation links live in the shared table (`table.links`).
 */
export class FakeRelationshipStore implements RelationshipStore {
  readonly invitations = new Map<string, InvitationRecord>();
  /** Organization id → sort key (`<kind>#<otherId>[#<subId>]`) → the row's data. */
  readonly rows = new Map<string, Map<string, Record<string, unknown>>>();
  /** `<orgId>#<UTC hour>` → invitations counted. */
  readonly counters = new Map<string, number>();

  constructor(private readonly table: FakeIdentityStore) {}

  dump() {
    return JSON.stringify([
      [...this.invitations],
      [...this.rows].map(([orgId, rows]) => [orgId, [...rows]]),
      [...this.counters],
    ]);
  }

  private partition(orgId: string) {
    let rows = this.rows.get(orgId);
    if (!rows) {
      rows = new Map();
      this.rows.set(orgId, rows);
    }
    return rows;
  }

  private row(r: Pick<RelationshipRow, 'orgId' | 'kind' | 'otherId' | 'subId'>) {
    return this.rows.get(r.orgId)?.get(sortKeyOf(r.kind, r.otherId, r.subId));
  }

  /** Removes a row, as a future "end the relationship" would (the domain has no such use case yet). */
  deleteRow(r: Pick<RelationshipRow, 'orgId' | 'kind' | 'otherId' | 'subId'>) {
    this.rows.get(r.orgId)?.delete(sortKeyOf(r.kind, r.otherId, r.subId));
  }

  async createInvitation(invitation: InvitationRecord, link: LinkRecord) {
    if (this.invitations.has(invitation.id) || this.table.links.has(link.tokenHash)) return false;
    this.invitations.set(invitation.id, copy(invitation));
    this.table.links.set(link.tokenHash, copy(link));
    return true;
  }

  async claimInvitationMail(invitationId: string, nowSeconds: number, staleBefore: number) {
    const inv = this.invitations.get(invitationId);
    if (!inv || inv.mailedAt !== undefined) return false;
    if (inv.mailClaimedAt !== undefined && inv.mailClaimedAt > staleBefore) return false;
    inv.mailClaimedAt = nowSeconds;
    return true;
  }

  async settleInvitationMail(invitationId: string, sentAt?: Date) {
    const inv = this.invitations.get(invitationId);
    if (!inv) return;
    delete inv.mailClaimedAt;
    if (sentAt) inv.mailedAt = sentAt.toISOString();
  }

  async getInvitation(invitationId: string) {
    return copy(this.invitations.get(invitationId));
  }

  async replaceInvitationLink(invitation: InvitationRecord, link: LinkRecord) {
    const stored = () => this.invitations.get(invitation.id);
    transact([
      {
        holds: () => stored()?.status === 'PENDING' && stored()?.tokenHash === invitation.tokenHash,
        onFail: () => relationshipErrors.notPending('no longer pending'),
        write: () => update(stored(), { tokenHash: link.tokenHash, expiresAt: link.expiresAt }),
      },
      { write: () => this.table.links.delete(invitation.tokenHash) },
      {
        holds: () => !this.table.links.has(link.tokenHash),
        write: () => this.table.links.set(link.tokenHash, copy(link)),
      },
    ]);
  }

  async closeInvitation(invitation: InvitationRecord, to: 'CANCELED' | 'DECLINED', at: Date, by?: OrgRef) {
    const stored = this.invitations.get(invitation.id);
    if (stored?.status !== 'PENDING' || stored.expiresAt <= epochSeconds(at)) return false;
    stored.status = to;
    stored.decidedAt = at.toISOString();
    if (by) stored.acceptedBy = copy(by);
    return true;
  }

  async acceptInvitation(
    invitation: InvitationRecord,
    by: OrgRef,
    at: Date,
    rows: RelationshipRow[],
    requires: RelationshipRow[],
    replaces: RelationshipRow[] = [],
  ) {
    const stored = this.invitations.get(invitation.id);
    // The one write that makes an invitation change once: of concurrent accepts one wins.
    if (
      stored?.status !== 'PENDING' ||
      stored.tokenHash !== invitation.tokenHash ||
      stored.expiresAt <= epochSeconds(at)
    ) {
      return false;
    }
    const connected = () => new DomainError('ALREADY_CONNECTED');
    transact([
      {
        write: () =>
          Object.assign(stored, { status: 'ACCEPTED', decidedAt: at.toISOString(), acceptedBy: copy(by) }),
      },
      ...rows.map((r) => ({
        holds: () => r.keepIfPresent === true || this.row(r) === undefined,
        onFail: connected,
        write: () => {
          if (r.keepIfPresent && this.row(r) !== undefined) return;
          this.partition(r.orgId).set(sortKeyOf(r.kind, r.otherId, r.subId), copy({ ...r.data }));
        },
      })),
      ...requires.map((r) => ({ holds: () => this.row(r) !== undefined, onFail: connected })),
      ...replaces.map((r) => ({
        write: () => this.rows.get(r.orgId)?.delete(sortKeyOf(r.kind, r.otherId, r.subId)),
      })),
    ]);
    return true;
  }

  async addExistingCustomer(_resellerId: string, _customer: CustomerLink, rows: RelationshipRow[]) {
    if (rows.some((r) => this.row(r) !== undefined)) return false;
    for (const r of rows)
      this.partition(r.orgId).set(sortKeyOf(r.kind, r.otherId, r.subId), copy({ ...r.data }));
    return true;
  }

  async countInvitation(orgId: string, hour: string, limit: number, _expiresAt: number) {
    const key = `${orgId}#${hour}`;
    const sent = this.counters.get(key) ?? 0;
    if (sent >= limit) return false;
    this.counters.set(key, sent + 1);
    return true;
  }

  async uncountInvitation(orgId: string, hour: string) {
    const key = `${orgId}#${hour}`;
    const sent = this.counters.get(key) ?? 0;
    if (sent > 0) this.counters.set(key, sent - 1);
  }

  /** Newest first; EXPIRED is PENDING past its expiry, and PENDING excludes those (filters after Limit). */
  async listInvitations(
    by: { sentBy: string } | { addressedTo: string },
    status: InvitationStatus | undefined,
    now: Date,
    limit: number,
    cursor?: string,
  ) {
    const nowSeconds = epochSeconds(now);
    const matches = (inv: InvitationRecord) =>
      status === undefined ||
      (status === 'EXPIRED'
        ? inv.status === 'PENDING' && inv.expiresAt <= nowSeconds
        : status === 'PENDING'
          ? inv.status === 'PENDING' && inv.expiresAt > nowSeconds
          : inv.status === status);
    const all = [...this.invitations.values()];
    if ('sentBy' in by) {
      return query(
        all.filter((inv) => inv.from.id === by.sentBy),
        {
          keyOf: (inv) => ({
            ...keys.invitation(inv.id),
            ...keys.invitationsSent(inv.from.id, inv.createdAt, inv.id),
          }),
          sortKey: 'gsi1sk',
          scope: { index: 'gsi1', partition: keys.invitationsSent(by.sentBy).gsi1pk },
          limit,
          cursor,
          descending: true,
          filter: matches,
        },
      );
    }
    return query(
      all.filter((inv) => inv.domain.toLowerCase() === by.addressedTo.toLowerCase()),
      {
        keyOf: (inv) => ({
          ...keys.invitation(inv.id),
          ...keys.invitationsReceived(inv.domain, inv.createdAt, inv.id),
        }),
        sortKey: 'gsi2sk',
        scope: { index: 'gsi2', partition: keys.invitationsReceived(by.addressedTo).gsi2pk },
        limit,
        cursor,
        descending: true,
        filter: matches,
      },
    );
  }

  async getRelationship(orgId: string, kind: RelationshipKind, otherId: string, subId?: string) {
    return copy(this.row({ orgId, kind, otherId, subId }));
  }

  /** The row of `otherId` itself first, then those pairing it with a second id; never a longer id's. */
  async relationshipsWith<K extends RelationshipKind>(orgId: string, kind: K, otherId: string) {
    const own = sortKeyOf(kind, otherId);
    return [...(this.rows.get(orgId) ?? [])]
      .filter(([sk]) => sk === own || sk.startsWith(`${own}#`))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, data]) => asRow<K>(copy(data)));
  }

  async listRelationships<K extends RelationshipKind>(
    orgId: string,
    kind: K,
    otherId: string | undefined,
    limit: number,
    cursor?: string,
  ) {
    const { pk, sk } = keys.relationship(orgId, kind, otherId ?? '');
    const prefix = otherId === undefined ? sk : `${sk}#`;
    const entries = [...(this.rows.get(orgId) ?? [])].filter(([rowSk]) => rowSk.startsWith(prefix));
    const page = query(entries, {
      keyOf: ([rowSk]) => ({ pk, sk: rowSk }),
      sortKey: 'sk',
      scope: { partition: pk, sortKeyPrefix: prefix },
      limit,
      cursor,
    });
    return page.nextCursor
      ? { items: page.items.map(([, data]) => asRow<K>(data)), nextCursor: page.nextCursor }
      : { items: page.items.map(([, data]) => asRow<K>(data)) };
  }

  /** The migration's Scan: accepted invitations with delegatedAdmin, by id order, `limit` read per page. */
  async acceptedWithDelegatedAdmin(decidedBefore: string, limit: number, cursor?: string) {
    const all = [...this.invitations.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
    const start = cursor ? Number(cursor) : 0;
    const read = all.slice(start, start + limit);
    const items = read
      .filter((i) => i.status === 'ACCEPTED' && i.delegatedAdmin && (i.decidedAt ?? '') < decidedBefore)
      .map((i) => i.id);
    return start + limit < all.length ? { items, nextCursor: String(start + limit) } : { items };
  }

  /** `<partnerId>#<customerId>` → the ends of the partner's admin grants there (tests set them). */
  readonly adminGrants = new Map<string, string[]>();

  async adminGrantEnds(partnerId: string, customerIds: readonly string[]) {
    return new Map(customerIds.map((id) => [id, [...(this.adminGrants.get(`${partnerId}#${id}`) ?? [])]]));
  }
}
