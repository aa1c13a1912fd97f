// zod/mini: functions instead of methods, so a bundle keeps only the parts of zod it uses
// (`import * as z from 'zod'` brings the whole classic API into every function).
import * as z from 'zod/mini';
import { isCountryCode } from './countries.ts';

export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.int(),
    code: z.string(),
    detail: z.string(),
    errors: z.optional(z.array(z.object({ path: z.string(), message: z.string() }))),
    requestId: z.string(),
  })
  .register(z.globalRegistry, { id: 'Problem' });

export const Health = z.object({ status: z.literal('ok') }).register(z.globalRegistry, { id: 'Health' });

export const Session = z
  .object({
    sub: z.string(),
    username: z.string(),
    groups: z.array(z.string()),
  })
  .register(z.globalRegistry, { id: 'Session' });

export const Email = z
  .pipe(z.string().check(z.trim(), z.toLowerCase()), z.email({ message: 'must be an email address' }))
  .register(z.globalRegistry, { example: 'admin@contoso.com' });

export const Country = z
  .string()
  .check(
    z.trim(),
    z.toUpperCase(),
    z.refine(isCountryCode, { message: 'must be an ISO 3166-1 alpha-2 country code, e.g. "US" or "ES"' }),
  )
  .register(z.globalRegistry, { example: 'ES' });

export const TokenBody = z.object({
  token: z.string().check(z.minLength(1, { message: 'is required' }), z.maxLength(200)),
});
/** The query of an emailed link's page: without a token the page says the link is not valid. */
export const LinkPageQuery = z.object({ token: z.optional(z.string().check(z.maxLength(200))) });

export const ListQuery = z.object({
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100)), 25),
  cursor: z.optional(z.string().check(z.maxLength(2000))),
});
export const listOf = <T extends z.core.$ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.optional(z.string()) });
