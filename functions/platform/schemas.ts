// zod/mini: functions instead of methods, so a bundle keeps only the parts of zod it uses
// (`import * as z from 'zod'` brings the whole classic API into every function).
import * as z from 'zod/mini';

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
