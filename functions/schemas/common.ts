import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

extendZodWithOpenApi(z);

export { z };

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
  .openapi('Problem');

export const Health = z.object({ status: z.literal('ok') }).openapi('Health');

export const Session = z
  .object({
    sub: z.string(),
    username: z.string(),
    groups: z.array(z.string()),
  })
  .openapi('Session');
