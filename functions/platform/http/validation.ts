import { en } from 'zod/locales';
import * as z from 'zod/mini';
import type { FieldError } from '../errors.ts';

// zod/mini ships without a locale; English gives zod's own issues their readable messages
// ("Too big: expected string to have <=200 characters"), as classic zod does by default.
// A named import: `z.locales.en` would bring every locale into the bundle (~190 KB).
z.config(en());

/** Every failing field of a zod error as `{ path, message }`, the path prefixed with where it came from. */
export function fieldErrors(error: z.core.$ZodError, where: string): FieldError[] {
  return error.issues.map((issue) => ({
    path: [where, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
}
