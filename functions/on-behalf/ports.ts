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
   * repeated stream record), 'nameTaken' when the partner has one of that name with the customer.
   */
  createActive(r: AdminRelationshipRecord): Promise<'created' | 'exists' | 'nameTaken'>;
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
