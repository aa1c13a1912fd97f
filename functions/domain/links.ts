import { createHash, randomBytes } from 'node:crypto';
import { ConflictError, ProblemError } from '../http/errors.ts';

/** 256 random bits, base64url: the secret that goes into an emailed link. */
export const newLinkToken = () => randomBytes(32).toString('base64url');

/** Only this digest is stored; a leaked table does not yield working links. */
export const hashLinkToken = (token: string) =>
  createHash('sha256').update(token, 'utf8').digest('base64url');

export const DAY_SECONDS = 86_400;
export const VERIFICATION_LINK_TTL_SECONDS = 7 * DAY_SECONDS;
export const INVITATION_LINK_TTL_SECONDS = 14 * DAY_SECONDS;

export class LinkInvalidError extends ProblemError {
  constructor() {
    super(
      404,
      'LINK_INVALID',
      'Link not valid',
      'This link is not valid. Check that you copied the whole link, or ask for a new one.',
    );
  }
}
export class LinkExpiredError extends ProblemError {
  constructor() {
    super(410, 'LINK_EXPIRED', 'Link expired', 'This link has expired. Ask for a new one.');
  }
}
export class LinkUsedError extends ConflictError {
  constructor() {
    super('LINK_USED', 'This link has already been used. Sign in to continue.');
  }
}

export interface StoredLink {
  /** Epoch seconds. */
  expiresAt: number;
  usedAt?: string;
  /** Set when a newer link replaced this one. */
  supersededAt?: string;
}

/** Whether a stored link may be used now; throws the link error that applies. Expiry is checked here, not left to TTL. */
export function assertLinkUsable(link: StoredLink | undefined, now: Date): asserts link is StoredLink {
  if (!link || link.supersededAt) throw new LinkInvalidError();
  if (link.usedAt) throw new LinkUsedError();
  if (link.expiresAt * 1000 <= now.getTime()) throw new LinkExpiredError();
}
