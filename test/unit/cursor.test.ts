import { describe, expect, it } from 'vitest';
import {
  decodeCursor,
  encodeCursor,
  invalidCursor,
  type ListScope,
} from '../../functions/platform/data/table.ts';

const raw = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

/** The error decodeCursor throws, or undefined when it accepts the cursor. */
function rejection(cursor: string, scope: ListScope) {
  try {
    decodeCursor(cursor, scope);
    return undefined;
  } catch (error) {
    return error;
  }
}

describe('list cursors on the table (a relationship list: one partition, one sort-key prefix)', () => {
  const scope: ListScope = { partition: 'ORG#o1', sortKeyPrefix: 'CUSTOMER#' };
  const own = { pk: 'ORG#o1', sk: 'CUSTOMER#c1' };

  it('round-trips the LastEvaluatedKey of its own list', () => {
    expect(decodeCursor(encodeCursor(own), scope)).toEqual(own);
  });

  it('means the first page when absent or empty', () => {
    expect(decodeCursor(undefined, scope)).toBeUndefined();
    expect(decodeCursor('', scope)).toBeUndefined();
    expect(encodeCursor(undefined)).toBeUndefined();
  });

  it.each<[string, unknown]>([
    ['an extra attribute', { ...own, gsi1pk: 'ORG#o1#USERS' }],
    ['an extra non-key attribute', { ...own, admin: true }],
    ['a missing sort key', { pk: 'ORG#o1' }],
    ['a missing partition key', { sk: 'CUSTOMER#c1' }],
    ['a numeric sort key', { ...own, sk: 42 }],
    ['an object sort key', { ...own, sk: { S: 'CUSTOMER#c1' } }],
    ['an array sort key', { ...own, sk: ['CUSTOMER#c1'] }],
    ['a null sort key', { ...own, sk: null }],
    ['a boolean partition key', { ...own, pk: true }],
    ['an empty sort key', { ...own, sk: '' }],
    ['another partition', { ...own, pk: 'ORG#o2' }],
    ['a sort key outside the list', { ...own, sk: 'RESELLER#r1' }],
    ['a sort key over 1024 bytes', { ...own, sk: `CUSTOMER#${'é'.repeat(510)}` }],
    ['a lone surrogate', { ...own, sk: 'CUSTOMER#\ud800' }],
    ['an __proto__ attribute', JSON.parse('{"pk":"ORG#o1","sk":"CUSTOMER#c1","__proto__":{"x":1}}')],
    ['an array', ['ORG#o1', 'CUSTOMER#c1']],
    ['null', null],
    ['a string', 'ORG#o1'],
    ['a number', 7],
  ])('refuses %s with VALIDATION_FAILED on query.cursor', (_, value) => {
    const error = rejection(raw(value), scope);
    expect(error).toMatchObject(invalidCursor());
    expect(error).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ path: 'query.cursor', message: expect.any(String) }],
    });
  });

  it('refuses what is not base64url JSON', () => {
    expect(rejection('not a cursor!', scope)).toMatchObject(invalidCursor());
    expect(rejection(Buffer.from('{"pk":').toString('base64url'), scope)).toMatchObject(invalidCursor());
  });

  it('accepts a sort key with a surrogate pair and any sort key when the list has no prefix', () => {
    expect(decodeCursor(raw({ ...own, sk: 'CUSTOMER#😀' }), scope)).toEqual({ ...own, sk: 'CUSTOMER#😀' });
    expect(decodeCursor(raw({ ...own, sk: 'X' }), { partition: 'ORG#o1' })).toEqual({ ...own, sk: 'X' });
  });
});

describe('list cursors on an index (the users of an organization on gsi1)', () => {
  const scope: ListScope = { index: 'gsi1', partition: 'ORG#o1#USERS' };
  const own = { pk: 'USER#u1', sk: 'USER', gsi1pk: 'ORG#o1#USERS', gsi1sk: 'ada@acme.example' };

  it('round-trips the LastEvaluatedKey of its own list', () => {
    expect(decodeCursor(encodeCursor(own), scope)).toEqual(own);
  });

  it.each<[string, unknown]>([
    ['an extra attribute', { ...own, gsi2pk: 'ENROLLMENTS' }],
    ['the table key alone', { pk: 'USER#u1', sk: 'USER' }],
    ['a missing table sort key', { pk: own.pk, gsi1pk: own.gsi1pk, gsi1sk: own.gsi1sk }],
    ['a numeric index sort key', { ...own, gsi1sk: 1 }],
    ['an object index sort key', { ...own, gsi1sk: { S: 'x' } }],
    ['a numeric table sort key', { ...own, sk: 1 }],
    ["another organization's users", { ...own, gsi1pk: 'ORG#o2#USERS' }],
    ['the keys of another index', { pk: own.pk, sk: own.sk, gsi2pk: own.gsi1pk, gsi2sk: own.gsi1sk }],
  ])('refuses %s', (_, value) => {
    expect(rejection(raw(value), scope)).toMatchObject(invalidCursor());
  });

  it('is bound to the index it came from', () => {
    expect(rejection(raw(own), { index: 'gsi2', partition: 'ORG#o1#USERS' })).toMatchObject(invalidCursor());
    expect(rejection(raw(own), { partition: 'ORG#o1#USERS' })).toMatchObject(invalidCursor());
  });
});
