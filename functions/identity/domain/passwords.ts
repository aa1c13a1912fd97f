import { randomBytes, randomInt, scryptSync, timingSafeEqual } from 'node:crypto';

/** Our password policy (cognito-local does not enforce the pool's, so we always check). */
export const PASSWORD_RULES = [
  { test: (p: string) => p.length >= 12, message: 'must be at least 12 characters long' },
  { test: (p: string) => /[A-Z]/.test(p), message: 'must contain an upper-case letter' },
  { test: (p: string) => /[a-z]/.test(p), message: 'must contain a lower-case letter' },
  { test: (p: string) => /\d/.test(p), message: 'must contain a digit' },
] as const;

export function passwordProblems(password: string): string[] {
  return PASSWORD_RULES.filter((rule) => !rule.test(password)).map((rule) => rule.message);
}

const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const LOWER = 'abcdefghijkmnopqrstuvwxyz';
const DIGITS = '23456789';
const ALL = UPPER + LOWER + DIGITS;

/** A 16-character temporary password from the CSPRNG, meeting the policy, without look-alike characters. */
export function generateTemporaryPassword(): string {
  const pick = (set: string) => set[randomInt(set.length)] ?? 'x';
  const chars = [pick(UPPER), pick(LOWER), pick(DIGITS), ...Array.from({ length: 13 }, () => pick(ALL))];
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j] ?? '', chars[i] ?? ''];
  }
  return chars.join('');
}

/**
 * A one-way verifier of a temporary password (scrypt, random salt). We never keep the
 * password itself; the verifier lets sign-in check a temporary password independently
 * of the identity provider and is dropped once the user sets their own.
 */
export function temporaryPasswordVerifier(password: string): string {
  const salt = randomBytes(16);
  return `scrypt:${salt.toString('base64url')}:${scryptSync(password, salt, 32).toString('base64url')}`;
}

export function matchesVerifier(password: string, verifier: string): boolean {
  const [scheme, salt, hash] = verifier.split(':');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = scryptSync(password, Buffer.from(salt, 'base64url'), expected.length);
  return timingSafeEqual(actual, expected);
}
