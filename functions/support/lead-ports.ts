import type { Page } from '../platform/ports.ts';

/** Every status a lead shows (API.md, Partner operations). */
export const LEAD_STATUSES = ['NEW', 'ACTIVE', 'WON', 'LOST', 'DECLINED', 'EXPIRED'] as const;
export type LeadStatus = (typeof LEAD_STATUSES)[number];
/**
 * The statuses a lead is stored with: EXPIRED is never written, a NEW lead reads as EXPIRED once
 * LEAD_EXPIRY_DAYS have passed since its creation (see `statusAt`, functions/support/domain/leads.ts).
 */
export type StoredLeadStatus = Exclude<LeadStatus, 'EXPIRED'>;

/** An organization another lead names (the provider that shared a referral, a reseller it was shared with). */
export interface LeadPartner {
  organizationId: string;
  name: string;
}

/** A lead of one organization, as stored. */
export interface LeadRecord {
  orgId: string;
  /** UUIDv7: the organization's leads sort newest first by id. */
  leadId: string;
  companyName: string;
  contactName: string;
  contactEmail: string;
  country: string;
  notes?: string;
  status: StoredLeadStatus;
  /** Why the lead reached its current status (required for DECLINED and LOST). */
  reason?: string;
  /** A referral: the indirect provider that shared it. */
  sharedBy?: LeadPartner;
  /** The resellers this lead was shared with, by organization id (absent until the first share: no empty map is stored). */
  sharedWith?: Record<string, { name: string; sharedAt: string }>;
  /** The relationship request made from the lead (POST /leads/{leadId}/invite). */
  invitationId?: string;
  /** Epoch seconds: an invite of this lead is being made (bookkeeping, never shown). */
  inviteClaimedAt?: number;
  createdAt: string;
  updatedAt: string;
}

/** Which lead an invitation was made from. */
export interface LeadRef {
  orgId: string;
  leadId: string;
}

/** The filter of a list: a shown status, computed on read (a NEW lead created before `expiredBefore` is EXPIRED). */
export interface LeadFilter {
  status?: LeadStatus;
  /** ISO time: NEW leads created at or before it read as EXPIRED. */
  expiredBefore: string;
}

/**
 * Persistence of leads. Every change is one transaction with its activity record, conditional on
 * what it was computed from (the status read; a NEW lead still unexpired at the write), so of
 * concurrent changes exactly one wins and the others read again.
 */
export interface LeadStore {
  /** A new lead and its LEAD_CREATED record. */
  create(lead: LeadRecord): Promise<void>;
  /** One lead of the organization (strongly consistent). */
  get(orgId: string, leadId: string): Promise<LeadRecord | undefined>;
  /** One Query of the organization's leads, newest first, filtered by the shown status. */
  list(orgId: string, filter: LeadFilter, limit: number, cursor?: string): Promise<Page<LeadRecord>>;
  /**
   * `before` → `after` (status, reason) with its record (`operation`: LEAD_UPDATED, or LEAD_WON by
   * the platform), if the lead still has the status read (and, when NEW, is not expired at
   * `expiredBefore`); false, writing nothing, otherwise.
   */
  transition(
    before: LeadRecord,
    after: LeadRecord,
    operation: 'LEAD_UPDATED' | 'LEAD_WON',
    expiredBefore: string,
  ): Promise<boolean>;
  /**
   * The provider's lead becomes `after` (its `sharedWith` naming one more reseller) and the
   * reseller's `referral` is created, with LEAD_SHARED (provider's log) and LEAD_CREATED (reseller's
   * log), in one transaction; false, writing nothing, when it was shared meanwhile (its `sharedWith`
   * is not the one read) or is no longer NEW (unexpired) or ACTIVE.
   */
  share(lead: LeadRecord, after: LeadRecord, referral: LeadRecord, expiredBefore: string): Promise<boolean>;
  /**
   * Claims the making of the lead's invitation (of concurrent invites one wins): the lead still has
   * the status read, no invitation, and no claim made after `staleBefore` (epoch seconds).
   */
  claimInvite(
    lead: LeadRecord,
    nowSeconds: number,
    staleBefore: number,
    expiredBefore: string,
  ): Promise<boolean>;
  /** Gives a claim back (the invitation could not be made). */
  releaseInvite(lead: LeadRecord, claimedAt: number): Promise<void>;
  /**
   * The invitation is made: the lead becomes `after` (ACTIVE, with `invitationId`), the lookup
   * invitation → lead is written and LEAD_INVITED recorded, if the claim `claimedAt` still holds and
   * the status is still the one read; false, writing nothing, otherwise.
   */
  invited(before: LeadRecord, after: LeadRecord, claimedAt: number): Promise<boolean>;
  /** The lead an invitation was made from, if any. */
  leadOfInvitation(invitationId: string): Promise<LeadRef | undefined>;
}
