import { expect } from 'vitest';

/** An answer's problem+json: status, stable code, and (given `path`) the field at fault among `errors`. */
export function expectProblem(
  res: { status: number; body: { code?: string; errors?: Array<{ path: string }> } },
  status: number,
  code: string,
  path?: string,
) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body.code).toBe(code);
  if (path !== undefined) expect(res.body.errors?.map((e) => e.path)).toContain(path);
}
