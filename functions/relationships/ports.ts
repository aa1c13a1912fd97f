import type { LinkRecord } from '../platform/links/links.ts';
import type { Page } from '../platform/ports.ts';
import type {
  CustomerLink,
  InvitationRecord,
  InvitationStatus,
  OrgRef,
  PartnerLink,
  RelationshipKind,
} from './domain/model.ts';

/** One row of a relationship list, in the partition of `orgId`. */
export interface RelationshipRow {
  orgId: string;
  kind: RelationshipKind;
  otherId: string;
  /** The second id of a row that pairs two (see RelationshipKind). */
  subId?: string;
  data: object;
  /**
   * A row several relationships share (a customer's row for a provider that two of its resellers
   * share the customer with): written when absent, kept as it is when present, never a conflict.
   */
  keepIfPresent?: true;
}

/** What a row of each kind holds (`effectsOf` writes them): a partner, or a customer. */
export interface RelationshipData {
  PROVIDER: PartnerLink;
  RESELLER: PartnerLink;
  PARTNER: PartnerLink;
  CUSTOMER: CustomerLink;
  SHAREDWITH: CustomerLink;
  /** A provider's row of a customer one reseller shares with it also names the reseller. */
  SHARED: CustomerLink & { resellerId: string };
}

/** Persistence of invitations and the relationships they create. */
export interface RelationshipStore {
  /**
   * Writes the invitation and its link at once, if neither exists yet. Returns false when an
   * invitation with that id or a link with that hash already exists (a derived id or token:
   * an idempotent create that lost a race), writing nothing.
   */
  createInvitation(invitation: InvitationRecord, link: LinkRecord): Promise<boolean>;
  /**
   * Claims the sending of an idempotent create's email: true when it has not gone out and no
   * claim made after `staleBefore` (epoch seconds) holds it. Of concurrent claims one wins.
   */
  claimInvitationMail(invitationId: string, nowSeconds: number, staleBefore: number): Promise<boolean>;
  /** Ends a claim: the email went out at `sentAt`, or (without it) it did not and a retry may claim it at once. */
  settleInvitationMail(invitationId: string, sentAt?: Date): Promise<void>;
  getInvitation(invitationId: string): Promise<InvitationRecord | undefined>;
  /** New token and expiry; the old link is deleted. Refused (INVITATION_NOT_PENDING) unless still pending. */
  replaceInvitationLink(invitation: InvitationRecord, link: LinkRecord): Promise<void>;
  /** PENDING → CANCELED or DECLINED in one conditional write; false when it was no longer pending. */
  closeInvitation(
    invitation: InvitationRecord,
    to: 'CANCELED' | 'DECLINED',
    at: Date,
    by?: OrgRef,
  ): Promise<boolean>;
  /**
   * PENDING → ACCEPTED and every relationship row, in one transaction. Returns false when the
   * invitation was no longer pending (of concurrent accepts exactly one gets true); throws
   * ALREADY_CONNECTED when a row exists, or when a row in `requires` does not.
   */
  acceptInvitation(
    invitation: InvitationRecord,
    by: OrgRef,
    at: Date,
    rows: RelationshipRow[],
    requires: RelationshipRow[],
    /** Rows the acceptance replaces, deleted whether or not they exist (a `NOT_ON_PLATFORM` entry). */
    replaces?: RelationshipRow[],
  ): Promise<boolean>;
  /**
   * An existing customer carried over at enrollment approval: its rows (each new) and its activity
   * record, in one transaction. False when a row exists already (nothing written).
   */
  addExistingCustomer(
    resellerId: string,
    customer: CustomerLink,
    rows: RelationshipRow[],
    at: string,
  ): Promise<boolean>;
  /** Counts one invitation in the hour; false when the limit is reached. */
  countInvitation(orgId: string, hour: string, limit: number, expiresAt: number): Promise<boolean>;
  /** Takes back one count of the hour (an invitation counted, then not created: it existed already). */
  uncountInvitation(orgId: string, hour: string): Promise<void>;
  listInvitations(
    by: { sentBy: string } | { addressedTo: string },
    status: InvitationStatus | undefined,
    now: Date,
    limit: number,
    cursor?: string,
  ): Promise<Page<InvitationRecord>>;
  getRelationship(
    orgId: string,
    kind: RelationshipKind,
    otherId: string,
    subId?: string,
  ): Promise<Record<string, unknown> | undefined>;
  /**
   * Every row of `kind` with `otherId` in one Query: the row without a second id first, then
   * those pairing `otherId` with another id (e.g. a customer, then each reseller it comes through).
   */
  relationshipsWith<K extends RelationshipKind>(
    orgId: string,
    kind: K,
    otherId: string,
  ): Promise<RelationshipData[K][]>;
  /** Rows of one list: `kind` with an optional `otherId` prefix (customers shared with one partner). */
  listRelationships<K extends RelationshipKind>(
    orgId: string,
    kind: K,
    otherId: string | undefined,
    limit: number,
    cursor?: string,
  ): Promise<Page<RelationshipData[K]>>;
  /**
   * The ends of the partner's admin grants with each customer (the items ACTIVE admin relationships
   * keep, functions/platform/data/admin-grants.ts): one Query per customer, in parallel.
   */
  adminGrantEnds(partnerId: string, customerIds: readonly string[]): Promise<Map<string, string[]>>;
  /**
   * The ids of invitations accepted with delegatedAdmin before `decidedBefore`, a page of a Scan
   * (reading `limit` items of the whole table): for the operators' one-off migration only.
   */
  acceptedWithDelegatedAdmin(decidedBefore: string, limit: number, cursor?: string): Promise<Page<string>>;
}
