import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../../functions/platform/errors.ts';

/**
 * Every error code of the contexts, and every platform code their domain (and its stores)
 * throws, is asserted by a domain test. Vitest runs files in isolation, so this reads the tests'
 * sources: a code counts only in an awaited `expectCode('<CODE>', …)` or a
 * `.rejects.toMatchObject({ code: '<CODE>' …` outside comments, in a file with no skipped tests.
 */

const TEST_FILES = [
  'identity.test.ts',
  'enrollment.test.ts',
  'relationships.test.ts',
  'commerce.test.ts',
  'on-behalf.test.ts',
  'customer-users.test.ts',
  'endings.test.ts',
  'support-profile.test.ts',
  'support-tickets.test.ts',
  'support-leads.test.ts',
];
const FUNCTIONS = new URL('../../../functions/', import.meta.url);

const read = (url: URL) => readFileSync(url, 'utf8');

/** The source without comments, so a commented-out assertion does not count. */
const withoutComments = (source: string) =>
  source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:\\])\/\/.*$/gm, '$1');

/** The codes a test source asserts. */
function assertedCodes(source: string): Set<string> {
  const text = withoutComments(source);
  const patterns = [
    /\bexpectCode\(\s*'([A-Z_]+)'/g,
    /\.rejects\.toMatchObject\(\s*\{\s*code:\s*'([A-Z_]+)'/g,
  ];
  return new Set(patterns.flatMap((pattern) => [...text.matchAll(pattern)].map((match) => match[1] ?? '')));
}

/** Why a test source's assertions might not run: skipped or focused tests, an expectCode not awaited. */
function problemsOf(source: string): string[] {
  const text = withoutComments(source);
  const problems = [
    ...text.matchAll(/\b(?:it|test|describe)\.(?:skip|only|todo|fails)\b|\bx(?:it|describe)\(/g),
  ].map((match) => `uses ${match[0]}`);
  const calls = text.match(/\bexpectCode\(/g)?.length ?? 0;
  const awaited = text.match(/\b(?:await|Promise\.all\(\[[^\]]*?)\s*expectCode\(/g)?.length ?? 0;
  if (awaited !== calls) problems.push(`${calls - awaited} expectCode call(s) not awaited`);
  return problems;
}

/** The codes of `codes` that none of `sources` asserts. */
const uncovered = (codes: readonly string[], sources: string[]) => {
  const asserted = new Set(sources.flatMap((source) => [...assertedCodes(source)]));
  return codes.filter((code) => !asserted.has(code));
};

/** The platform codes thrown by the contexts' domain and stores, and the link, cursor and transaction helpers they use. */
function platformCodesTheDomainThrows(): string[] {
  const files = (readdirSync(FUNCTIONS, { recursive: true }) as string[])
    .map((file) => file.replaceAll('\\', '/'))
    .filter(
      (file) =>
        /^(identity|enrollment|relationships|commerce|on-behalf|support)\/(domain\/.*|([a-z]+-)?store)\.ts$/.test(
          file,
        ) || /^platform\/(links\/links|data\/table|data\/transact)\.ts$/.test(file),
    );
  const thrown = files.flatMap((file) =>
    [...read(new URL(file, FUNCTIONS)).matchAll(/new DomainError\(\s*'([A-Z_]+)'/g)].map((m) => m[1] ?? ''),
  );
  const platform: readonly string[] = ERROR_CODES.platform;
  return [...new Set(thrown)].filter((code) => platform.includes(code)).sort();
}

const sources = TEST_FILES.map((file) => read(new URL(file, import.meta.url)));

describe('the domain tests assert every error code', () => {
  it.each(TEST_FILES.map((file, i) => [file, sources[i] ?? '']))(
    '%s has no skipped, focused or unawaited assertions',
    (_file, source) => {
      expect(problemsOf(source)).toEqual([]);
      expect(assertedCodes(source).size).toBeGreaterThan(5);
    },
  );

  it.each(['identity', 'enrollment', 'relationships', 'commerce', 'onBehalf', 'support'] as const)(
    'every %s code',
    (context) => {
      expect(uncovered(ERROR_CODES[context], sources)).toEqual([]);
    },
  );

  it('every platform code the domain, its stores and their helpers throw', () => {
    const thrown = platformCodesTheDomainThrows();

    // The scan itself must find them: at least these are thrown today.
    expect(thrown).toEqual(
      expect.arrayContaining([
        'CONFLICT',
        'FORBIDDEN',
        'IDEMPOTENCY_IN_PROGRESS',
        'IDEMPOTENCY_KEY_REUSED',
        'LINK_EXPIRED',
        'LINK_INVALID',
        'LINK_USED',
        'NOT_FOUND',
        'RATE_LIMITED',
        'VALIDATION_FAILED',
      ]),
    );
    expect(uncovered(thrown, sources)).toEqual([]);
  });

  it('would fail for a code that is missing, commented out, or only named elsewhere', () => {
    const source = [
      "await expectCode('LINK_USED', verify());",
      "// await expectCode('LINK_EXPIRED', verify());",
      "/* await expectCode('LINK_INVALID', verify()); */",
      "await expect(accept()).rejects.toMatchObject({ code: 'ALREADY_CONNECTED' });",
      "const note = 'INVITATION_NOT_PENDING';",
    ].join('\n');

    expect(
      uncovered(
        ['LINK_USED', 'LINK_EXPIRED', 'LINK_INVALID', 'ALREADY_CONNECTED', 'INVITATION_NOT_PENDING'],
        [source],
      ),
    ).toEqual(['LINK_EXPIRED', 'LINK_INVALID', 'INVITATION_NOT_PENDING']);
    expect(problemsOf("it.skip('x', () => {}); expectCode('LINK_USED', verify());")).toEqual([
      'uses it.skip',
      '1 expectCode call(s) not awaited',
    ]);
  });
});
