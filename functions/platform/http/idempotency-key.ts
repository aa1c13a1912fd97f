import { DomainError } from '../errors.ts';
/** Longer keys are refused; a UUID is 36 characters. */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 200;

/**
 * The request's `Idempotency-Key` (the stack lower-cases header names), or undefined when it
 * is absent or empty. Both mechanisms read it here: the Powertools middleware (functions/http/
 * idempotency.ts) and the creates that derive their link from it (functions/domain/invitations.ts).
 */
export function idempotencyKeyOf(
  headers: Readonly<Record<string, string | undefined>> | null | undefined,
): string | undefined {
  const key = headers?.['idempotency-key'];
  if (!key) return undefined;
  if (key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    throw invalid(`must be at most ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`);
  }
  // A header cannot carry them over HTTP; an event built by hand could, and derivation joins parts by newlines.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this refuses.
  if (/[\u0000-\u001f\u007f]/.test(key)) throw invalid('must not contain control characters');
  return key;
}

const invalid = (message: string) =>
  new DomainError('VALIDATION_FAILED', `The Idempotency-Key header ${message}; a UUID is a good key.`, {
    errors: [{ path: 'headers.idempotency-key', message }],
  });
