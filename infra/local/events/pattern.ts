/**
 * The part of the EventBridge pattern language the platform uses, for the bus rules and the
 * Lambda filters of the local stand-ins: a pattern is an object whose leaves are lists of exact
 * values. A leaf matches when the event's value at that path is one of them (or, when that value
 * is an array, when one of its elements is); every field of the pattern must match; fields the
 * pattern does not name are ignored. Anything else in a pattern (prefix, numeric, exists, …) is
 * refused when the stand-in starts, so a rule the local matcher cannot read fails here, not on AWS.
 */

export type ExactPattern = {
  readonly [field: string]: ReadonlyArray<string | number | boolean | null> | ExactPattern;
};

/** Throws unless `pattern` is made of exact-value lists only. */
export function assertExactPattern(pattern: unknown, where: string): asserts pattern is ExactPattern {
  if (typeof pattern !== 'object' || pattern === null || Array.isArray(pattern))
    throw new Error(`${where}: a pattern is an object`);
  for (const [field, value] of Object.entries(pattern)) {
    if (Array.isArray(value)) {
      if (value.length === 0 || value.some((v) => v !== null && typeof v === 'object'))
        throw new Error(`${where}.${field}: only non-empty lists of exact values are understood locally`);
    } else {
      assertExactPattern(value, `${where}.${field}`);
    }
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Whether `event` (a parsed JSON value) matches `pattern`. */
export function matchesPattern(pattern: ExactPattern, event: unknown): boolean {
  if (!isRecord(event)) return false;
  return Object.entries(pattern).every(([field, expected]) => {
    const actual = event[field];
    if (!Array.isArray(expected)) return matchesPattern(expected as ExactPattern, actual);
    const values: unknown[] = Array.isArray(actual) ? actual : [actual];
    return values.some((v) => v !== undefined && expected.includes(v as string));
  });
}
