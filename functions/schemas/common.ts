// A namespace import lets the bundler keep only the parts of zod in use (`import { z }` keeps all of it).
import * as z from 'zod';

export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string(),
    detail: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    requestId: z.string(),
  })
  .meta({ id: 'Problem' });

export const Health = z.object({ status: z.literal('ok') }).meta({ id: 'Health' });

export const Session = z
  .object({
    sub: z.string(),
    username: z.string(),
    groups: z.array(z.string()),
  })
  .meta({ id: 'Session' });
