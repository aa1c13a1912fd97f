import { expect } from 'vitest';
import { call } from './runtime.ts';

const decode = (cursor: string) =>
  JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
export const encodeKey = (key: unknown) => Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');

/** `path` with `limit=1` and the cursor. */
export const withCursor = (path: string, cursor: string) =>
  `${path}${path.includes('?') ? '&' : '?'}limit=1&cursor=${encodeURIComponent(cursor)}`;

/** A list's own cursor, changed the ways a client might tamper with it: [what, the changed key]. */
export function tampered(cursor: string, sortKeys: string[]): Array<[string, unknown]> {
  const key = decode(cursor);
  return [
    ['an extra attribute', { ...key, extra: 'x' }],
    ...sortKeys.flatMap(
      (sk): Array<[string, unknown]> => [
        [`a numeric ${sk}`, { ...key, [sk]: 7 }],
        [`an object ${sk}`, { ...key, [sk]: { S: String(key[sk]) } }],
      ],
    ),
  ];
}

/** The list answers 400 VALIDATION_FAILED on query.cursor for this cursor. */
export async function expectCursorRefused(path: string, token: string, cursor: string, what: string) {
  const res = await call('GET', withCursor(path, cursor), { token });
  expect(res.status, `${what}: ${JSON.stringify(res.body)}`).toBe(400);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  expect(res.body).toMatchObject({
    code: 'VALIDATION_FAILED',
    status: 400,
    errors: [{ path: 'query.cursor', message: expect.any(String) }],
  });
}
