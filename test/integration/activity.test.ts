import { randomUUID } from 'node:crypto';
import { DeleteCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ActivityRecord, Actor } from '../../functions/platform/audit.ts';
import { keys } from '../../functions/platform/data/table.ts';
import { routeList } from '../../functions/routes.ts';
import { encodeKey, expectCursorRefused, tampered } from '../support/cursors.ts';
import {
  enrollmentBody,
  enrollmentToken,
  indirectProvider,
  operatorToken,
  waitForStatus,
} from '../support/enrollment.ts';
import {
  type Account,
  accountBody,
  PASSWORD,
  uniqueDomain,
  userWithRoles,
  verificationToken,
  verifiedAccount,
} from '../support/identity.ts';
import { linkStartingWith, waitForEmail } from '../support/mailbox.ts';
import {
  accept,
  acceptedCustomer,
  allPages,
  linkProviderAndReseller,
  tokenOf,
} from '../support/relationships.ts';
import { call, dynamo, eventually, runtime, tableName } from '../support/runtime.ts';

/**
 * What each write route of the route table records in the activity log: its operations, or why
 * it records nothing. A write route added to routeList without an entry here fails the first test.
 */
const RECORDS: Record<string, { operations: string[] } | { nothing: string }> = {
  createAccount: { operations: ['ACCOUNT_CREATED'] },
  verifyAccount: { operations: ['ACCOUNT_VERIFIED'] },
  signIn: { nothing: 'signing in changes no state; a failed sign-in counter is not business activity' },
  refreshTokens: { nothing: 'refreshing tokens changes no state' },
  newPassword: { operations: ['USER_PASSWORD_CHANGED'] },
  createUser: { operations: ['USER_CREATED'] },
  updateUser: { operations: ['USER_UPDATED'] },
  deleteUser: { operations: ['USER_DELETED'] },
  resetUserPassword: { operations: ['USER_PASSWORD_RESET'] },
  createIndirectProvider: { operations: ['INDIRECT_PROVIDER_CREATED'] },
  putPartnerNetworkProfile: { operations: ['MPN_PROFILE_UPDATED'] },
  putOffer: { operations: ['OFFER_CREATED'] },
  placeOrder: { operations: ['ORDER_PLACED'] },
  patchSubscription: { operations: ['SUBSCRIPTION_UPDATED'] },
  suspendSubscription: { operations: ['SUBSCRIPTION_SUSPENDED'] },
  reactivateSubscription: { operations: ['SUBSCRIPTION_REACTIVATED'] },
  cancelSubscription: { operations: ['SUBSCRIPTION_CANCELED'] },
  requestAdminRelationship: { operations: ['ADMIN_RELATIONSHIP_REQUESTED'] },
  approveAdminRelationship: { operations: ['ADMIN_RELATIONSHIP_APPROVED'] },
  rejectAdminRelationship: { operations: ['ADMIN_RELATIONSHIP_REJECTED'] },
  terminateAdminRelationship: { operations: ['ADMIN_RELATIONSHIP_TERMINATED'] },
  createCustomerUser: { operations: ['USER_CREATED'] },
  changeUserLicenses: { operations: ['USER_LICENSES_CHANGED'] },
  deleteCustomerUser: { operations: ['USER_DELETED'] },
  restoreCustomerUser: { operations: ['USER_RESTORED'] },
  migrateDefaultRelationships: { operations: ['ADMIN_RELATIONSHIP_CREATED'] },
  submitEnrollment: { operations: ['ENROLLMENT_SUBMITTED'] },
  resendEnrollmentVerification: { operations: ['ENROLLMENT_VERIFICATION_SENT'] },
  verifyEnrollment: { operations: ['ENROLLMENT_VERIFIED'] },
  decideEnrollment: { operations: ['ENROLLMENT_DECIDED'] },
  inviteReseller: { operations: ['INVITATION_CREATED'] },
  requestCustomerRelationship: { operations: ['INVITATION_CREATED'] },
  inviteExistingCustomer: { operations: ['INVITATION_CREATED'] },
  inviteCustomerWithProvider: { operations: ['INVITATION_CREATED'] },
  acceptInvitation: { operations: ['INVITATION_ACCEPTED'] },
  declineInvitation: { operations: ['INVITATION_DECLINED'] },
  cancelInvitation: { operations: ['INVITATION_CANCELED'] },
  resendInvitation: { operations: ['INVITATION_RESENT'] },
  createWebhook: { operations: ['WEBHOOK_CREATED'] },
  deleteWebhook: { operations: ['WEBHOOK_DELETED'] },
  // Each also records ADMIN_RELATIONSHIP_TERMINATED per admin relationship it ends (none here; see
  // test/integration/ending-relationships.test.ts and test/unit/domain/endings.test.ts).
  endCustomerRelationship: { operations: ['CUSTOMER_RELATIONSHIP_ENDED'] },
  endPartnerRelationship: { operations: ['PARTNER_RELATIONSHIP_ENDED'] },
  endIndirectProviderRelationship: { operations: ['INDIRECT_PROVIDER_RELATIONSHIP_ENDED'] },
  endIndirectResellerRelationship: { operations: ['INDIRECT_RESELLER_RELATIONSHIP_ENDED'] },
  createServiceRequest: { operations: ['SERVICE_REQUEST_CREATED'] },
  addServiceRequestNote: { operations: ['SERVICE_REQUEST_NOTE_ADDED'] },
  addOperatorTicketNote: { operations: ['SERVICE_REQUEST_NOTE_ADDED'] },
  createSupportTicket: { operations: ['SUPPORT_TICKET_CREATED'] },
  addSupportTicketNote: { operations: ['SUPPORT_TICKET_NOTE_ADDED'] },
  putServiceIncident: { operations: ['SERVICE_INCIDENT_CREATED'] },
  updatePartnerLegal: { operations: ['PARTNER_PROFILE_UPDATED'] },
  updatePartnerSupport: { operations: ['PARTNER_PROFILE_UPDATED'] },
  putProviderListing: { operations: ['PROVIDER_LISTING_PUBLISHED'] },
  requestProviderContact: { operations: ['PROVIDER_CONTACT_REQUESTED'] },
  createLead: { operations: ['LEAD_CREATED'] },
  updateLead: { operations: ['LEAD_UPDATED'] },
  // The provider's lead is marked shared; the reseller gets its own NEW lead (in its log).
  shareLead: { operations: ['LEAD_SHARED', 'LEAD_CREATED'] },
  // The lead turns ACTIVE; the relationship request is the relationships context's record.
  inviteLead: { operations: ['LEAD_INVITED', 'INVITATION_CREATED'] },
  testWebhook: {
    nothing: 'a test event changes no state; its attempts are listed under the webhook deliveries',
  },
};

const writeRoutes = routeList.filter((r) => r.method !== 'GET').map((r) => r.id);

type StoredActivity = ActivityRecord & { pk: string; sk: string; type: string; expiresAt: number };

/** What one call of a write route must have recorded. */
interface Expected {
  log: string;
  actor: Actor;
  resourceType: string;
  resourceId: string;
  /** Exactly these changed fields (absent: no `changes` checked); a function checks them freely. */
  changes?: Record<string, [unknown, unknown]>;
  customerId?: string;
  /** A route that records several operations: what differs for the records of one of them. */
  per?: Record<string, Partial<Omit<Expected, 'per'>>>;
}

const DAY_MS = 86_400_000;
const requestIdOf = (res: { headers: Headers }) => res.headers.get('x-amzn-requestid') ?? '';
const userActor = (a: { userId: string; email: string }): Actor => ({
  kind: 'USER',
  userId: a.userId,
  email: a.email,
});

/** Every activity item of the table (a Scan: fine in a test). */
async function allActivityItems(): Promise<StoredActivity[]> {
  const items: StoredActivity[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await dynamo.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: '#t = :activity',
        ExpressionAttributeNames: { '#t': 'type' },
        ExpressionAttributeValues: { ':activity': 'activity' },
        ExclusiveStartKey: start,
      }),
    );
    items.push(...((page.Items ?? []) as StoredActivity[]));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** One organization's log as stored, oldest first. */
async function storedLog(orgId: string): Promise<StoredActivity[]> {
  const items: StoredActivity[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await dynamo.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.activity(orgId).pk },
        ExclusiveStartKey: start,
      }),
    );
    items.push(...((page.Items ?? []) as StoredActivity[]));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

const activityOf = async (token: string, query = '') =>
  (await allPages(`/activity${query}`, token, 100)) as unknown as ActivityRecord[];

describe('activity log', () => {
  /** Every secret the flows saw: passwords, link tokens, access/refresh tokens, sessions. */
  const secrets = new Set<string>([PASSWORD]);
  const keep = (...values: unknown[]) => {
    for (const v of values) if (typeof v === 'string' && v.length >= 8) secrets.add(v);
  };
  /** Per write route, the calls made and what each must have recorded. */
  const driven = new Map<string, Array<{ requestId: string; expected: Expected }>>();
  /** Requests of routes that record nothing. */
  const silent = new Map<string, string[]>();
  const drove = (routeId: string, res: { headers: Headers }, expected?: Expected) => {
    const requestId = requestIdOf(res);
    expect(requestId, `${routeId} answered a request id`).not.toBe('');
    if (expected) driven.set(routeId, [...(driven.get(routeId) ?? []), { requestId, expected }]);
    else silent.set(routeId, [...(silent.get(routeId) ?? []), requestId]);
  };
  const ok = (res: { status: number; body: unknown }, status: number) =>
    expect(res.status, JSON.stringify(res.body)).toBe(status);

  let reseller: Account;
  let provider: Account;
  let customer: Account;
  let enrollmentId: string;
  let mpnId: string;
  let operator: string;
  let refusedRequestId: string;

  beforeAll(async () => {
    operator = await operatorToken();
    keep(operator);

    // ---- A work account, created and verified; its admin signs in and refreshes.
    const domain = uniqueDomain('act');
    const body = accountBody(domain);
    const created = await call('POST', '/accounts', { body });
    ok(created, 201);
    const orgId = created.body.organizationId as string;
    const adminId = created.body.userId as string;
    const admin = { userId: adminId, email: body.admin.email };
    const verifyToken = await verificationToken(body.admin.email);
    keep(verifyToken);
    const verified = await call('POST', '/accounts/verify', { body: { token: verifyToken } });
    ok(verified, 200);
    drove('createAccount', created, {
      log: orgId,
      actor: userActor(admin),
      resourceType: 'organization',
      resourceId: orgId,
      changes: {
        name: [null, body.organization.name],
        domain: [null, domain],
        country: [null, 'ES'],
        adminEmail: [null, body.admin.email],
      },
    });
    drove('verifyAccount', verified, {
      log: orgId,
      actor: { kind: 'USER', userId: adminId },
      resourceType: 'user',
      resourceId: adminId,
      changes: { status: ['PENDING_EMAIL_VERIFICATION', 'ACTIVE'] },
    });
    const signedIn = await call('POST', '/auth/sign-in', {
      body: { email: admin.email, password: PASSWORD },
    });
    ok(signedIn, 200);
    keep(...Object.values(signedIn.body));
    drove('signIn', signedIn);
    const refreshed = await call('POST', '/auth/refresh', {
      body: { refreshToken: signedIn.body.refreshToken },
    });
    ok(refreshed, 200);
    keep(...Object.values(refreshed.body));
    drove('refreshTokens', refreshed);
    const failed = await call('POST', '/auth/sign-in', {
      body: { email: admin.email, password: 'Wrong-Passw0rd-1' },
    });
    expect(failed.status).toBe(401);
    keep('Wrong-Passw0rd-1');
    drove('signIn', failed);
    reseller = { orgId, userId: adminId, domain, email: admin.email, token: signedIn.body.accessToken };

    // ---- Users: created, first sign-in's new password, updated, password reset, deleted.
    const userEmail = `lee-${randomUUID().slice(0, 6)}@${domain}`;
    const user = await call('POST', '/users', {
      token: reseller.token,
      body: {
        firstName: 'Lee',
        lastName: 'User',
        email: userEmail,
        agentRole: 'HELPDESK_AGENT',
        adminRole: 'NONE',
      },
    });
    ok(user, 201);
    const userId = user.body.user.id as string;
    keep(user.body.temporaryPassword);
    drove('createUser', user, {
      log: orgId,
      actor: userActor(admin),
      resourceType: 'user',
      resourceId: userId,
      changes: {
        firstName: [null, 'Lee'],
        lastName: [null, 'User'],
        email: [null, userEmail],
        agentRole: [null, 'HELPDESK_AGENT'],
        adminRole: [null, 'NONE'],
      },
    });
    const first = await call('POST', '/auth/sign-in', {
      body: { email: userEmail, password: user.body.temporaryPassword },
    });
    expect(first.body.challenge).toBe('NEW_PASSWORD_REQUIRED');
    keep(first.body.session);
    drove('signIn', first);
    const newPassword = await call('POST', '/auth/new-password', {
      body: { email: userEmail, session: first.body.session, newPassword: PASSWORD },
    });
    ok(newPassword, 200);
    keep(...Object.values(newPassword.body));
    // A public route without a bearer: the user who set a first password of its own did it.
    drove('newPassword', newPassword, {
      log: orgId,
      actor: { kind: 'USER', userId, email: userEmail },
      resourceType: 'user',
      resourceId: userId,
    });
    const updated = await call('PATCH', `/users/${userId}`, {
      token: reseller.token,
      body: { firstName: 'Leo' },
    });
    ok(updated, 200);
    drove('updateUser', updated, {
      log: orgId,
      actor: userActor(admin),
      resourceType: 'user',
      resourceId: userId,
      changes: { firstName: ['Lee', 'Leo'] },
    });
    const reset = await call('POST', `/users/${userId}/reset-password`, { token: reseller.token });
    ok(reset, 200);
    keep(reset.body.temporaryPassword);
    drove('resetUserPassword', reset, {
      log: orgId,
      actor: userActor(admin),
      resourceType: 'user',
      resourceId: userId,
    });
    const deleted = await call('DELETE', `/users/${userId}`, { token: reseller.token });
    ok(deleted, 204);
    drove('deleteUser', deleted, {
      log: orgId,
      actor: userActor(admin),
      resourceType: 'user',
      resourceId: userId,
    });

    // A webhook: its URL and filters are recorded, never its secret.
    const hook = await call('POST', '/webhooks', {
      token: reseller.token,
      body: { url: 'https://hooks.contoso.example/csp', events: ['user.*'] },
    });
    ok(hook, 201);
    keep(hook.body.secret);
    drove('createWebhook', hook, {
      log: orgId,
      actor: userActor(admin),
      resourceType: 'webhook',
      resourceId: hook.body.webhookId,
      changes: { url: [null, 'https://hooks.contoso.example/csp'], events: [null, ['user.*']] },
    });
    const pinged = await call('POST', `/webhooks/${hook.body.webhookId}/test`, { token: reseller.token });
    ok(pinged, 202);
    drove('testWebhook', pinged);
    const unhooked = await call('DELETE', `/webhooks/${hook.body.webhookId}`, { token: reseller.token });
    ok(unhooked, 204);
    drove('deleteWebhook', unhooked, {
      log: orgId,
      actor: userActor(admin),
      resourceType: 'webhook',
      resourceId: hook.body.webhookId,
    });

    // A refused write (the admin's own email is taken) records nothing.
    const refused = await call('POST', '/users', {
      token: reseller.token,
      body: {
        firstName: 'Dup',
        lastName: 'User',
        email: admin.email,
        agentRole: 'HELPDESK_AGENT',
        adminRole: 'NONE',
      },
    });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('EMAIL_TAKEN');
    refusedRequestId = requestIdOf(refused);

    // ---- The operator: an indirect provider, and an MPN profile.
    const providerDomain = uniqueDomain('dist');
    const providerEmail = `pat@${providerDomain}`;
    const providerCreated = await call('POST', '/operator/indirect-providers', {
      token: operator,
      body: {
        organization: { name: `Distributor ${providerDomain}`, domain: providerDomain, country: 'ES' },
        admin: { firstName: 'Pat', lastName: 'Provider', email: providerEmail },
      },
    });
    ok(providerCreated, 201);
    keep(providerCreated.body.temporaryPassword);
    const providerId = providerCreated.body.organizationId as string;
    drove('createIndirectProvider', providerCreated, {
      log: providerId,
      actor: { kind: 'OPERATOR', email: runtime.operator.email },
      resourceType: 'organization',
      resourceId: providerId,
      changes: {
        name: [null, `Distributor ${providerDomain}`],
        domain: [null, providerDomain],
        country: [null, 'ES'],
        adminEmail: [null, providerEmail],
      },
    });
    const providerFirst = await call('POST', '/auth/sign-in', {
      body: { email: providerEmail, password: providerCreated.body.temporaryPassword },
    });
    keep(providerFirst.body.session);
    const providerDone = await call('POST', '/auth/new-password', {
      body: { email: providerEmail, session: providerFirst.body.session, newPassword: PASSWORD },
    });
    ok(providerDone, 200);
    keep(...Object.values(providerDone.body));
    provider = {
      orgId: providerId,
      userId: providerCreated.body.userId,
      domain: providerDomain,
      email: providerEmail,
      token: providerDone.body.accessToken,
    };

    mpnId = String(10_000_000 + Math.floor(Math.random() * 89_999_999));
    const existingCustomers = [{ name: 'Legacy Ltd', domain: uniqueDomain('legacy'), country: 'ES' }];
    const profile = await call('PUT', `/operator/partner-network/${mpnId}`, {
      token: operator,
      body: { legalName: `Partner ${mpnId} Ltd`, country: 'ES', status: 'ACTIVE', existingCustomers },
    });
    ok(profile, 200);
    drove('putPartnerNetworkProfile', profile, {
      log: 'PLATFORM',
      actor: { kind: 'OPERATOR', email: runtime.operator.email },
      resourceType: 'mpnProfile',
      resourceId: mpnId,
      changes: {
        legalName: [null, `Partner ${mpnId} Ltd`],
        country: [null, 'ES'],
        status: [null, 'ACTIVE'],
        existingCustomers: [null, existingCustomers],
      },
    });

    const offerId = `offer-${mpnId}`;
    const offer = await call('PUT', `/operator/offers/${offerId}`, {
      token: operator,
      body: {
        name: 'Activity Suite',
        unitType: 'LICENSE',
        minQuantity: 1,
        maxQuantity: 10,
        termDurations: ['P1M'],
        billingCycles: ['MONTHLY'],
        countries: ['ES'],
        adminAgentOnly: false,
        available: true,
      },
    });
    ok(offer, 200);
    drove('putOffer', offer, {
      log: 'PLATFORM',
      actor: { kind: 'OPERATOR', email: runtime.operator.email },
      resourceType: 'offer',
      resourceId: offerId,
      changes: {
        name: [null, 'Activity Suite'],
        minQuantity: [null, 1],
        maxQuantity: [null, 10],
        termDurations: [null, ['P1M']],
        billingCycles: [null, ['MONTHLY']],
        countries: [null, ['ES']],
        adminAgentOnly: [null, false],
        available: [null, true],
      },
    });

    // ---- Enrollment: submitted, verification re-sent, verified, decided; the workflow approves.
    const submitted = await call('POST', '/enrollments', {
      token: reseller.token,
      body: enrollmentBody(reseller, mpnId),
    });
    ok(submitted, 202);
    enrollmentId = submitted.body.enrollmentId;
    drove('submitEnrollment', submitted, {
      log: orgId,
      actor: userActor(admin),
      resourceType: 'enrollment',
      resourceId: enrollmentId,
      changes: { status: [null, 'PENDING_EMAIL_VERIFICATION'], mpnId: [null, mpnId] },
    });
    const contact = `paz@${domain}`;
    const firstLink = await enrollmentToken(contact);
    keep(firstLink);
    const resent = await call('POST', `/enrollments/${enrollmentId}/verification-email`, {
      token: reseller.token,
    });
    ok(resent, 202);
    drove('resendEnrollmentVerification', resent, {
      log: orgId,
      actor: userActor(admin),
      resourceType: 'enrollment',
      resourceId: enrollmentId,
    });
    const secondLink = await enrollmentToken(contact, [firstLink]);
    keep(secondLink);
    const enrollmentVerified = await call('POST', '/enrollments/verify', { body: { token: secondLink } });
    ok(enrollmentVerified, 200);
    drove('verifyEnrollment', enrollmentVerified, {
      log: orgId,
      actor: { kind: 'USER' },
      resourceType: 'enrollment',
      resourceId: enrollmentId,
      changes: { status: ['PENDING_EMAIL_VERIFICATION', 'IN_REVIEW'] },
    });
    await waitForStatus(reseller, enrollmentId, 'IN_REVIEW');
    const decided = await call('POST', `/operator/enrollments/${enrollmentId}/decision`, {
      token: operator,
      body: { decision: 'APPROVE' },
    });
    ok(decided, 202);
    drove('decideEnrollment', decided, {
      log: orgId,
      actor: { kind: 'OPERATOR', email: runtime.operator.email },
      resourceType: 'enrollment',
      resourceId: enrollmentId,
      changes: { decision: [null, 'APPROVE'] },
    });
    await waitForStatus(reseller, enrollmentId, 'APPROVED');

    // The approval carried the profile's existing customer over (by the platform); invited in one call.
    const legacy = await eventually(async () =>
      (await allPages('/customers', reseller.token, 100)).find((c) => c.status === 'NOT_ON_PLATFORM'),
    );
    const legacyInvited = await call('POST', `/customers/${legacy.customerId}/invite`, {
      token: reseller.token,
      body: { customerEmail: `ana@${existingCustomers[0]?.domain}`, send: false },
    });
    ok(legacyInvited, 201);
    keep(tokenOf(legacyInvited.body.link));
    drove('inviteExistingCustomer', legacyInvited, {
      log: orgId,
      actor: userActor(admin),
      resourceType: 'invitation',
      resourceId: legacyInvited.body.invitationId,
    });
    const carriedOver = (await storedLog(orgId)).filter((a) => a.operation === 'EXISTING_CUSTOMER_ADDED');
    expect(carriedOver.map((a) => [a.actor, a.resourceId])).toEqual([
      [{ kind: 'SYSTEM' }, legacy.customerId],
    ]);

    // ---- Invitations: the provider invites the reseller, who accepts.
    const invited = await call('POST', '/indirect-resellers/invitations', {
      token: provider.token,
      body: { email: reseller.email },
    });
    ok(invited, 201);
    const resellerInvitation = invited.body.invitationId as string;
    drove('inviteReseller', invited, {
      log: providerId,
      actor: userActor(provider),
      resourceType: 'invitation',
      resourceId: resellerInvitation,
    });
    const mail = await waitForEmail(reseller.email, {
      subject: new RegExp(providerDomain.split('.')[0] ?? ''),
    });
    const resellerToken = tokenOf(linkStartingWith(mail, `${runtime.apiUrl}/invitations/accept?token=`));
    keep(resellerToken);
    const linked = await accept(resellerToken, reseller);
    ok(linked, 200);
    drove('acceptInvitation', linked, {
      log: providerId,
      actor: userActor(admin),
      resourceType: 'invitation',
      resourceId: resellerInvitation,
    });

    // The reseller's relationship request, accepted by a new customer (it shows in the customer's inbound).
    customer = await verifiedAccount();
    keep(customer.token);
    const requested = await call('POST', '/customers/relationship-requests', {
      token: reseller.token,
      body: { customerEmail: customer.email },
    });
    ok(requested, 201);
    keep(tokenOf(requested.body.link));
    drove('requestCustomerRelationship', requested, {
      log: orgId,
      actor: userActor(admin),
      resourceType: 'invitation',
      resourceId: requested.body.invitationId,
    });
    const customerAccepted = await accept(tokenOf(requested.body.link), customer);
    ok(customerAccepted, 200);
    drove('acceptInvitation', customerAccepted, {
      log: orgId,
      actor: userActor(customer),
      resourceType: 'invitation',
      resourceId: requested.body.invitationId,
      customerId: customer.orgId,
      changes: { status: ['PENDING', 'ACCEPTED'], acceptedBy: [null, customer.orgId] },
    });

    // The combined invitation with the provider, declined by another customer.
    const decliner = await verifiedAccount();
    keep(decliner.token);
    const combined = await call('POST', `/indirect-providers/${providerId}/customer-invitations`, {
      token: reseller.token,
      body: { customerEmail: decliner.email },
    });
    ok(combined, 201);
    keep(tokenOf(combined.body.link));
    drove('inviteCustomerWithProvider', combined, {
      log: orgId,
      actor: userActor(admin),
      resourceType: 'invitation',
      resourceId: combined.body.invitationId,
    });
    const declined = await call('POST', '/invitations/decline', {
      token: decliner.token,
      body: { token: tokenOf(combined.body.link) },
    });
    ok(declined, 200);
    drove('declineInvitation', declined, {
      log: orgId,
      actor: userActor(decliner),
      resourceType: 'invitation',
      resourceId: combined.body.invitationId,
      changes: { status: ['PENDING', 'DECLINED'] },
    });

    // A request re-sent, then canceled.
    const third = await call('POST', '/customers/relationship-requests', {
      token: reseller.token,
      body: { customerEmail: `carl@${uniqueDomain('cust')}` },
    });
    ok(third, 201);
    keep(tokenOf(third.body.link));
    const thirdId = third.body.invitationId as string;
    const resentInvitation = await call('POST', `/invitations/${thirdId}/resend`, { token: reseller.token });
    ok(resentInvitation, 200);
    if (resentInvitation.body.link) keep(tokenOf(resentInvitation.body.link));
    drove('resendInvitation', resentInvitation, {
      log: orgId,
      actor: userActor(admin),
      resourceType: 'invitation',
      resourceId: thirdId,
    });
    const canceled = await call('POST', `/invitations/${thirdId}/cancel`, { token: reseller.token });
    ok(canceled, 200);
    drove('cancelInvitation', canceled, {
      log: orgId,
      actor: userActor(admin),
      resourceType: 'invitation',
      resourceId: thirdId,
      changes: { status: ['PENDING', 'CANCELED'] },
    });

    // ---- Ending relationships, in the log of the organization that ends: a customer the reseller
    // ends (inbound for the customer), a customer ending its reseller (its own log), and two more
    // providers' links ended from each side. Without delegated admin, nothing else ends with them.
    const leaving = await acceptedCustomer(reseller, undefined, { delegatedAdmin: false });
    keep(leaving.token);
    const endedCustomer = await call('DELETE', `/customers/${leaving.orgId}/relationship`, {
      token: reseller.token,
    });
    ok(endedCustomer, 204);
    drove('endCustomerRelationship', endedCustomer, {
      log: orgId,
      actor: userActor(admin),
      resourceType: 'customer',
      resourceId: leaving.orgId,
      customerId: leaving.orgId,
    });
    const leaver = await acceptedCustomer(reseller, undefined, { delegatedAdmin: false });
    keep(leaver.token);
    const endedPartner = await call('DELETE', `/partners/${orgId}`, { token: leaver.token });
    ok(endedPartner, 204);
    drove('endPartnerRelationship', endedPartner, {
      log: leaver.orgId,
      actor: userActor(leaver),
      resourceType: 'partner',
      resourceId: orgId,
    });
    const [leftProvider, leftByProvider] = await Promise.all([indirectProvider(), indirectProvider()]);
    keep(leftProvider.token, leftByProvider.token);
    await linkProviderAndReseller(leftProvider, reseller);
    await linkProviderAndReseller(leftByProvider, reseller);
    const endedProvider = await call('DELETE', `/indirect-providers/${leftProvider.orgId}`, {
      token: reseller.token,
    });
    ok(endedProvider, 204);
    drove('endIndirectProviderRelationship', endedProvider, {
      log: orgId,
      actor: userActor(admin),
      resourceType: 'indirectProvider',
      resourceId: leftProvider.orgId,
    });
    const endedReseller = await call('DELETE', `/indirect-resellers/${orgId}`, {
      token: leftByProvider.token,
    });
    ok(endedReseller, 204);
    drove('endIndirectResellerRelationship', endedReseller, {
      log: leftByProvider.orgId,
      actor: userActor(leftByProvider),
      resourceType: 'indirectReseller',
      resourceId: orgId,
    });

    // ---- Commerce: a customer shared with the provider, an order, and each change of its subscription.
    const shopper = await verifiedAccount();
    keep(shopper.token);
    const shared = await call('POST', `/indirect-providers/${providerId}/customer-invitations`, {
      token: reseller.token,
      body: { customerEmail: shopper.email },
    });
    ok(shared, 201);
    keep(tokenOf(shared.body.link));
    ok(await accept(tokenOf(shared.body.link), shopper), 200);
    const ordered = await call('POST', `/customers/${shopper.orgId}/orders`, {
      token: provider.token,
      body: { lineItems: [{ offerId, quantity: 2, termDuration: 'P1M', billingCycle: 'MONTHLY' }] },
    });
    ok(ordered, 201);
    const subscriptionId = ordered.body.lineItems[0].subscriptionId as string;
    drove('placeOrder', ordered, {
      log: providerId,
      actor: userActor(provider),
      resourceType: 'order',
      resourceId: ordered.body.orderId,
      customerId: shopper.orgId,
      changes: { resellerOfRecord: [null, orgId], subscriptionIds: [null, [subscriptionId]] },
    });
    const subscriptionPath = `/customers/${shopper.orgId}/subscriptions/${subscriptionId}`;
    const ofSubscription = (log: string, actor: Actor, changes: Expected['changes']): Expected => ({
      log,
      actor,
      resourceType: 'subscription',
      resourceId: subscriptionId,
      customerId: shopper.orgId,
      ...(changes ? { changes } : {}),
    });
    const read = await call('GET', subscriptionPath, { token: reseller.token });
    ok(read, 200);
    // The reseller of record acts in its own log.
    const patched = await call('PATCH', subscriptionPath, {
      token: reseller.token,
      headers: { 'if-match': read.body.etag },
      body: { friendlyName: 'Sales team', autoRenew: false },
    });
    ok(patched, 200);
    drove(
      'patchSubscription',
      patched,
      ofSubscription(orgId, userActor(admin), {
        friendlyName: ['Activity Suite', 'Sales team'],
        autoRenew: [true, false],
      }),
    );
    for (const [routeId, verb, from, to] of [
      ['suspendSubscription', 'suspend', 'ACTIVE', 'SUSPENDED'],
      ['reactivateSubscription', 'reactivate', 'SUSPENDED', 'ACTIVE'],
      ['cancelSubscription', 'cancel', 'ACTIVE', 'CANCELED'],
    ] as const) {
      const changed = await call('POST', `${subscriptionPath}/${verb}`, { token: provider.token });
      ok(changed, 200);
      drove(routeId, changed, ofSubscription(providerId, userActor(provider), { status: [from, to] }));
    }

    // ---- Delegated admin: requested twice by the reseller, approved once and rejected once by the
    // customer (in its own log), the approved one terminated by the reseller.
    const adminRelationship = (displayName: string) =>
      call('POST', `/customers/${shopper.orgId}/admin-relationships`, {
        token: reseller.token,
        body: { displayName, roles: ['DIRECTORY_READER'], duration: 'P30D' },
      });
    const ofAdminRelationship = (log: string, actor: Actor, id: string, withCustomer: boolean): Expected => ({
      log,
      actor,
      resourceType: 'adminRelationship',
      resourceId: id,
      ...(withCustomer ? { customerId: shopper.orgId } : {}),
    });
    for (const [name, decision] of [
      ['Helpdesk', 'approve'],
      ['Audit', 'reject'],
    ] as const) {
      const requestedAdmin = await adminRelationship(name);
      ok(requestedAdmin, 201);
      const id = requestedAdmin.body.relationshipId as string;
      keep(tokenOf(requestedAdmin.body.approvalLink));
      drove(
        'requestAdminRelationship',
        requestedAdmin,
        ofAdminRelationship(orgId, userActor(admin), id, true),
      );
      const decided = await call('POST', `/admin-relationships/${decision}`, {
        token: shopper.token,
        body: { token: tokenOf(requestedAdmin.body.approvalLink) },
      });
      ok(decided, 200);
      drove(
        decision === 'approve' ? 'approveAdminRelationship' : 'rejectAdminRelationship',
        decided,
        ofAdminRelationship(shopper.orgId, userActor(shopper), id, false),
      );
      if (decision === 'approve') {
        const terminated = await call('POST', `/admin-relationships/${id}/terminate`, {
          token: reseller.token,
        });
        ok(terminated, 200);
        drove(
          'terminateAdminRelationship',
          terminated,
          ofAdminRelationship(orgId, userActor(admin), id, true),
        );
      }
    }

    // ---- On behalf, through the reseller's Default relationship (made when the shopper accepted
    // with delegated admin): a customer user created, licensed, deleted and restored, each in the
    // reseller's log naming the customer.
    const usersPath = `/customers/${shopper.orgId}/users`;
    await eventually(
      async () =>
        (await call('GET', usersPath, { token: reseller.token })).status === 200 ? true : undefined,
      15_000,
      'the Default admin relationship',
    );
    const createdUser = await call('POST', usersPath, {
      token: reseller.token,
      body: { firstName: 'Lena', lastName: 'User', email: `lena@${shopper.domain}`, usageLocation: 'ES' },
    });
    ok(createdUser, 201);
    keep(createdUser.body.temporaryPassword);
    const customerUserId = createdUser.body.user.id as string;
    const ofCustomerUser = (changes?: Expected['changes']): Expected => ({
      log: orgId,
      actor: userActor(admin),
      resourceType: 'user',
      resourceId: customerUserId,
      customerId: shopper.orgId,
      ...(changes ? { changes } : {}),
    });
    drove('createCustomerUser', createdUser, ofCustomerUser());
    const seats = await call('POST', `/customers/${shopper.orgId}/orders`, {
      token: provider.token,
      body: { lineItems: [{ offerId, quantity: 1, termDuration: 'P1M', billingCycle: 'MONTHLY' }] },
    });
    ok(seats, 201);
    const seatsId = seats.body.lineItems[0].subscriptionId as string;
    const licensed = await call('POST', `${usersPath}/${customerUserId}/licenses`, {
      token: reseller.token,
      body: { assign: [seatsId] },
    });
    ok(licensed, 200);
    drove('changeUserLicenses', licensed, ofCustomerUser({ licenses: [[], [seatsId]] }));
    const deletedUser = await call('DELETE', `${usersPath}/${customerUserId}`, { token: reseller.token });
    ok(deletedUser, 204);
    drove(
      'deleteCustomerUser',
      deletedUser,
      ofCustomerUser({ status: ['ACTIVE', 'INACTIVE'], licenses: [[seatsId], null] }),
    );
    const restoredUser = await call('POST', `${usersPath}/${customerUserId}/restore`, {
      token: reseller.token,
    });
    ok(restoredUser, 200);
    drove('restoreCustomerUser', restoredUser, ofCustomerUser({ status: ['INACTIVE', 'ACTIVE'] }));

    // ---- Partner operations: a service request on behalf (through the same Default relationship)
    // and a support ticket, each with a partner's and an operator's note; an operator's incident.
    const serviceRequest = await call('POST', `/customers/${shopper.orgId}/service-requests`, {
      token: reseller.token,
      body: { title: 'Bounces', description: 'Mail bounces', severity: 'CRITICAL', topic: 'Exchange Online' },
    });
    ok(serviceRequest, 201);
    const ofServiceRequest = (actor: Actor, changes?: Expected['changes']): Expected => ({
      log: orgId,
      actor,
      resourceType: 'service_request',
      resourceId: serviceRequest.body.ticketId,
      customerId: shopper.orgId,
      ...(changes ? { changes } : {}),
    });
    drove('createServiceRequest', serviceRequest, ofServiceRequest(userActor(admin)));
    const requestNote = await call(
      'POST',
      `/customers/${shopper.orgId}/service-requests/${serviceRequest.body.ticketId}/notes`,
      { token: reseller.token, body: { text: 'It started at noon.' } },
    );
    ok(requestNote, 200);
    drove('addServiceRequestNote', requestNote, ofServiceRequest(userActor(admin)));
    const operatorNote = await call('POST', `/operator/tickets/${serviceRequest.body.ticketId}/notes`, {
      token: operator,
      body: { text: 'Which mailbox?' },
    });
    ok(operatorNote, 200);
    // Operators sign notes to partners as Support: their address stays out of partners' logs.
    drove('addOperatorTicketNote', operatorNote, ofServiceRequest({ kind: 'OPERATOR' }));
    const ticket = await call('POST', '/support-tickets', {
      token: reseller.token,
      body: { title: 'Invoice', description: 'Listed twice', severity: 'MODERATE', category: 'ORDERS' },
    });
    ok(ticket, 201);
    const ofTicket: Expected = {
      log: orgId,
      actor: userActor(admin),
      resourceType: 'support_ticket',
      resourceId: ticket.body.ticketId,
    };
    drove('createSupportTicket', ticket, ofTicket);
    const ticketNote = await call('POST', `/support-tickets/${ticket.body.ticketId}/notes`, {
      token: reseller.token,
      body: { text: 'Solved, thanks.', status: 'CLOSED' },
    });
    ok(ticketNote, 200);
    drove('addSupportTicketNote', ticketNote, ofTicket);
    const incidentId = `INC-${randomUUID().slice(0, 8)}`;
    const incident = await call('PUT', `/operator/service-incidents/${incidentId}`, {
      token: operator,
      body: {
        title: 'Mail delays',
        service: 'Exchange Online',
        severity: 'WARNING',
        status: 'INVESTIGATING',
        message: 'Investigating.',
      },
    });
    ok(incident, 200);
    drove('putServiceIncident', incident, {
      log: 'PLATFORM',
      actor: { kind: 'OPERATOR', email: runtime.operator.email },
      resourceType: 'service_incident',
      resourceId: incidentId,
    });

    // ---- The partner profile edited, the provider's directory listing published and contacted.
    const legalEdited = await call('PATCH', '/partner-profile/legal', {
      token: reseller.token,
      body: { legalName: 'Activity Legal S.L.' },
    });
    ok(legalEdited, 200);
    const ofProfile = (changes: Expected['changes']): Expected => ({
      log: orgId,
      actor: userActor(admin),
      resourceType: 'partnerProfile',
      resourceId: orgId,
      changes,
    });
    drove(
      'updatePartnerLegal',
      legalEdited,
      ofProfile({ legalName: [enrollmentBody(reseller, mpnId).legalName, 'Activity Legal S.L.'] }),
    );
    const supportEdited = await call('PATCH', '/partner-profile/support', {
      token: reseller.token,
      body: { website: 'https://support.example.com' },
    });
    ok(supportEdited, 200);
    drove('updatePartnerSupport', supportEdited, ofProfile(undefined));
    const listed = await call('PUT', '/provider-listing', {
      token: provider.token,
      body: {
        description: 'Distribution in Iberia',
        countries: ['ES'],
        services: ['BILLING'],
        contactEmail: `partners@${providerDomain}`,
      },
    });
    ok(listed, 200);
    drove('putProviderListing', listed, {
      log: providerId,
      actor: userActor(provider),
      resourceType: 'providerListing',
      resourceId: providerId,
    });
    const contacted = await call('POST', `/provider-directory/${providerId}/contact-requests`, {
      token: reseller.token,
      body: { message: 'We would like to work with you.' },
    });
    ok(contacted, 202);
    drove('requestProviderContact', contacted, {
      log: orgId,
      actor: userActor(admin),
      resourceType: 'providerContact',
      resourceId: providerId,
    });

    // ---- Leads: the provider's lead shared with the reseller (a referral in the reseller's log), the
    // reseller's own lead moved on, and one turned into a relationship request.
    const lead = (token: string, companyName: string, contactEmail: string) =>
      call('POST', '/leads', {
        token,
        body: { companyName, contactName: 'Carla', contactEmail, country: 'ES' },
      });
    const providersLead = await lead(provider.token, 'Referred Co', `carla@${uniqueDomain('lead')}`);
    ok(providersLead, 201);
    drove('createLead', providersLead, {
      log: providerId,
      actor: userActor(provider),
      resourceType: 'lead',
      resourceId: providersLead.body.leadId,
      changes: { status: [null, 'NEW'], companyName: [null, 'Referred Co'] },
    });
    const leadShared = await call('POST', `/leads/${providersLead.body.leadId}/share`, {
      token: provider.token,
      body: { resellerId: orgId },
    });
    ok(leadShared, 200);
    const referral = (await call('GET', '/leads?status=NEW', { token: reseller.token })).body.items.find(
      (l: { sharedBy?: { organizationId: string } }) => l.sharedBy?.organizationId === providerId,
    );
    drove('shareLead', leadShared, {
      log: providerId,
      actor: userActor(provider),
      resourceType: 'lead',
      resourceId: providersLead.body.leadId,
      per: { LEAD_CREATED: { log: orgId, resourceId: referral.leadId } },
    });
    const accepted = await call('PATCH', `/leads/${referral.leadId}`, {
      token: reseller.token,
      body: { status: 'ACTIVE' },
    });
    ok(accepted, 200);
    drove('updateLead', accepted, {
      log: orgId,
      actor: userActor(admin),
      resourceType: 'lead',
      resourceId: referral.leadId,
      changes: { status: ['NEW', 'ACTIVE'] },
    });
    const ownLead = await lead(reseller.token, 'Prospect Co', `carla@${uniqueDomain('prospect')}`);
    ok(ownLead, 201);
    drove('createLead', ownLead, {
      log: orgId,
      actor: userActor(admin),
      resourceType: 'lead',
      resourceId: ownLead.body.leadId,
    });
    const leadInvited = await call('POST', `/leads/${ownLead.body.leadId}/invite`, {
      token: reseller.token,
      body: { send: false },
    });
    ok(leadInvited, 201);
    keep(tokenOf(leadInvited.body.link));
    drove('inviteLead', leadInvited, {
      log: orgId,
      actor: userActor(admin),
      resourceType: 'lead',
      resourceId: ownLead.body.leadId,
      per: { INVITATION_CREATED: { resourceType: 'invitation', resourceId: leadInvited.body.invitationId } },
    });

    // ---- The operators' one-off migration: the reseller's Default with the shopper is taken away as
    // if made before Default relationships existed, and the migration makes it again, as OPERATOR.
    const inbound = await call('GET', '/admin-relationships?direction=inbound&limit=100', {
      token: shopper.token,
    });
    ok(inbound, 200);
    const resellersDefault = inbound.body.items.find(
      (r: { displayName: string; partner: { organizationId: string } }) =>
        r.displayName === 'Default' && r.partner.organizationId === orgId,
    );
    for (const key of [
      keys.adminRelationship(resellersDefault.relationshipId),
      keys.adminGrant(orgId, shopper.orgId, resellersDefault.relationshipId),
      keys.adminName(orgId, shopper.orgId, 'Default'),
    ])
      await dynamo.send(new DeleteCommand({ TableName: tableName, Key: key }));
    const decidedBefore = new Date().toISOString();
    for (let cursor: string | undefined, page = 0; page < 200; page++) {
      const query = new URLSearchParams({ limit: '1000', decidedBefore, ...(cursor ? { cursor } : {}) });
      const migrated = await call('POST', `/operator/migrations/default-admin-relationships?${query}`, {
        token: operator,
      });
      ok(migrated, 200);
      if (migrated.body.created.includes(resellersDefault.relationshipId))
        drove('migrateDefaultRelationships', migrated, {
          log: orgId,
          actor: { kind: 'OPERATOR', email: runtime.operator.email },
          resourceType: 'adminRelationship',
          resourceId: resellersDefault.relationshipId,
          customerId: shopper.orgId,
        });
      cursor = migrated.body.nextCursor;
      if (!cursor) break;
    }
  }, 180_000);

  it('has an entry for exactly the write routes of the route table', () => {
    expect(Object.keys(RECORDS).sort()).toEqual([...writeRoutes].sort());
  });

  it('drove every write route', () => {
    const seen = new Set([...driven.keys(), ...silent.keys()]);
    expect([...seen].sort()).toEqual([...writeRoutes].sort());
  });

  it.each(Object.entries(RECORDS))('%s records what its entry says', async (routeId, entry) => {
    // What the request itself wrote: the work it started (workflow steps, timers, stream consumers)
    // writes as SYSTEM in the same story (the same requestId).
    const all = (await allActivityItems()).filter((a) => a.actor.kind !== 'SYSTEM');
    if ('nothing' in entry) {
      const requestIds = silent.get(routeId) ?? [];
      expect(requestIds.length).toBeGreaterThan(0);
      for (const requestId of requestIds) expect(all.filter((a) => a.requestId === requestId)).toEqual([]);
      return;
    }
    const calls = driven.get(routeId) ?? [];
    expect(calls.length).toBeGreaterThan(0);
    for (const { requestId, expected: route } of calls) {
      const records = all.filter((a) => a.requestId === requestId);
      expect(records.map((r) => r.operation).sort()).toEqual([...entry.operations].sort());
      for (const record of records) {
        const { per, ...shared } = route;
        const expected: Expected = { ...shared, ...per?.[record.operation] };
        expect(record.pk).toBe(keys.activity(expected.log).pk);
        expect(record.sk).toBe(`${record.at}#${record.activityId}`);
        expect(record.organizationId).toBe(expected.log);
        expect(record.actor).toEqual(expected.actor);
        expect(record.resourceType).toBe(expected.resourceType);
        expect(record.resourceId).toBe(expected.resourceId);
        expect(record.customerId).toBe(expected.customerId);
        if (expected.customerId)
          expect(record).toMatchObject(
            keys.inboundActivity(expected.customerId, record.at, record.activityId),
          );
        if (expected.changes) expect(record.changes).toEqual(expected.changes);
        const at = Date.parse(record.at);
        expect(Math.abs(at - Date.now())).toBeLessThan(10 * 60_000);
        expect(record.expiresAt).toBe(Math.floor(at / 1000) + 400 * 86_400);
      }
    }
  });

  it('records the workflow steps as SYSTEM, in the submitting request’s story: the first verification email and the approval', async () => {
    const log = await eventually(async () => {
      const items = await storedLog(reseller.orgId);
      return items.some((a) => a.operation === 'ENROLLMENT_APPROVED') ? items : undefined;
    });
    const ofEnrollment = log.filter((a) => a.resourceId === enrollmentId);
    const bySystem = ofEnrollment.filter((a) => a.actor.kind === 'SYSTEM');
    expect(bySystem.map((a) => a.operation)).toEqual(
      expect.arrayContaining(['ENROLLMENT_VERIFICATION_SENT', 'ENROLLMENT_APPROVED']),
    );
    const submitted = ofEnrollment.find((a) => a.operation === 'ENROLLMENT_SUBMITTED');
    expect(submitted?.actor.kind).toBe('USER');
    for (const a of bySystem) {
      expect(a.actor).toEqual({ kind: 'SYSTEM' });
      expect(a.requestId).toBe(submitted?.requestId);
      expect(a.resourceType).toBe('enrollment');
    }
    expect(ofEnrollment.find((a) => a.operation === 'ENROLLMENT_APPROVED')?.changes).toEqual({
      status: ['IN_REVIEW', 'APPROVED'],
    });
    // The user's re-send is the only one not by SYSTEM.
    expect(
      ofEnrollment
        .filter((a) => a.operation === 'ENROLLMENT_VERIFICATION_SENT')
        .map((a) => a.actor.kind)
        .sort(),
    ).toEqual(['SYSTEM', 'USER']);
  });

  it('GET /activity answers the same records, newest first, without table fields', async () => {
    const stored = await storedLog(reseller.orgId);
    const answered = await activityOf(reseller.token);
    expect(answered.map((a) => a.activityId)).toEqual(stored.map((a) => a.activityId).reverse());
    for (const a of answered) {
      expect(Object.keys(a).sort()).toEqual(
        expect.not.arrayContaining(['pk', 'sk', 'gsi1pk', 'gsi1sk', 'type', 'expiresAt']),
      );
      expect(a.organizationId).toBe(reseller.orgId);
    }
  });

  it('holds no secret in any record, stored or answered', async () => {
    expect(secrets.size).toBeGreaterThan(15);
    const forbiddenName = /password|token|hash|secret|verifier/i;
    const namesIn = (value: unknown): string[] =>
      value && typeof value === 'object' ? Object.entries(value).flatMap(([k, v]) => [k, ...namesIn(v)]) : [];
    const answers = [
      ...(await activityOf(reseller.token)),
      ...(await activityOf(provider.token)),
      ...(await activityOf(customer.token)),
      ...(await activityOf(customer.token, '?direction=inbound')),
    ];
    const stored = await allActivityItems();
    expect(answers.length).toBeGreaterThan(15);
    for (const record of [...stored, ...answers]) {
      const text = JSON.stringify(record);
      for (const secret of secrets) expect(text.includes(secret), `a secret in ${text}`).toBe(false);
      expect(namesIn(record).filter((name) => forbiddenName.test(name))).toEqual([]);
    }
  });

  it("shows another organization's user none of the first one's records", async () => {
    const other = await verifiedAccount();
    const mine = new Set((await storedLog(reseller.orgId)).map((a) => a.activityId));
    expect(mine.size).toBeGreaterThan(10);
    const theirs = await activityOf(other.token);
    expect(theirs.length).toBeGreaterThan(0);
    for (const a of theirs) {
      expect(a.organizationId).toBe(other.orgId);
      expect(mine.has(a.activityId)).toBe(false);
    }
    expect(await activityOf(other.token, `?customerId=${customer.orgId}`)).toEqual([]);
    expect(await activityOf(other.token, '?direction=inbound')).toEqual([]);
    // The reseller's own customerId filter finds its records about that customer only: the
    // acceptance, and the Default admin relationship it made (delegatedAdmin, by SYSTEM).
    const aboutCustomer = await activityOf(reseller.token, `?customerId=${customer.orgId}`);
    expect(aboutCustomer.map((a) => a.operation).sort()).toEqual([
      'ADMIN_RELATIONSHIP_CREATED',
      'INVITATION_ACCEPTED',
    ]);
  });

  it('reads 90 days back at most, and a window must not end before it starts', async () => {
    const ago = (days: number) => new Date(Date.now() - days * DAY_MS).toISOString();
    const tooOld = await call('GET', `/activity?from=${ago(91)}`, { token: reseller.token });
    expect(tooOld.status).toBe(400);
    expect(tooOld.body.code).toBe('VALIDATION_FAILED');
    expect(tooOld.body.errors[0].path).toBe('query.from');
    const within = await call('GET', `/activity?from=${ago(89)}`, { token: reseller.token });
    expect(within.status).toBe(200);
    expect(within.body.items.length).toBeGreaterThan(0);
    const backwards = await call('GET', `/activity?from=${ago(1)}&to=${ago(2)}`, { token: reseller.token });
    expect(backwards.status).toBe(400);
    expect(backwards.body.code).toBe('VALIDATION_FAILED');
    expect(backwards.body.errors[0].path).toBe('query.to');
    // A window before this organization existed is empty.
    expect(
      (await call('GET', `/activity?from=${ago(80)}&to=${ago(70)}`, { token: reseller.token })).body.items,
    ).toEqual([]);
  });

  it('pages with limit=2: every record once, newest first; a tampered cursor is refused', async () => {
    const everything = await activityOf(reseller.token);
    const paged = (await allPages('/activity', reseller.token, 2)) as unknown as ActivityRecord[];
    expect(paged.length).toBeGreaterThan(10);
    expect(paged.map((a) => a.activityId)).toEqual(everything.map((a) => a.activityId));
    expect(new Set(paged.map((a) => a.activityId)).size).toBe(paged.length);
    for (let i = 1; i < paged.length; i++)
      expect((paged[i - 1]?.at ?? '') >= (paged[i]?.at ?? '')).toBe(true);
    const firstPage = await call('GET', '/activity?limit=1', { token: reseller.token });
    const cursor = firstPage.body.nextCursor as string;
    expect(cursor).toEqual(expect.any(String));
    for (const [what, key] of tampered(cursor, ['sk'])) {
      await expectCursorRefused('/activity', reseller.token, encodeKey(key), what);
    }
  });

  it("shows a customer's global admin the partner's acceptance inbound, not its user admin", async () => {
    const inbound = await activityOf(customer.token, '?direction=inbound');
    // Newest first: the Default admin relationship the acceptance (with delegatedAdmin) made, then the acceptance.
    expect(inbound).toEqual([
      expect.objectContaining({
        organizationId: reseller.orgId,
        customerId: customer.orgId,
        operation: 'ADMIN_RELATIONSHIP_CREATED',
        resourceType: 'adminRelationship',
        actor: { kind: 'SYSTEM' },
      }),
      expect.objectContaining({
        organizationId: reseller.orgId,
        customerId: customer.orgId,
        operation: 'INVITATION_ACCEPTED',
        resourceType: 'invitation',
        actor: userActor(customer),
      }),
    ]);
    expect(await activityOf(customer.token, '?direction=inbound&resourceType=invitation')).toHaveLength(1);
    expect(await activityOf(customer.token, '?direction=inbound&resourceType=user')).toEqual([]);

    const userAdmin = await userWithRoles(customer.token, customer.domain, 'NONE', 'USER_MANAGEMENT_ADMIN');
    const forbidden = await call('GET', '/activity?direction=inbound', { token: userAdmin.token });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.code).toBe('FORBIDDEN');
    const own = await activityOf(userAdmin.token);
    expect(own.map((a) => a.operation)).toEqual(
      expect.arrayContaining([
        'ACCOUNT_CREATED',
        'ACCOUNT_VERIFIED',
        'USER_CREATED',
        'USER_PASSWORD_CHANGED',
      ]),
    );
    expect(own.every((a) => a.organizationId === customer.orgId)).toBe(true);
    const users = await activityOf(userAdmin.token, '?resourceType=user');
    expect(users.length).toBeGreaterThan(0);
    expect(users.every((a) => a.resourceType === 'user')).toBe(true);
    expect(users.map((a) => a.operation)).not.toContain('ACCOUNT_CREATED');
  });

  it('writes no record for a refused write', async () => {
    expect(refusedRequestId).not.toBe('');
    const all = await allActivityItems();
    expect(all.filter((a) => a.requestId === refusedRequestId)).toEqual([]);
    // Its own users (a user it made on behalf of a customer names the customer).
    const created = (await storedLog(reseller.orgId)).filter(
      (a) => a.operation === 'USER_CREATED' && a.customerId === undefined,
    );
    expect(created).toHaveLength(1);
  });
});
