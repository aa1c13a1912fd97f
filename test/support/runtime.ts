import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { assertContract, parseBody, uncheckedFetch } from './contract.ts';

/** The local runtime the global setup started, and real SDK clients pointed at it. */
export const runtime = inject('runtime');
export const env = runtime.env;
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const region = 'us-east-1';

export const api = (path: string) => `${runtime.apiUrl}${path}`;

export const dynamo = DynamoDBDocumentClient.from(
  new DynamoDBClient({ endpoint: env.AWS_ENDPOINT_URL_DYNAMODB, region, credentials }),
);
export const tableName = env.TABLE_NAME ?? '';
export const sfn = new SFNClient({ endpoint: env.AWS_ENDPOINT_URL_SFN, region, credentials });

/**
 * JSON request helper: returns status, headers and the parsed body. A success answer must be
 * what the route table declares for it (see contract.ts), or the call throws.
 */
export async function call(
  method: string,
  path: string,
  opts: { body?: unknown; token?: string; headers?: Record<string, string> } = {},
) {
  const res = await uncheckedFetch(api(path), {
    method,
    headers: {
      ...(opts.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
      ...opts.headers,
    },
    ...(opts.body === undefined
      ? {}
      : { body: typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body) }),
  });
  const contentType = res.headers.get('content-type');
  const body = parseBody(contentType, await res.text());
  assertContract(method, path, { status: res.status, contentType, body });
  // biome-ignore lint/suspicious/noExplicitAny: tests read response fields freely and assert on them.
  return { status: res.status, headers: res.headers, body: body as any };
}

/** Polls until `check` returns a value other than undefined, within a bounded time. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
