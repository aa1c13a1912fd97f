import type { Page } from '../platform/ports.ts';

export type TermDuration = 'P1M' | 'P1Y' | 'P3Y';
export type BillingCycle = 'MONTHLY' | 'ANNUAL';

/** A product partners buy for customers; the catalog is the operators'. */
export interface OfferRecord {
  offerId: string;
  name: string;
  description?: string;
  unitType: 'LICENSE';
  minQuantity: number;
  maxQuantity: number;
  termDurations: TermDuration[];
  billingCycles: BillingCycle[];
  /** ISO 3166-1 alpha-2 codes the offer is sold in. */
  countries: string[];
  /** Administered only by admin agents and global admins, not helpdesk agents. */
  adminAgentOnly: boolean;
  available: boolean;
  updatedAt: string;
}

export interface OfferQuery {
  country?: string | undefined;
  /** Words the name or description must contain (any case). */
  q?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

export interface OfferStore {
  get(offerId: string): Promise<OfferRecord | undefined>;
  /** Creates or replaces; answers the offer as it was before (undefined: a new one). */
  put(offer: OfferRecord): Promise<OfferRecord | undefined>;
  /** The catalog in one partition: one Query, filtered. */
  list(query: OfferQuery): Promise<Page<OfferRecord>>;
}
