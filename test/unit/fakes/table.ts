import { decodeCursor, encodeCursor, type ListScope } from '../../../functions/platform/data/table.ts';
import { DomainError } from '../../../functions/platform/errors.ts';
import type { Page } from '../../../functions/platform/ports.ts';

/**
 * What the in-memory stores share with the single DynamoDB table they stand for: copies on
 * every read and write, all-or-nothing transactions, and Query pages with the real cursors.
 */

/** A copy, as a round trip through the table makes: callers never share objects with a store. */
export const copy = <T>(value: T): T => structuredClone(value);

/** Sets `changes` on a stored item (one whose condition held, so it exists). */
export function update<T extends object>(item: T | undefined, changes: Partial<T>): void {
  if (item) Object.assign(item, changes);
}

/** One item of a transaction: its condition (if any), the error its failure builds, its write. */
export interface Step {
  holds?: () => boolean;
  onFail?: (() => Error) | undefined;
  write?: () => void;
}

/**
 * TransactWriteItems as functions/platform/data/transact.ts turns it into domain errors: every
 * condition is checked before anything is written; the first that fails throws the error of its
 * position, or CONFLICT when that position has none, and nothing is written.
 */
export function transact(steps: Step[]): void {
  const failed = steps.find((step) => step.holds && !step.holds());
  if (failed) {
    throw failed.onFail?.() ?? new DomainError('CONFLICT', 'The data changed meanwhile; reload and retry.');
  }
  for (const step of steps) step.write?.();
}

/** The error a single-item conditional write that is not wrapped by the adapter throws. */
export const conditionalCheckFailed = () =>
  Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' });

export interface QueryOptions<T> {
  /** The item's full key in the table or index queried: what LastEvaluatedKey holds. */
  keyOf: (item: T) => Record<string, string>;
  /** The attribute the index sorts by. */
  sortKey: string;
  /** The list's scope, as the adapter passes it to decodeCursor. */
  scope: ListScope;
  limit: number;
  cursor?: string | undefined;
  /** ScanIndexForward: false (newest first). */
  descending?: boolean;
  /** A FilterExpression: applied after Limit, so a page may hold fewer items (even none). */
  filter?: (item: T) => boolean;
}

/**
 * One page of a Query, as DynamoDB answers it: at most `limit` items read after the cursor's
 * key, then filtered; a cursor (the real encodeCursor of the last key read) whenever the limit
 * was reached, even if nothing follows; a cursor of another list refused like the adapters do.
 */
export function query<T>(items: Iterable<T>, opts: QueryOptions<T>): Page<T> {
  const start = decodeCursor(opts.cursor, opts.scope);
  const sortOf = (item: T) => opts.keyOf(item)[opts.sortKey] ?? '';
  const direction = opts.descending ? -1 : 1;
  const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0) * direction;
  const after = start?.[opts.sortKey];
  const rest = [...items]
    .sort((a, b) => compare(sortOf(a), sortOf(b)))
    .filter((item) => after === undefined || compare(sortOf(item), after) > 0);
  const read = rest.slice(0, opts.limit);
  const page = read.filter(opts.filter ?? (() => true)).map(copy);
  const last = read.length === opts.limit ? read.at(-1) : undefined;
  const nextCursor = last === undefined ? undefined : encodeCursor(opts.keyOf(last));
  return nextCursor ? { items: page, nextCursor } : { items: page };
}
