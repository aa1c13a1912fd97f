import type { CommerceStore } from '../commerce/ports.ts';
import type { HeldLicense, UserRecord } from '../identity/domain/model.ts';
import type { LinkRecord } from '../platform/links/links.ts';
import type { Page } from '../platform/ports.ts';
import type { AdminRelationshipRecord, DelegatedRole } from './domain/model.ts';

/** What one ACTIVE relationship lets its partner do in the customer's organization, until `endsAt`. */
export interface AdminGrant {
  relationshipId: string;
  roles: DelegatedRole[];
  endsAt: string;
}

export interface AdminRelationshipStore {
  /** The request, its display-name claim and its approval link at once; DISPLAY_NAME_TAKEN when the name is claimed. */
  request(r: AdminRelationshipRecord, link: LinkRecord): Promise<void>;
  get(relationshipId: string): Promise<AdminRelationshipRecord | undefined>;
  /**
   * An ACTIVE relationship made without a request (the "Default" of an accepted invitation), with
   * its grant and name claim: 'exists' when a relationship with that id is there already (a
   * repeated stream record), 'nameTaken' when the partner has one of that name with the customer,
   * 'gone' when the partner's customer row (through that reseller, for a provider) is no longer
   * there: the relationship ended before its Default was made.
   */
  createActive(
    r: AdminRelationshipRecord,
    through?: string,
  ): Promise<'created' | 'exists' | 'nameTaken' | 'gone'>;
  /**
   * APPROVAL_PENDING → ACTIVE (with its grant) or REJECTED (its name released), consuming the
   * link; false when it was no longer pending or the link was used meanwhile.
   */
  answer(before: AdminRelationshipRecord, after: AdminRelationshipRecord): Promise<boolean>;
  /** ACTIVE → TERMINATED or EXPIRED, or APPROVAL_PENDING → EXPIRED: the grant and the name go in the same transaction; false when its status changed meanwhile. */
  end(before: AdminRelationshipRecord, after: AdminRelationshipRecord, log: string): Promise<boolean>;
  /** A later `endsAt` (auto-extend) on the relationship and its grant; false when it changed meanwhile. */
  extend(before: AdminRelationshipRecord, after: AdminRelationshipRecord): Promise<boolean>;
  /** One Query: the partner's (outbound) or the customer's (inbound) relationships, newest first. */
  list(
    by: { partnerId: string } | { customerId: string },
    limit: number,
    cursor?: string,
  ): Promise<Page<AdminRelationshipRecord>>;
  /** The partner's grants in one customer's organization: one strongly consistent Query. */
  grants(partnerId: string, customerId: string): Promise<AdminGrant[]>;
}

/** What the on-behalf user operations read of a customer's subscriptions (the commerce store). */
export type SubscriptionSeats = Pick<CommerceStore, 'getSubscription' | 'listSubscriptions'>;

/** Why a write of a customer's user wrote nothing: what it read changed meanwhile. */
export type Moved = { moved: 'user' } | { moved: 'subscription'; subscriptionId: string };

/**
 * A customer's users as partners change them on behalf. Each write is one transaction of the user,
 * the seat counts of the subscriptions it touches and its activity record (in the partner's log,
 * naming the customer); each holds only if what it was computed from is unchanged (the user's
 * status and set of licenses, each subscription's status and free seats), else it answers what
 * moved and writes nothing, and the caller reads again.
 */
export interface CustomerUserStore {
  /**
   * The user's licenses become `after`: one seat more of each of `assign` (still ACTIVE with a
   * seat free), one less of each of `release` (still ACTIVE or SUSPENDED); entries of ended
   * subscriptions are dropped without a count.
   */
  changeLicenses(
    before: UserRecord,
    after: Record<string, HeldLicense>,
    counts: { assign: string[]; release: string[] },
    at: string,
    partnerId: string,
  ): Promise<Moved | undefined>;
  /** ACTIVE → INACTIVE at `at`, its licenses released (`release`: those of live subscriptions); LAST_GLOBAL_ADMIN. */
  deactivate(user: UserRecord, release: string[], at: string, partnerId: string): Promise<Moved | undefined>;
  /** INACTIVE → ACTIVE (with no licenses); false when it was not deleted at `user.deletedAt` any more. */
  restore(user: UserRecord, at: string, partnerId: string): Promise<boolean>;
}
