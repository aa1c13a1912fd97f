import { createHash } from 'node:crypto';
import { DomainError } from '../errors.ts';

/**
 * The single table: its shape (shared by CDK and the local runtime) and the one
 * place that builds keys. Handlers and adapters never write a key by hand.
 */
export const TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAt',
  /** The stream that turns activity records into events (functions/consumers.ts). */
  streamViewType: 'NEW_IMAGE',
  /** Generic overloaded GSIs; each entity documents what it puts in them. */
  indexes: [
    { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    { name: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
  ],
} as const;

export type IndexName = (typeof TABLE.indexes)[number]['name'];

/** Key builders, one per access pattern. Ids are opaque strings made elsewhere. */
export const keys = {
  /** Test and benchmark probe item. */
  probe: (id: string) => ({ pk: `PROBE#${id}`, sk: 'PROBE' }),
  organization: (orgId: string) => ({ pk: `ORG#${orgId}`, sk: 'ORG' }),
  /** Uniqueness claim: one organization per domain. */
  domainClaim: (domain: string) => ({ pk: `DOMAIN#${domain.toLowerCase()}`, sk: 'CLAIM' }),
  /**
   * An address the platform no longer mails (a permanent bounce or a complaint SES reported), by
   * its lower-cased form: the mailer reads it before every send (functions/platform/mail/suppression.ts).
   */
  suppressedAddress: (address: string) => ({
    pk: `SUPPRESSED#${address.trim().toLowerCase()}`,
    sk: 'SUPPRESSED',
  }),
  /** Uniqueness claim and sign-in lookup: one user per email. */
  emailClaim: (email: string) => ({ pk: `EMAIL#${email.toLowerCase()}`, sk: 'CLAIM' }),
  /**
   * Failed sign-ins of one email (rate limit), known or not. Keyed by the SHA-256 of the
   * lower-cased email, so whatever was typed into the email field is not kept readable.
   */
  signInFailures: (email: string) => ({
    pk: `SIGNIN#${createHash('sha256').update(email.trim().toLowerCase(), 'utf8').digest('base64url')}`,
    sk: 'FAILURES',
  }),
  /** A user by id (= Cognito username), one GetItem per request to resolve the caller. */
  user: (userId: string) => ({ pk: `USER#${userId}`, sk: 'USER' }),
  /** gsi1: an organization's users, ordered by email. */
  usersOfOrganization: (orgId: string, email = '') => ({
    gsi1pk: `ORG#${orgId}#USERS`,
    gsi1sk: email.toLowerCase(),
  }),
  /** An emailed link by the SHA-256 of its token; the token itself is never stored. */
  link: (tokenHash: string) => ({ pk: `LINK#${tokenHash}`, sk: 'LINK' }),
  /** Partner network (MPN) organization profile, maintained by operators. */
  mpnProfile: (mpnId: string) => ({ pk: `MPN#${mpnId}`, sk: 'PROFILE' }),
  /** The offer catalog, one partition (a few hundred offers at most): one Query lists it. */
  offer: (offerId = '') => ({ pk: 'OFFERS', sk: `OFFER#${offerId}` }),
  /**
   * A customer's orders, in the customer's partition; gsi1: those of one buying provider, gsi2:
   * those of one reseller of record. Ids are time-ordered (UUIDv7): newest first by Query.
   */
  order: (customerId: string, orderId = '') => ({ pk: `ORG#${customerId}#ORDERS`, sk: `ORDER#${orderId}` }),
  providerOrders: (providerId: string, customerId: string, orderId = '') => ({
    gsi1pk: `ORG#${providerId}#CUSTOMER#${customerId}#ORDERS`,
    gsi1sk: orderId,
  }),
  resellerOrders: (resellerId: string, customerId: string, orderId = '') => ({
    gsi2pk: `ORG#${resellerId}#CUSTOMER#${customerId}#ORDERS`,
    gsi2sk: orderId,
  }),
  /** A customer's subscriptions, as orders: the customer's partition, gsi1 by provider, gsi2 by reseller of record. */
  subscription: (customerId: string, subscriptionId = '') => ({
    pk: `ORG#${customerId}#SUBSCRIPTIONS`,
    sk: `SUBSCRIPTION#${subscriptionId}`,
  }),
  providerSubscriptions: (providerId: string, customerId: string, subscriptionId = '') => ({
    gsi1pk: `ORG#${providerId}#CUSTOMER#${customerId}#SUBSCRIPTIONS`,
    gsi1sk: subscriptionId,
  }),
  resellerSubscriptions: (resellerId: string, customerId: string, subscriptionId = '') => ({
    gsi2pk: `ORG#${resellerId}#CUSTOMER#${customerId}#SUBSCRIPTIONS`,
    gsi2sk: subscriptionId,
  }),
  /**
   * A delegated admin relationship by id; gsi1: the partner's (outbound) list, gsi2: the
   * customer's (inbound) list, newest first.
   */
  adminRelationship: (relationshipId: string) => ({ pk: `ADMINREL#${relationshipId}`, sk: 'ADMINREL' }),
  outboundAdminRelationships: (partnerId: string, createdAt = '', relationshipId = '') => ({
    gsi1pk: `ORG#${partnerId}#ADMINRELS_OUT`,
    gsi1sk: createdAt ? `${createdAt}#${relationshipId}` : '',
  }),
  inboundAdminRelationships: (customerId: string, createdAt = '', relationshipId = '') => ({
    gsi2pk: `ORG#${customerId}#ADMINRELS_IN`,
    gsi2sk: createdAt ? `${createdAt}#${relationshipId}` : '',
  }),
  /**
   * What a partner may do in one customer's organization: one item per ACTIVE relationship (its
   * roles and end), in one partition read strongly by every on-behalf call; display names are
   * claimed in the same partition while their relationship is pending or active.
   */
  adminGrant: (partnerId: string, customerId: string, relationshipId = '') => ({
    pk: `ORG#${partnerId}#ADMIN#${customerId}`,
    sk: `GRANT#${relationshipId}`,
  }),
  adminName: (partnerId: string, customerId: string, displayName: string) => ({
    pk: `ORG#${partnerId}#ADMIN#${customerId}`,
    sk: `NAME#${displayName.trim().toLowerCase()}`,
  }),
  /** Uniqueness claim: an MPN ID is linked to one organization. */
  mpnClaim: (mpnId: string) => ({ pk: `MPN#${mpnId}`, sk: 'CLAIM' }),
  enrollment: (enrollmentId: string) => ({ pk: `ENROLLMENT#${enrollmentId}`, sk: 'ENROLLMENT' }),
  /** At most one open enrollment per organization. */
  openEnrollment: (orgId: string) => ({ pk: `ORG#${orgId}`, sk: 'OPEN_ENROLLMENT' }),
  /** Verification emails re-sent on one UTC day. */
  resendCounter: (enrollmentId: string, day: string) => ({
    pk: `ENROLLMENT#${enrollmentId}`,
    sk: `RESENDS#${day}`,
  }),
  /** gsi1: enrollments by status, oldest first; gsi2: all enrollments, oldest first. */
  enrollmentsByStatus: (status: string, createdAt = '', enrollmentId = '') => ({
    gsi1pk: `ENROLLMENTS#${status}`,
    gsi1sk: createdAt ? `${createdAt}#${enrollmentId}` : '',
  }),
  allEnrollments: (createdAt = '', enrollmentId = '') => ({
    gsi2pk: 'ENROLLMENTS',
    gsi2sk: createdAt ? `${createdAt}#${enrollmentId}` : '',
  }),
  invitation: (invitationId: string) => ({ pk: `INVITATION#${invitationId}`, sk: 'INVITATION' }),
  /** gsi1: invitations an organization sent; gsi2: invitations addressed to a domain. Newest first by query. */
  invitationsSent: (orgId: string, createdAt = '', invitationId = '') => ({
    gsi1pk: `ORG#${orgId}#INVITATIONS_SENT`,
    gsi1sk: createdAt ? `${createdAt}#${invitationId}` : '',
  }),
  invitationsReceived: (domain: string, createdAt = '', invitationId = '') => ({
    gsi2pk: `DOMAIN#${domain.toLowerCase()}#INVITATIONS`,
    gsi2sk: createdAt ? `${createdAt}#${invitationId}` : '',
  }),
  /** Invitations an organization sent in one UTC hour (rate limit). */
  invitationCounter: (orgId: string, hour: string) => ({ pk: `ORG#${orgId}`, sk: `INVITES#${hour}` }),
  /** An organization's webhooks, in its own partition (one Query lists them). */
  webhook: (orgId: string, webhookId = '') => ({ pk: `ORG#${orgId}`, sk: `WEBHOOK#${webhookId}` }),
  /**
   * An event queued for one webhook, until delivered or given up: sorted by resource, then
   * time, so the oldest still owed for a resource is the first of its prefix.
   */
  webhookQueue: (
    orgId: string,
    webhookId: string,
    resource: { type: string; id: string },
    at = '',
    eventId = '',
  ) => ({
    pk: `ORG#${orgId}#WEBHOOK#${webhookId}`,
    sk: `QUEUE#${resource.type}#${resource.id}#${at ? `${at}#${eventId}` : ''}`,
  }),
  /** One delivery attempt to a webhook (kept 30 days), listed newest event first. */
  webhookDelivery: (orgId: string, webhookId: string, at = '', eventId = '', attempt?: number) => ({
    pk: `ORG#${orgId}#WEBHOOK#${webhookId}`,
    sk: `DELIVERY#${at ? `${at}#${eventId}#${attempt === undefined ? '' : String(attempt).padStart(2, '0')}` : ''}`,
  }),
  /** An organization's activity log, newest last in the partition (queried newest first); 400-day TTL. */
  activity: (orgId: string, at = '', activityId = '') => ({
    pk: `ORG#${orgId}#ACTIVITY`,
    sk: at ? `${at}#${activityId}` : '',
  }),
  /** gsi1: what partners did in a customer's organization (records that name the customer). */
  inboundActivity: (customerId: string, at = '', activityId = '') => ({
    gsi1pk: `ORG#${customerId}#INBOUND`,
    gsi1sk: at ? `${at}#${activityId}` : '',
  }),
  /**
   * Relationships live in the partition of the organization whose list they appear on,
   * so every list is one Query on `ORG#<id>` with a sort-key prefix. `subId` is the
   * second id of a row that pairs two (see RelationshipKind in functions/relationships/domain/model.ts).
   */
  relationship: (orgId: string, kind: string, otherId = '', subId?: string) => ({
    pk: `ORG#${orgId}`,
    sk: subId === undefined ? `${kind}#${otherId}` : `${kind}#${otherId}#${subId}`,
  }),
  // ---- Partner operations (functions/support/), profile area: partner profile, provider listing and directory, contact requests.
  /** An organization's partner profile once changed (until then it is read from its enrollment). */
  partnerProfile: (orgId: string) => ({ pk: `ORG#${orgId}`, sk: 'PARTNER_PROFILE' }),
  /** An indirect provider's directory listing, as it last published it. */
  providerListing: (providerId: string) => ({ pk: `ORG#${providerId}`, sk: 'PROVIDER_LISTING' }),
  /**
   * The provider directory: one entry per listing and country, and one per listing, country and
   * service, each partition sorted by name then provider id, so a search is one Query.
   */
  directoryEntry: (country: string, service?: string, nameKey = '', providerId = '') => ({
    pk: service ? `DIRECTORY#${country}#${service}` : `DIRECTORY#${country}`,
    sk: providerId ? `LISTING#${nameKey}#${providerId}` : 'LISTING#',
  }),
  /** Contact requests an organization sent on one UTC day (rate limit). */
  contactRequestCounter: (orgId: string, day: string) => ({
    pk: `ORG#${orgId}`,
    sk: `CONTACT_REQUESTS#${day}`,
  }),
  // ---- Partner operations, ticket area: service incidents, service requests and support tickets.
  /**
   * A service incident, platform-wide; gsi1: every incident by its last update, gsi2: the unresolved
   * ones by their last update (sparse: a RESOLVED incident has no gsi2 keys). Service health reads
   * the updates since its window's start on gsi1, then the unresolved ones updated before it on gsi2.
   */
  serviceIncident: (incidentId: string) => ({ pk: `INCIDENT#${incidentId}`, sk: 'INCIDENT' }),
  incidentsByUpdate: (updatedAt = '', incidentId = '') => ({
    gsi1pk: 'INCIDENTS',
    gsi1sk: updatedAt ? `${updatedAt}#${incidentId}` : '',
  }),
  unresolvedIncidents: (updatedAt = '', incidentId = '') => ({
    gsi2pk: 'INCIDENTS#UNRESOLVED',
    gsi2sk: updatedAt ? `${updatedAt}#${incidentId}` : '',
  }),
  /**
   * A ticket (service request or support ticket) by id, notes included; gsi1: its organization's
   * list (support tickets, or service requests of one customer), gsi2: the operators' queue of its
   * status. Both sorted by creation.
   */
  ticket: (ticketId: string) => ({ pk: `TICKET#${ticketId}`, sk: 'TICKET' }),
  supportTicketsOf: (orgId: string, createdAt = '', ticketId = '') => ({
    gsi1pk: `ORG#${orgId}#SUPPORT_TICKETS`,
    gsi1sk: createdAt ? `${createdAt}#${ticketId}` : '',
  }),
  serviceRequestsOf: (orgId: string, customerId: string, createdAt = '', ticketId = '') => ({
    gsi1pk: `ORG#${orgId}#CUSTOMER#${customerId}#SERVICE_REQUESTS`,
    gsi1sk: createdAt ? `${createdAt}#${ticketId}` : '',
  }),
  ticketQueue: (status: string, createdAt = '', ticketId = '') => ({
    gsi2pk: `TICKETS#${status}`,
    gsi2sk: createdAt ? `${createdAt}#${ticketId}` : '',
  }),
  // ---- Partner operations, lead area: leads.
  /** An organization's leads, in a partition of their own; ids are UUIDv7, so a Query reads them newest first. */
  lead: (orgId: string, leadId = '') => ({ pk: `ORG#${orgId}#LEADS`, sk: `LEAD#${leadId}` }),
  /** The lead an invitation was made from (the stream consumer that marks the lead WON reads it). */
  leadOfInvitation: (invitationId: string) => ({ pk: `LEAD_INVITATION#${invitationId}`, sk: 'LEAD' }),
} as const;

/** DynamoDB's limits on one key attribute value (UTF-8 bytes). */
const MAX_PARTITION_KEY_BYTES = 2048;
const MAX_SORT_KEY_BYTES = 1024;

/**
 * What one list Query reads: the table or one of its indexes, one partition (the value
 * of that table's or index's partition key), and the sort-key prefix of its key
 * condition, if it has one. A cursor is valid only for the scope it came from.
 */
export interface ListScope {
  index?: IndexName;
  partition: string;
  sortKeyPrefix?: string;
  /** Sort keys from the first to the second, inclusive (time windows of keys that start with a time). */
  sortKeyRange?: readonly [string, string];
}

/** Opaque list cursors: the Query's LastEvaluatedKey as base64url JSON. */
export function encodeCursor(lastKey: Record<string, unknown> | undefined): string | undefined {
  return lastKey ? Buffer.from(JSON.stringify(lastKey), 'utf8').toString('base64url') : undefined;
}

/**
 * The ExclusiveStartKey a cursor stands for, checked whole before DynamoDB sees it: a
 * JSON object holding exactly the key attributes of the table or index queried (pk, sk,
 * plus the index's own pair), every value a non-empty string within DynamoDB's key
 * limits, the partition equal to the query's own and the sort key inside its prefix.
 * Anything else is a client's mistake (or tampering): VALIDATION_FAILED on `query.cursor`,
 * never a DynamoDB ValidationException turned into a 500, never another partition.
 */
export function decodeCursor(
  cursor: string | undefined,
  scope: ListScope,
): Record<string, string> | undefined {
  const record = cursorKey(cursor, scope.index);
  if (record === undefined) return undefined;
  const index = scope.index === undefined ? undefined : TABLE.indexes.find((i) => i.name === scope.index);
  const partitionKey = index?.partitionKey ?? TABLE.partitionKey;
  const sortKey = index?.sortKey ?? TABLE.sortKey;
  if (record[partitionKey] !== scope.partition) throw invalidCursor();
  if (scope.sortKeyPrefix !== undefined && !String(record[sortKey]).startsWith(scope.sortKeyPrefix))
    throw invalidCursor();
  const [first, last] = scope.sortKeyRange ?? [];
  if (first !== undefined && last !== undefined) {
    const value = String(record[sortKey]);
    if (value < first || value > last) throw invalidCursor();
  }
  return record;
}

/** The ExclusiveStartKey of a cursor of a Scan of the whole table (operators' one-off migrations): a table key. */
export const decodeScanCursor = (cursor: string | undefined) => cursorKey(cursor, undefined);

/** A cursor's key: exactly the key attributes of the table or index, each a valid key string. */
function cursorKey(cursor: string | undefined, indexName: IndexName | undefined) {
  if (cursor === undefined || cursor === '') return undefined;
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (typeof key !== 'object' || key === null || Array.isArray(key)) throw invalidCursor();
  const index = indexName === undefined ? undefined : TABLE.indexes.find((i) => i.name === indexName);
  if (indexName !== undefined && index === undefined) throw new Error(`Unknown index ${indexName}`);
  const limits: Record<string, number> = {
    [TABLE.partitionKey]: MAX_PARTITION_KEY_BYTES,
    [TABLE.sortKey]: MAX_SORT_KEY_BYTES,
    ...(index ? { [index.partitionKey]: MAX_PARTITION_KEY_BYTES, [index.sortKey]: MAX_SORT_KEY_BYTES } : {}),
  };
  const record = key as Record<string, unknown>;
  const names = Object.keys(record);
  if (names.length !== Object.keys(limits).length) throw invalidCursor();
  for (const name of names) {
    const limit = Object.hasOwn(limits, name) ? limits[name] : undefined;
    const value = record[name];
    if (limit === undefined || !isKeyString(value, limit)) throw invalidCursor();
  }
  return record as Record<string, string>;
}

/** A value DynamoDB accepts as a string key: non-empty, well-formed UTF-16 (no lone surrogate), within `maxBytes`. */
function isKeyString(value: unknown, maxBytes: number): value is string {
  return (
    typeof value === 'string' &&
    value !== '' &&
    !/\p{Cs}/u.test(value) &&
    Buffer.byteLength(value, 'utf8') <= maxBytes
  );
}

/** A cursor that is not this list's own (tampered, or from another list or organization). */
export const invalidCursor = () =>
  new DomainError('VALIDATION_FAILED', 'The cursor is not valid for this list; start again without it.', {
    errors: [{ path: 'query.cursor', message: 'is not a cursor of this list' }],
  });
