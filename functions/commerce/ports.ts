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

export type SubscriptionStatus = 'ACTIVE' | 'SUSPENDED' | 'CANCELED' | 'EXPIRED';

/** The reseller a provider buys through: recorded on the order and every subscription (its incentives). */
export interface ResellerOfRecord {
  organizationId: string;
  name: string;
  mpnId: string;
}

export interface OrderLine {
  lineItemNumber: number;
  offerId: string;
  quantity: number;
  termDuration: TermDuration;
  billingCycle: BillingCycle;
  subscriptionId: string;
}

export interface OrderRecord {
  orderId: string;
  customerId: string;
  providerId: string;
  resellerOfRecord: ResellerOfRecord;
  status: 'COMPLETED';
  createdAt: string;
  lineItems: OrderLine[];
}

export interface SubscriptionRecord {
  subscriptionId: string;
  customerId: string;
  offerId: string;
  offerName: string;
  friendlyName: string;
  quantity: number;
  assignedLicenses: number;
  status: SubscriptionStatus;
  autoRenew: boolean;
  termDuration: TermDuration;
  billingCycle: BillingCycle;
  termStartDate: string;
  termEndDate: string;
  cancellationAllowedUntil: string;
  resellerOfRecord: ResellerOfRecord;
  providerId: string;
  orderId: string;
  /** Copied from the offer at purchase: helpdesk agents may not administer it. */
  adminAgentOnly: boolean;
  /** Bumped by every change; the `etag` is made of it (If-Match). */
  version: number;
  createdAt: string;
  updatedAt: string;
  /** The term end whose 7-day notice went out (one notice per term). */
  noticeSentFor?: string;
}

/** Whose view of a customer's orders or subscriptions: the provider that bought, or the reseller of record. */
export type Viewer = { providerId: string } | { resellerId: string };

/** What a change of a subscription is, as its activity record names it. */
export type SubscriptionOperation =
  | 'SUBSCRIPTION_UPDATED'
  | 'SUBSCRIPTION_SUSPENDED'
  | 'SUBSCRIPTION_REACTIVATED'
  | 'SUBSCRIPTION_CANCELED'
  | 'SUBSCRIPTION_RENEWED'
  | 'SUBSCRIPTION_EXPIRED';

export interface CommerceStore {
  /**
   * The order, its subscriptions and their activity records in one transaction: all or nothing,
   * and only while the provider has the customer through the reseller of record (else NOT_FOUND:
   * that relationship ended meanwhile).
   */
  placeOrder(order: OrderRecord, subscriptions: SubscriptionRecord[]): Promise<void>;
  getOrder(customerId: string, orderId: string): Promise<OrderRecord | undefined>;
  /** One Query: the viewer's orders for the customer, newest first. */
  listOrders(customerId: string, viewer: Viewer, limit: number, cursor?: string): Promise<Page<OrderRecord>>;
  getSubscription(customerId: string, subscriptionId: string): Promise<SubscriptionRecord | undefined>;
  /** One Query: the viewer's subscriptions of the customer (all of them without a viewer), newest first. */
  listSubscriptions(
    customerId: string,
    viewer: Viewer | undefined,
    status: SubscriptionStatus | undefined,
    limit: number,
    cursor?: string,
  ): Promise<Page<SubscriptionRecord>>;
  /**
   * Writes `after` (its version one above `before`'s) with its activity record in the log of
   * organization `log`, if the stored version is still `before`'s; false when it is not (a
   * concurrent change won), writing nothing.
   */
  updateSubscription(
    before: SubscriptionRecord,
    after: SubscriptionRecord,
    operation: SubscriptionOperation,
    log: string,
  ): Promise<boolean>;
  /** Claims the notice of the term ending at `termEndDate`: true once per term. */
  claimNotice(subscription: SubscriptionRecord): Promise<boolean>;
}

/** What a subscription timer asks of the task: the notice, or the end of the term ending at `termEndDate`. */
export interface SubscriptionTimer {
  kind: 'NOTICE' | 'TERM_END';
  customerId: string;
  subscriptionId: string;
  termEndDate: string;
}
