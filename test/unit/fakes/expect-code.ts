import { expect } from 'vitest';
import { DomainError, type ErrorCode } from '../../../functions/platform/errors.ts';

/**
 * Awaits `promise`, which must reject with a DomainError of `code`, and returns that error for
 * further assertions (detail, fields, what was written). The code comes first, as a literal:
 * test/unit/domain/codes.test.ts reads the domain tests for `expectCode('<CODE>'`.
 */
export async function expectCode<C extends ErrorCode>(
  code: C,
  promise: Promise<unknown>,
): Promise<DomainError<C>> {
  const outcome = await promise.then(
    (value: unknown) => ({ settled: 'resolved' as const, value }),
    (error: unknown) => ({ settled: 'rejected' as const, error }),
  );
  if (outcome.settled === 'resolved') {
    return expect.unreachable(`expected ${code}, but it resolved with ${JSON.stringify(outcome.value)}`);
  }
  const { error } = outcome;
  if (!(error instanceof DomainError)) {
    return expect.unreachable(`expected ${code}, but it threw ${String(error)}`);
  }
  expect(error.code, `${error.code}: ${error.detail ?? ''}`).toBe(code);
  return error as DomainError<C>;
}
