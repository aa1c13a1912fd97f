import { DomainError } from '../functions/platform/errors.ts';
import { internalProblemBody, payloadTooLarge, problemBody } from '../functions/platform/http/problems.ts';

/**
 * What the gateway itself answers, before or instead of a function: one table used by the
 * CDK stack (API Gateway gateway responses) and by the local gateway, so both answer alike.
 */

/** The largest request API Gateway (REST) accepts; functions refuse far smaller bodies themselves. */
export const GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024;

/** Headers of every gateway answer: the ones the functions' middy stack sets on JSON responses. */
export const GATEWAY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'application/problem+json',
  'Cache-Control': 'no-store',
  'Origin-Agent-Cluster': '?1',
  'Referrer-Policy': 'no-referrer',
  'Strict-Transport-Security': 'max-age=15552000; includeSubDomains; preload',
  'X-Content-Type-Options': 'nosniff',
  'X-DNS-Prefetch-Control': 'off',
  'X-Download-Options': 'noopen',
  'X-Permitted-Cross-Domain-Policies': 'none',
};

export interface GatewayResponse {
  /** Construct id in the stack. */
  id: string;
  /** API Gateway's ResponseType. */
  type: string;
  status: number;
  /** The problem+json body for a request id. */
  body(requestId: string): Record<string, unknown>;
  /** Beyond GATEWAY_HEADERS. */
  headers?: Readonly<Record<string, string>>;
}

const problem = (error: DomainError) => (requestId: string) => problemBody(error, requestId);

/** Seconds a throttled client waits; API Gateway's token bucket refills every second. */
const THROTTLE_RETRY_AFTER_SECONDS = 1;

export const GATEWAY_RESPONSES = {
  unauthorized: {
    id: 'Unauthorized',
    type: 'UNAUTHORIZED',
    status: 401,
    body: problem(new DomainError('UNAUTHENTICATED')),
  },
  accessDenied: {
    id: 'AccessDenied',
    type: 'ACCESS_DENIED',
    status: 403,
    body: problem(new DomainError('FORBIDDEN')),
  },
  wafFiltered: {
    id: 'WafFiltered',
    type: 'WAF_FILTERED',
    status: 403,
    body: problem(new DomainError('FORBIDDEN', 'The request was blocked.')),
  },
  // API Gateway answers an unknown path, or a known path with another method, this way; the contract says 404.
  noRoute: {
    id: 'NoRoute',
    type: 'MISSING_AUTHENTICATION_TOKEN',
    status: 404,
    body: problem(
      new DomainError('NOT_FOUND', 'No operation at this path with this method; see GET /openapi.json.'),
    ),
  },
  requestTooLarge: {
    id: 'RequestTooLarge',
    type: 'REQUEST_TOO_LARGE',
    status: 413,
    body: problem(payloadTooLarge(GATEWAY_MAX_BODY_BYTES)),
  },
  throttled: {
    id: 'Throttled',
    type: 'THROTTLED',
    status: 429,
    body: problem(
      new DomainError('RATE_LIMITED', 'Too many requests; wait a moment and retry.', {
        retryAfterSeconds: THROTTLE_RETRY_AFTER_SECONDS,
      }),
    ),
    headers: { 'Retry-After': String(THROTTLE_RETRY_AFTER_SECONDS) },
  },
  // A function that fails or times out: nothing of the error leaves, only the request id.
  default5xx: { id: 'Default5xx', type: 'DEFAULT_5XX', status: 500, body: internalProblemBody },
} as const satisfies Record<string, GatewayResponse>;
