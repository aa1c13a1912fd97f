import { v7 as uuidv7 } from 'uuid';
import { existingOrganization, mailGlobalAdmins, type Organizations } from '../../identity/domain/admins.ts';
import type { OrganizationRecord, Principal } from '../../identity/domain/model.ts';
import type { BusinessCounts } from '../../platform/business-metrics.ts';
import { DomainError, type FieldError } from '../../platform/errors.ts';
import type { Clock, Mailer, Timers } from '../../platform/ports.ts';
import { type CustomerLinks, customerNotFound } from '../../relationships/domain/access.ts';
import { orderPlacedEmail } from '../emails/order-placed.ts';
import type {
  BillingCycle,
  CommerceStore,
  OfferRecord,
  OfferStore,
  OrderRecord,
  ResellerOfRecord,
  SubscriptionRecord,
  SubscriptionTimer,
  TermDuration,
} from '../ports.ts';
import { relationshipWith, sees } from './access.ts';
import { armTerm, termFrom } from './terms.ts';

export interface CommerceDeps {
  offers: OfferStore;
  commerce: CommerceStore;
  customers: CustomerLinks;
  organizations: Organizations;
  timers: Timers<SubscriptionTimer>;
  mailer: Mailer;
  clock: Clock;
  /** Orders placed (the operators' dashboard). */
  metrics: BusinessCounts;
}

export interface OrderInput {
  resellerId?: string | undefined;
  lineItems: Array<{ offerId: string; quantity: number; termDuration: string; billingCycle: string }>;
}

export const publicOrder = (order: OrderRecord) => order;

type LineError = FieldError & {
  code: 'OFFER_NOT_FOUND' | 'OFFER_NOT_AVAILABLE' | 'QUANTITY_OUT_OF_RANGE' | 'TERM_NOT_SUPPORTED';
};

/** Every problem of every line, each naming its line (`body.lineItems.1.quantity`). */
function lineErrors(
  lines: OrderInput['lineItems'],
  offers: Map<string, OfferRecord | undefined>,
  country: string,
): LineError[] {
  return lines.flatMap((line, n): LineError[] => {
    const at = (field: string) => `body.lineItems.${n}.${field}`;
    const offer = offers.get(line.offerId);
    if (!offer)
      return [
        {
          code: 'OFFER_NOT_FOUND',
          path: at('offerId'),
          message: `no offer ${line.offerId}; list them with GET /offers`,
        },
      ];
    if (!offer.available)
      return [
        {
          code: 'OFFER_NOT_AVAILABLE',
          path: at('offerId'),
          message: `${offer.name} is not available for sale`,
        },
      ];
    if (!offer.countries.includes(country))
      return [
        {
          code: 'OFFER_NOT_AVAILABLE',
          path: at('offerId'),
          message: `${offer.name} is not sold in the customer's country (${country}); GET /offers?country=${country} lists those that are`,
        },
      ];
    const errors: LineError[] = [];
    if (line.quantity < offer.minQuantity || line.quantity > offer.maxQuantity)
      errors.push({
        code: 'QUANTITY_OUT_OF_RANGE',
        path: at('quantity'),
        message: `must be from ${offer.minQuantity} to ${offer.maxQuantity} for ${offer.name}`,
      });
    if (!offer.termDurations.includes(line.termDuration as TermDuration))
      errors.push({
        code: 'TERM_NOT_SUPPORTED',
        path: at('termDuration'),
        message: `${offer.name} is sold for ${offer.termDurations.join(', ')}`,
      });
    if (!offer.billingCycles.includes(line.billingCycle as BillingCycle))
      errors.push({
        code: 'TERM_NOT_SUPPORTED',
        path: at('billingCycle'),
        message: `${offer.name} is billed ${offer.billingCycles.join(', ')}`,
      });
    return errors;
  });
}

/** The reseller of record: the one sharing the customer with the provider, or the one named. */
function resellerOfRecord(sharedBy: string[], named: string | undefined): string {
  if (named !== undefined) {
    if (sharedBy.includes(named)) return named;
    throw new DomainError(
      'RESELLER_OF_RECORD_REQUIRED',
      `Reseller ${named} does not share this customer with you; name one of: ${sharedBy.join(', ')}.`,
      { errors: [{ path: 'body.resellerId', message: `must be one of: ${sharedBy.join(', ')}` }] },
    );
  }
  const [only, ...others] = sharedBy;
  if (only !== undefined && others.length === 0) return only;
  throw new DomainError(
    'RESELLER_OF_RECORD_REQUIRED',
    `Several resellers share this customer with you; name the reseller of record in resellerId (one of: ${sharedBy.join(', ')}).`,
    { errors: [{ path: 'body.resellerId', message: `is required: one of ${sharedBy.join(', ')}` }] },
  );
}

/**
 * POST /customers/{customerId}/orders: an indirect provider buys for a customer a reseller shares
 * with it. Every line is checked first; then the order and one subscription per line are written
 * in one transaction, after each subscription's term timers exist (a timer without its
 * subscription does nothing; a subscription without its timers would never renew).
 */
export async function placeOrder(
  deps: CommerceDeps,
  actor: Principal,
  customerId: string,
  input: OrderInput,
) {
  // Without a relationship, 404 before anything else (API.md: nothing is revealed).
  const [relationship, provider] = await Promise.all([
    relationshipWith(deps, actor, customerId),
    existingOrganization(deps, actor.user.orgId),
  ]);
  if (!provider.partnerTypes.includes('INDIRECT_PROVIDER'))
    throw new DomainError(
      'NOT_AN_INDIRECT_PROVIDER',
      'Only indirect providers submit orders; a reseller asks its indirect provider to buy for its customers.',
    );
  if (relationship.sharedBy.length === 0) throw customerNotFound();
  const resellerId = resellerOfRecord(relationship.sharedBy, input.resellerId);
  const offerIds = [...new Set(input.lineItems.map((l) => l.offerId))];
  const [reseller, customer, ...offers] = await Promise.all([
    existingOrganization(deps, resellerId),
    existingOrganization(deps, customerId),
    ...offerIds.map((id) => deps.offers.get(id)),
  ]);
  const catalog = new Map(offerIds.map((id, i) => [id, offers[i]]));
  const errors = lineErrors(input.lineItems, catalog, customer.country);
  const [first] = errors;
  if (first)
    throw new DomainError(
      first.code,
      `Line ${first.path.split('.')[2]}: ${first.message}. Nothing was ordered.`,
      {
        errors: errors.map(({ path, message }) => ({ path, message })),
      },
    );
  if (!reseller.mpnId)
    throw new DomainError(
      'CONFLICT',
      `The reseller ${reseller.name} has no MPN ID on record, so its incentives could not be kept; ask the platform operators to complete its enrollment.`,
    );

  const { order, subscriptions } = orderRecords({
    customerId,
    providerId: provider.id,
    resellerOfRecord: { organizationId: reseller.id, name: reseller.name, mpnId: reseller.mpnId },
    lines: input.lineItems.map((line) => ({
      ...line,
      offer: catalog.get(line.offerId) as OfferRecord,
      termDuration: line.termDuration as TermDuration,
      billingCycle: line.billingCycle as BillingCycle,
    })),
    now: deps.clock.now(),
  });
  await Promise.all(subscriptions.map((s) => armTerm(deps.timers, s)));
  await deps.commerce.placeOrder(order, subscriptions);
  // Written; a replayed Idempotency-Key answers the stored response without getting here.
  deps.metrics.count('orderPlaced');
  await mailOrder(deps, order, subscriptions, { provider, reseller, customer });
  return publicOrder(order);
}

/**
 * An order and its subscriptions (one per line, ACTIVE, auto-renewing, in their first term from
 * `now`), as placeOrder writes them; ids are UUIDv7, so lists read newest first.
 */
export function orderRecords(o: {
  customerId: string;
  providerId: string;
  resellerOfRecord: ResellerOfRecord;
  lines: Array<{
    offer: Pick<OfferRecord, 'offerId' | 'name' | 'adminAgentOnly'>;
    quantity: number;
    termDuration: TermDuration;
    billingCycle: BillingCycle;
    friendlyName?: string;
  }>;
  now: Date;
}): { order: OrderRecord; subscriptions: SubscriptionRecord[] } {
  const createdAt = o.now.toISOString();
  const orderId = uuidv7();
  const subscriptions = o.lines.map(
    (line): SubscriptionRecord => ({
      subscriptionId: uuidv7(),
      customerId: o.customerId,
      offerId: line.offer.offerId,
      offerName: line.offer.name,
      friendlyName: line.friendlyName ?? line.offer.name,
      quantity: line.quantity,
      assignedLicenses: 0,
      status: 'ACTIVE',
      autoRenew: true,
      termDuration: line.termDuration,
      billingCycle: line.billingCycle,
      ...termFrom(o.now, line.termDuration),
      resellerOfRecord: o.resellerOfRecord,
      providerId: o.providerId,
      orderId,
      adminAgentOnly: line.offer.adminAgentOnly,
      version: 1,
      createdAt,
      updatedAt: createdAt,
    }),
  );
  const order: OrderRecord = {
    orderId,
    customerId: o.customerId,
    providerId: o.providerId,
    resellerOfRecord: o.resellerOfRecord,
    status: 'COMPLETED',
    createdAt,
    lineItems: subscriptions.map((s, n) => ({
      lineItemNumber: n,
      offerId: s.offerId,
      quantity: s.quantity,
      termDuration: s.termDuration,
      billingCycle: s.billingCycle,
      subscriptionId: s.subscriptionId,
    })),
  };
  return { order, subscriptions };
}

/** Emails the customer's global admins and the reseller of record's (best effort, see mailGlobalAdmins). */
async function mailOrder(
  deps: CommerceDeps,
  order: OrderRecord,
  subscriptions: SubscriptionRecord[],
  orgs: { provider: OrganizationRecord; reseller: OrganizationRecord; customer: OrganizationRecord },
) {
  const params = {
    customerName: orgs.customer.name,
    providerName: orgs.provider.name,
    resellerName: orgs.reseller.name,
    resellerMpnId: order.resellerOfRecord.mpnId,
    orderId: order.orderId,
    createdAt: new Date(order.createdAt),
    lines: subscriptions.map((s) => ({
      offerName: s.offerName,
      quantity: s.quantity,
      termDuration: s.termDuration,
      billingCycle: s.billingCycle,
      termEndDate: new Date(s.termEndDate),
      autoRenew: s.autoRenew,
    })),
  };
  await Promise.all(
    (['customer', 'reseller'] as const).map((audience) =>
      mailGlobalAdmins(
        deps,
        audience === 'customer' ? orgs.customer.id : orgs.reseller.id,
        (language) => orderPlacedEmail(language, { audience, ...params }),
        { orderId: order.orderId },
      ),
    ),
  );
}

/** GET /customers/{customerId}/orders: what the provider bought, or what the reseller is of record for. */
export async function listOrders(
  deps: Pick<CommerceDeps, 'commerce' | 'customers'>,
  actor: Principal,
  customerId: string,
  query: { limit: number; cursor?: string | undefined },
) {
  const { viewer } = await relationshipWith(deps, actor, customerId);
  const page = await deps.commerce.listOrders(customerId, viewer, query.limit, query.cursor);
  return { ...page, items: page.items.map(publicOrder) };
}

/** GET /customers/{customerId}/orders/{orderId}. */
export async function getOrder(
  deps: Pick<CommerceDeps, 'commerce' | 'customers'>,
  actor: Principal,
  customerId: string,
  orderId: string,
) {
  await relationshipWith(deps, actor, customerId);
  const order = await deps.commerce.getOrder(customerId, orderId);
  if (!order || !sees(actor.user.orgId, order))
    throw new DomainError('NOT_FOUND', 'No order with this id for this customer is yours to see.');
  return publicOrder(order);
}
