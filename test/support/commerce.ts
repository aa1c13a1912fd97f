import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { expect } from 'vitest';
import { keys } from '../../functions/platform/data/table.ts';
import { enrolledAsReseller, indirectProvider } from './enrollment.ts';
import { type Account, uniqueDomain, verifiedAccount } from './identity.ts';
import { emailsSince, type StoredEmail } from './mailbox.ts';
import { accept, linkProviderAndReseller, tokenOf } from './relationships.ts';
import { call, dynamo, tableName } from './runtime.ts';

/** An approved reseller whose MPN ID the test knows (it is recorded on orders and subscriptions). */
export interface Reseller extends Account {
  mpnId: string;
  name: string;
}

export const orgName = (account: Account) => `Org ${account.domain}`;

/** A work account enrolled and approved as a reseller with a fresh MPN ID, through HTTP and the mailbox. */
export async function resellerWithMpn(): Promise<Reseller> {
  const account = await enrolledAsReseller(await verifiedAccount(uniqueDomain('resel')));
  return { ...account, name: orgName(account) };
}

/** A work account of an organization in `country`, verified and signed in. */
export const accountIn = (country: string, domain = uniqueDomain('cust')) => verifiedAccount(domain, country);

/** The customer accepts the reseller's combined invitation to a relationship with it and the provider. */
export async function shareCustomer(reseller: Account, providerId: string, customer: Account) {
  const requested = await call('POST', `/indirect-providers/${providerId}/customer-invitations`, {
    token: reseller.token,
    body: { customerEmail: customer.email },
  });
  expect(requested.status, JSON.stringify(requested.body)).toBe(201);
  const accepted = await accept(tokenOf(requested.body.link), customer);
  expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
  return customer;
}

/** A new customer (country ES unless told) shared by the reseller with the provider. */
export async function sharedCustomer(reseller: Account, provider: Account, country = 'ES') {
  return shareCustomer(reseller, provider.orgId, await accountIn(country));
}

export interface CommerceWorld {
  provider: Account;
  reseller: Reseller;
  /** A customer (ES) the reseller shares with the provider through the combined invitation. */
  customer: Account;
}

/** An indirect provider and a reseller linked to it, and one customer they share. */
export async function commerceWorld(): Promise<CommerceWorld> {
  const [provider, reseller] = await Promise.all([indirectProvider(), resellerWithMpn()]);
  await linkProviderAndReseller(provider, reseller);
  const customer = await sharedCustomer(reseller, provider);
  return { provider, reseller, customer };
}

export interface Line {
  offerId: string;
  quantity: number;
  termDuration: string;
  billingCycle: string;
}

export const line = (
  offerId: string,
  quantity: number,
  termDuration: string,
  billingCycle: string,
): Line => ({
  offerId,
  quantity,
  termDuration,
  billingCycle,
});

export const ordersPath = (customerId: string) => `/customers/${customerId}/orders`;
export const subscriptionsPath = (customerId: string, subscriptionId = '', action = '') =>
  `/customers/${customerId}/subscriptions${subscriptionId ? `/${subscriptionId}` : ''}${action ? `/${action}` : ''}`;

/** POST /customers/{customerId}/orders as `as`. */
export const postOrder = (
  as: { token: string },
  customerId: string,
  body: { resellerId?: string; lineItems: Line[] },
  headers: Record<string, string> = {},
) => call('POST', ordersPath(customerId), { token: as.token, body, headers });

/** An order that must succeed: its body. */
export async function order(
  as: { token: string },
  customerId: string,
  lineItems: Line[],
  resellerId?: string,
) {
  const res = await postOrder(as, customerId, { ...(resellerId ? { resellerId } : {}), lineItems });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

/** GET one subscription; its `ETag` header must be its `etag` field. */
export async function subscription(as: { token: string }, customerId: string, subscriptionId: string) {
  const res = await call('GET', subscriptionsPath(customerId, subscriptionId), { token: as.token });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.headers.get('etag')).toBe(res.body.etag);
  return res.body;
}

/** One subscription bought for the customer by the world's provider: its body. */
export async function boughtSubscription(world: CommerceWorld, l: Line, customerId = world.customer.orgId) {
  const placed = await order(world.provider, customerId, [l]);
  return subscription(world.provider, customerId, placed.lineItems[0].subscriptionId);
}

/** PATCH with an optional If-Match. */
export const patch = (
  as: { token: string },
  customerId: string,
  subscriptionId: string,
  body: Record<string, unknown>,
  ifMatch?: string,
) =>
  call('PATCH', subscriptionsPath(customerId, subscriptionId), {
    token: as.token,
    body,
    headers: ifMatch === undefined ? {} : { 'If-Match': ifMatch },
  });

/** POST …/suspend | reactivate | cancel, with an optional If-Match. */
export const act = (
  as: { token: string },
  customerId: string,
  subscriptionId: string,
  action: 'suspend' | 'reactivate' | 'cancel',
  ifMatch?: string,
) =>
  call('POST', subscriptionsPath(customerId, subscriptionId, action), {
    token: as.token,
    headers: ifMatch === undefined ? {} : { 'If-Match': ifMatch },
  });

/**
 * Sets attributes of the stored subscription item directly, for states HTTP cannot reach in a
 * test's time: windows are wall-clock dates (a 7-day cancellation window cannot be waited out),
 * and licenses are assigned by another context. The version (etag) is left as it is.
 */
export async function setStored(customerId: string, subscriptionId: string, values: Record<string, unknown>) {
  const names = Object.keys(values);
  await dynamo.send(
    new UpdateCommand({
      TableName: tableName,
      Key: keys.subscription(customerId, subscriptionId),
      UpdateExpression: `SET ${names.map((_, i) => `#f${i} = :v${i}`).join(', ')}`,
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: Object.fromEntries(names.map((n, i) => [`#f${i}`, n])),
      ExpressionAttributeValues: Object.fromEntries(names.map((n, i) => [`:v${i}`, values[n]])),
    }),
  );
}

/** Emails to `to` since `since` (epoch seconds) whose subject matches. */
export async function mailsTo(to: string, subject: RegExp, since = 0): Promise<StoredEmail[]> {
  return (await emailsSince(since)).filter(
    (m) => m.destination.to.some((t) => t.toLowerCase() === to.toLowerCase()) && subject.test(m.subject),
  );
}

/** The ISO time `days` days after `iso`. */
export const plusDays = (iso: string, days: number) =>
  new Date(Date.parse(iso) + days * 86_400_000).toISOString();

/** One calendar month after `iso`, same time of day, on the month's last day when it is shorter. */
export function plusOneMonth(iso: string): string {
  const start = new Date(iso);
  const y = start.getUTCFullYear() + (start.getUTCMonth() === 11 ? 1 : 0);
  const m = (start.getUTCMonth() + 1) % 12;
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  const end = new Date(start);
  end.setUTCFullYear(y, m, Math.min(start.getUTCDate(), last));
  return end.toISOString();
}

/** `n` years after `iso` (29 February → 28 February). */
export function plusYears(iso: string, n: number): string {
  const start = new Date(iso);
  const y = start.getUTCFullYear() + n;
  const m = start.getUTCMonth();
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  const end = new Date(start);
  end.setUTCFullYear(y, m, Math.min(start.getUTCDate(), last));
  return end.toISOString();
}

export const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
