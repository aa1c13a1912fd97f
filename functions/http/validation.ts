import type { z } from 'zod';
import type { FieldError } from './errors.ts';

/** Every failing field of a zod error as `{ path, message }`, the path prefixed with where it came from. */
export function fieldErrors(error: z.ZodError, where: string): FieldError[] {
  return error.issues.map((issue) => ({
    path: [where, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
}
