import type {
  CommerceStore,
  OfferRecord,
  OfferStore,
  OrderRecord,
  SubscriptionRecord,
  SubscriptionTimer,
  Viewer,
} from '../../../functions/commerce/ports.ts';
import type { Page, Timers } from '../../../functions/platform/ports.ts';
import type { CustomerLinks } from '../../../functions/relationships/domain/access.ts';
import type { CustomerLink } from '../../../functions/relationships/domain/model.ts';
import { copy } from './table.ts';

const visibleTo = (
  viewer: Viewer | undefined,
  s: { providerId: string; resellerOfRecord: { organizationId: string } },
) =>
  !viewer ||
  ('providerId' in viewer
    ? s.providerId === viewer.providerId
    : s.resellerOfRecord.organizationId === viewer.resellerId);

/** Newest first (ids are time-ordered), one page with an offset cursor: enough for the rules. */
function page<T>(items: T[], limit: number, cursor?: string): Page<T> {
  const start = cursor ? Number(cursor) : 0;
  const next = start + limit;
  return next < items.length
    ? { items: items.slice(start, next), nextCursor: String(next) }
    : { items: items.slice(start) };
}

/** Orders and subscriptions in memory, with the store's conditions: all or nothing, versions. */
export class FakeCommerceStore implements CommerceStore {
  readonly orders = new Map<string, OrderRecord>();
  readonly subscriptions = new Map<string, SubscriptionRecord>();
  /** The activity records written with each change: operation and the log it went to. */
  readonly records: Array<{ operation: string; log: string; resourceId: string }> = [];
  /** Runs before the next updateSubscription's condition is checked (a concurrent writer). */
  beforeNextUpdate: (() => void) | undefined;

  dump() {
    return JSON.stringify([[...this.orders], [...this.subscriptions], this.records]);
  }

  async placeOrder(order: OrderRecord, subs: SubscriptionRecord[]) {
    if (this.orders.has(order.orderId) || subs.some((s) => this.subscriptions.has(s.subscriptionId)))
      throw new Error('exists');
    this.orders.set(order.orderId, copy(order));
    for (const s of subs) this.subscriptions.set(s.subscriptionId, copy(s));
    this.records.push({ operation: 'ORDER_PLACED', log: order.providerId, resourceId: order.orderId });
  }

  async getOrder(customerId: string, orderId: string) {
    const order = this.orders.get(orderId);
    return order?.customerId === customerId ? copy(order) : undefined;
  }

  async listOrders(customerId: string, viewer: Viewer, limit: number, cursor?: string) {
    const items = [...this.orders.values()]
      .filter((o) => o.customerId === customerId && visibleTo(viewer, o))
      .sort((a, b) => b.orderId.localeCompare(a.orderId));
    return page(copy(items), limit, cursor);
  }

  async getSubscription(customerId: string, subscriptionId: string) {
    const s = this.subscriptions.get(subscriptionId);
    return s?.customerId === customerId ? copy(s) : undefined;
  }

  async listSubscriptions(
    customerId: string,
    viewer: Viewer | undefined,
    status: SubscriptionRecord['status'] | undefined,
    limit: number,
    cursor?: string,
  ) {
    const items = [...this.subscriptions.values()]
      .filter((s) => s.customerId === customerId && visibleTo(viewer, s) && (!status || s.status === status))
      .sort((a, b) => b.subscriptionId.localeCompare(a.subscriptionId));
    return page(copy(items), limit, cursor);
  }

  async updateSubscription(
    before: SubscriptionRecord,
    after: SubscriptionRecord,
    operation: string,
    log: string,
  ) {
    const hook = this.beforeNextUpdate;
    this.beforeNextUpdate = undefined;
    hook?.();
    const stored = this.subscriptions.get(before.subscriptionId);
    if (stored?.version !== before.version) return false;
    this.subscriptions.set(after.subscriptionId, copy(after));
    this.records.push({ operation, log, resourceId: before.subscriptionId });
    return true;
  }

  async claimNotice(s: SubscriptionRecord) {
    const stored = this.subscriptions.get(s.subscriptionId);
    if (!stored || stored.termEndDate !== s.termEndDate || stored.noticeSentFor === s.termEndDate)
      return false;
    stored.noticeSentFor = s.termEndDate;
    return true;
  }
}

export class FakeOfferStore implements OfferStore {
  readonly offers = new Map<string, OfferRecord>();
  async get(offerId: string) {
    const offer = this.offers.get(offerId);
    return offer ? copy(offer) : undefined;
  }
  async put(offer: OfferRecord) {
    const before = this.offers.get(offer.offerId);
    this.offers.set(offer.offerId, copy(offer));
    return before;
  }
  async list() {
    return { items: copy([...this.offers.values()]) };
  }
}

/** Timers as Scheduler keeps them: by name, creating an existing one changes nothing. */
export class FakeTimers<I extends object = SubscriptionTimer> implements Timers<I> {
  readonly pending = new Map<string, { due: Date; input: I }>();
  async at(name: string, due: Date, input: I) {
    if (!this.pending.has(name)) this.pending.set(name, { due, input: copy(input) });
  }
  async cancel(name: string) {
    this.pending.delete(name);
  }
}

/** The relationship rows of each organization's customers (what relationshipsWith answers). */
export class FakeCustomerLinks implements CustomerLinks {
  readonly rows = new Map<string, CustomerLink[]>();
  add(orgId: string, row: CustomerLink) {
    this.rows.set(orgId, [...(this.rows.get(orgId) ?? []), row]);
  }
  async relationshipsWith(orgId: string, _kind: 'CUSTOMER', customerId: string) {
    return copy((this.rows.get(orgId) ?? []).filter((r) => r.customerId.startsWith(customerId)));
  }
}

/**
 * A subscription record for domain tests: ACTIVE, one monthly term from `start`, bought by
 * `providerId` through `reseller`; `over` sets any field.
 */
export function subscriptionRecord(
  start: Date,
  parties: { customerId: string; providerId: string; reseller: { id: string; name: string } },
  over: Partial<SubscriptionRecord> = {},
): SubscriptionRecord {
  const day = 86_400_000;
  return {
    subscriptionId: 'sub-1',
    customerId: parties.customerId,
    offerId: 'o365-e3',
    offerName: 'Office 365 E3',
    friendlyName: 'Office 365 E3',
    quantity: 5,
    assignedLicenses: 0,
    status: 'ACTIVE',
    autoRenew: true,
    termDuration: 'P1M',
    billingCycle: 'MONTHLY',
    termStartDate: start.toISOString(),
    termEndDate: new Date(start.getTime() + 31 * day).toISOString(),
    cancellationAllowedUntil: new Date(start.getTime() + 7 * day).toISOString(),
    resellerOfRecord: { organizationId: parties.reseller.id, name: parties.reseller.name, mpnId: '1234567' },
    providerId: parties.providerId,
    orderId: 'order-1',
    adminAgentOnly: false,
    version: 1,
    createdAt: start.toISOString(),
    updatedAt: start.toISOString(),
    ...over,
  };
}
