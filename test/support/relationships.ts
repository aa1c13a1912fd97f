import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { type Account, verifiedAccount } from './identity.ts';
import { linkStartingWith, waitForEmail } from './mailbox.ts';
import { call, runtime } from './runtime.ts';

export const tokenOf = (link: string) => new URL(link).searchParams.get('token') ?? '';

/** Accepts an invitation link's token as a signed-in global admin, ticking the box. */
export const accept = (token: string, as: { token: string }) =>
  call('POST', '/invitations/accept', { token: as.token, body: { token, authorize: true } });

/** The provider invites the reseller by email; the reseller's admin accepts from the emailed link. */
export async function linkProviderAndReseller(provider: Account, reseller: Account) {
  const invited = await call('POST', '/indirect-resellers/invitations', {
    token: provider.token,
    body: { email: reseller.email },
  });
  expect(invited.status, JSON.stringify(invited.body)).toBe(201);
  const mail = await waitForEmail(reseller.email, {
    subject: new RegExp(provider.domain.split('.')[0] ?? ''),
  });
  const accepted = await accept(
    tokenOf(linkStartingWith(mail, `${runtime.apiUrl}/invitations/accept?token=`)),
    reseller,
  );
  expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
}

/**
 * A new customer that accepted the reseller's relationship request, or, with `providerId`, its
 * combined invitation to a relationship with the reseller and that indirect provider at once
 * (with delegated admin unless `delegatedAdmin: false`).
 */
export async function acceptedCustomer(
  reseller: Account,
  providerId?: string,
  opts: { delegatedAdmin?: boolean } = {},
): Promise<Account> {
  const customer = await verifiedAccount();
  const requested = await call(
    'POST',
    providerId === undefined
      ? '/customers/relationship-requests'
      : `/indirect-providers/${providerId}/customer-invitations`,
    {
      token: reseller.token,
      body: {
        customerEmail: customer.email,
        ...(opts.delegatedAdmin === undefined ? {} : { delegatedAdmin: opts.delegatedAdmin }),
      },
    },
  );
  expect(requested.status, JSON.stringify(requested.body)).toBe(201);
  const accepted = await accept(tokenOf(requested.body.link), customer);
  expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
  return customer;
}

/** Every item of a list, following `nextCursor` page by page. */
export async function allPages(path: string, token: string, limit: number) {
  const items: Record<string, unknown>[] = [];
  const sep = path.includes('?') ? '&' : '?';
  let cursor: string | undefined;
  for (let page = 0; page < 50; page++) {
    const res = await call(
      'GET',
      `${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      { token },
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.items.length).toBeLessThanOrEqual(limit);
    items.push(...res.body.items);
    cursor = res.body.nextCursor;
    if (!cursor) return items;
  }
  throw new Error(`${path} did not end within 50 pages`);
}

/** An admin relationship holding `roles` that the customer's global admin approved; its id. */
export async function approvedRelationship(partner: { token: string }, customer: Account, roles: string[]) {
  const asked = await call('POST', `/customers/${customer.orgId}/admin-relationships`, {
    token: partner.token,
    body: { displayName: `Roles ${randomUUID().slice(0, 8)}`, roles, duration: 'P30D' },
  });
  expect(asked.status, JSON.stringify(asked.body)).toBe(201);
  const approved = await call('POST', '/admin-relationships/approve', {
    token: customer.token,
    body: { token: tokenOf(asked.body.approvalLink) },
  });
  expect(approved.status, JSON.stringify(approved.body)).toBe(200);
  return asked.body.relationshipId as string;
}
