import { mailGlobalAdmins } from '../../identity/domain/admins.ts';
import type { Principal } from '../../identity/domain/model.ts';
import { DomainError } from '../../platform/errors.ts';
import { emailOnDomain } from '../../platform/webmail.ts';
import { existingCustomerEmail } from '../emails/existing-customer.ts';
import type { RelationshipRow } from '../ports.ts';
import { customerRows } from './access.ts';
import { type RelationshipDeps, requestCustomerRelationship } from './invitations.ts';
import { type CustomerLink, existingCustomerId, partnerRow } from './model.ts';

/** A customer the new reseller already serves elsewhere, as its partner network profile lists it. */
export interface ExistingCustomer {
  name: string;
  domain: string;
  country: string;
}

/** How many carry-overs run at once (each is two reads and one transaction). */
const PARALLEL = 10;

/**
 * API.md "Existing customers": when a reseller's enrollment is approved, the customers its partner
 * network profile lists appear on its customer list: with a relationship (rows on both sides, as
 * an accepted invitation writes them, without delegated admin) where an organization with that
 * domain exists here (its global admins are emailed: they may end it), else as a `NOT_ON_PLATFORM`
 * entry to invite in one call. Each is one conditional transaction with its activity record; one
 * already there is left as it is, so the stream may deliver the approval again.
 */
export async function carryOverExistingCustomers(
  deps: Pick<RelationshipDeps, 'relationships' | 'identity' | 'clock' | 'mailer'>,
  resellerId: string,
  customers: readonly ExistingCustomer[],
) {
  const reseller = await deps.identity.getOrganization(resellerId);
  if (!reseller) throw new Error(`The approved reseller ${resellerId} does not exist`);
  const byDomain = new Map(customers.map((c) => [c.domain.toLowerCase(), c]));
  const since = deps.clock.now().toISOString();
  const outcomes: Array<'RELATIONSHIP' | 'NOT_ON_PLATFORM' | 'ALREADY_THERE' | 'SELF'> = [];
  const pending = [...byDomain.entries()];
  while (pending.length > 0) {
    const batch = pending.splice(0, PARALLEL);
    outcomes.push(
      ...(await Promise.all(
        batch.map(async ([domain, customer]) => {
          const org = await deps.identity.getOrganizationByDomain(domain);
          if (org?.id === reseller.id) return 'SELF' as const;
          const row: CustomerLink = org
            ? {
                customerId: org.id,
                name: org.name,
                domain: org.domain,
                country: org.country,
                delegatedAdmin: false,
                since,
              }
            : {
                customerId: existingCustomerId(domain),
                name: customer.name,
                domain,
                country: customer.country,
                delegatedAdmin: false,
                since,
                status: 'NOT_ON_PLATFORM',
              };
          const rows: RelationshipRow[] = [
            { orgId: reseller.id, kind: 'CUSTOMER', otherId: row.customerId, data: row },
            ...(org
              ? [
                  {
                    orgId: org.id,
                    kind: 'PARTNER' as const,
                    otherId: reseller.id,
                    data: partnerRow(reseller, since),
                  },
                ]
              : []),
          ];
          const added = await deps.relationships.addExistingCustomer(reseller.id, row, rows, since);
          if (!added) return 'ALREADY_THERE' as const;
          if (!org) return 'NOT_ON_PLATFORM' as const;
          await mailGlobalAdmins(
            { organizations: deps.identity, mailer: deps.mailer },
            org.id,
            (language) =>
              existingCustomerEmail(language, {
                resellerName: reseller.name,
                resellerId: reseller.id,
                customerName: org.name,
              }),
            { resellerId: reseller.id, customerId: org.id },
          );
          return 'RELATIONSHIP' as const;
        }),
      )),
    );
  }
  return outcomes;
}

/**
 * POST /customers/{customerId}/invite: the one-call invitation of a `NOT_ON_PLATFORM` entry, a
 * relationship request (as POST /customers/relationship-requests) to an email on the entry's
 * domain; the entry gives way to the relationship when it is accepted.
 */
export async function inviteExistingCustomer(
  deps: RelationshipDeps,
  actor: Principal,
  customerId: string,
  input: { customerEmail: string; delegatedAdmin: boolean; send: boolean; locale?: string },
  opts: { idempotencyKey?: string } = {},
) {
  const [row] = await customerRows({ customers: deps.relationships }, actor.user.orgId, customerId, {
    listed: true,
  });
  if (row.status !== 'NOT_ON_PLATFORM')
    throw new DomainError(
      'ALREADY_CONNECTED',
      'This customer already has a relationship with your organization; there is nobody to invite.',
    );
  if (!emailOnDomain(input.customerEmail, row.domain))
    throw new DomainError(
      'EMAIL_DOMAIN_MISMATCH',
      `Send the invitation to an email address on the customer's domain ${row.domain}.`,
      { errors: [{ path: 'body.customerEmail', message: `must be an address on ${row.domain}` }] },
    );
  return requestCustomerRelationship(deps, actor, input, opts);
}
