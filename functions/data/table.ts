import { createHash } from 'node:crypto';
import { ValidationFailedError } from '../http/errors.ts';

/**
 * The single table: its shape (shared by CDK and the local runtime) and the one
 * place that builds keys. Handlers and adapters never write a key by hand.
 */
export const TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAt',
  /** Generic overloaded GSIs; each entity documents what it puts in them. */
  indexes: [
    { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    { name: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
  ],
} as const;

export type IndexName = (typeof TABLE.indexes)[number]['name'];

/** Every item has these; `type` names the entity and `v` its schema version. */
export interface ItemBase {
  pk: string;
  sk: string;
  type: string;
  v: number;
  gsi1pk?: string;
  gsi1sk?: string;
  gsi2pk?: string;
  gsi2sk?: string;
  /** Epoch seconds; DynamoDB TTL deletes eventually, so readers still check it. */
  expiresAt?: number;
}

/** Key builders, one per access pattern. Ids are opaque strings made elsewhere. */
export const keys = {
  /** Test and benchmark probe item. */
  probe: (id: string) => ({ pk: `PROBE#${id}`, sk: 'PROBE' }),
  organization: (orgId: string) => ({ pk: `ORG#${orgId}`, sk: 'ORG' }),
  /** Uniqueness claim: one organization per domain. */
  domainClaim: (domain: string) => ({ pk: `DOMAIN#${domain.toLowerCase()}`, sk: 'CLAIM' }),
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
  /**
   * Relationships live in the partition of the organization whose list they appear on,
   * so every list is one Query on `ORG#<id>` with a sort-key prefix.
   */
  relationship: (orgId: string, kind: RelationshipKind, otherId = '', customerId?: string) => ({
    pk: `ORG#${orgId}`,
    sk: customerId === undefined ? `${kind}#${otherId}` : `${kind}#${otherId}#${customerId}`,
  }),
} as const;

/**
 * PROVIDER: a reseller's indirect providers. RESELLER: a provider's indirect resellers.
 * CUSTOMER: a reseller's customers. PARTNER: a customer's partners.
 * SHAREDWITH#<provider>#<customer>: a reseller's customers shared with a provider.
 * SHARED#<reseller>#<customer>: a provider's customers shared by a reseller.
 */
export type RelationshipKind = 'PROVIDER' | 'RESELLER' | 'CUSTOMER' | 'PARTNER' | 'SHAREDWITH' | 'SHARED';

/** Opaque list cursors: the last key, base64url; decoding checks it belongs to the same partition. */
export function encodeCursor(lastKey: Record<string, unknown> | undefined): string | undefined {
  return lastKey ? Buffer.from(JSON.stringify(lastKey), 'utf8').toString('base64url') : undefined;
}

export function decodeCursor(
  cursor: string | undefined,
  expect: Record<string, string>,
): Record<string, unknown> | undefined {
  if (!cursor) return undefined;
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  if (typeof key !== 'object' || key === null) throw new InvalidCursorError();
  for (const [name, value] of Object.entries(expect)) {
    if ((key as Record<string, unknown>)[name] !== value) throw new InvalidCursorError();
  }
  return key as Record<string, unknown>;
}

export class InvalidCursorError extends ValidationFailedError {
  constructor() {
    super(
      [{ path: 'query.cursor', message: 'is not a cursor of this list' }],
      'The cursor is not valid for this list; start again without it.',
    );
  }
}
