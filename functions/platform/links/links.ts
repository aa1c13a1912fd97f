import { createHash, randomBytes } from 'node:crypto';
import { DomainError } from '../errors.ts';

/** 256 random bits, base64url: the secret that goes into an emailed link. */
export const newLinkToken = () => randomBytes(32).toString('base64url');

/** A link token from 32 derived bytes (LinkTokens in functions/platform/ports.ts): the same shape as a random one. */
export const linkTokenOf = (bytes: Uint8Array) => {
  if (bytes.length !== 32) throw new Error('A link token is 32 bytes');
  return Buffer.from(bytes).toString('base64url');
};

/**
 * An RFC 9562 version 8 ("custom") UUID from the first 16 of `bytes`: a derived id that looks
 * like the random (version 4) ones beside it and, like them, says nothing about what it came from.
 */
export function uuidOf(bytes: Uint8Array): string {
  if (bytes.length < 16) throw new Error('A UUID takes 16 bytes');
  const b = Buffer.from(bytes.subarray(0, 16));
  b.writeUInt8((b.readUInt8(6) & 0x0f) | 0x80, 6);
  b.writeUInt8((b.readUInt8(8) & 0x3f) | 0x80, 8);
  const hex = b.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Only this digest is stored; a leaked table does not yield working links. */
export const hashLinkToken = (token: string) =>
  createHash('sha256').update(token, 'utf8').digest('base64url');

export const DAY_SECONDS = 86_400;
export const VERIFICATION_LINK_TTL_SECONDS = 7 * DAY_SECONDS;
export const INVITATION_LINK_TTL_SECONDS = 14 * DAY_SECONDS;

export interface StoredLink {
  /** Epoch seconds. */
  expiresAt: number;
  usedAt?: string;
  /** Set when a newer link replaced this one. */
  supersededAt?: string;
}

/** An emailed link as stored: keyed by the SHA-256 of its token (the token itself is never stored). */
export interface LinkRecord extends StoredLink {
  tokenHash: string;
  kind: 'ACCOUNT_VERIFICATION' | 'ENROLLMENT_VERIFICATION' | 'INVITATION' | 'ADMIN_RELATIONSHIP';
  orgId: string;
  userId?: string;
  enrollmentId?: string;
  invitationId?: string;
  relationshipId?: string;
  createdAt: string;
}

/** Whether a stored link may be used now; throws the link error that applies. Expiry is checked here, not left to TTL. */
export function assertLinkUsable(link: StoredLink | undefined, now: Date): asserts link is StoredLink {
  if (!link || link.supersededAt) throw new DomainError('LINK_INVALID');
  if (link.usedAt) throw new DomainError('LINK_USED');
  if (link.expiresAt * 1000 <= now.getTime()) throw new DomainError('LINK_EXPIRED');
}

/** What a link refers to: its kind and the ids it acts on. */
export type LinkSubject = Pick<
  LinkRecord,
  'kind' | 'orgId' | 'userId' | 'enrollmentId' | 'invitationId' | 'relationshipId'
>;

/** The record stored for a link token: its hash only (the token itself goes out in the emailed URL). */
export const linkRecord = (
  token: string,
  subject: LinkSubject,
  now: Date,
  expiresAt: number,
): LinkRecord => ({
  tokenHash: hashLinkToken(token),
  ...subject,
  createdAt: now.toISOString(),
  expiresAt,
});
