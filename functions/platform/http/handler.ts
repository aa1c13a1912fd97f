import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import httpSecurityHeaders from '@middy/http-security-headers';
import httpUrlEncodeBodyParser from '@middy/http-urlencode-body-parser';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import * as z from 'zod/mini';
import { type Actor, asActor } from '../audit.ts';
import { OPERATORS_GROUP } from '../auth-groups.ts';
import { withCorrelation } from '../correlation.ts';
import { DomainError, type FieldError } from '../errors.ts';
import { logger } from '../logger.ts';
import { hasPermission, type Roles } from '../roles.ts';
import type { RouteSpec } from '../route-spec.ts';
import { internalProblemBody, payloadTooLarge, problemResponse } from './problems.ts';
import { fieldErrors } from './validation.ts';

/** Who calls, as the Cognito authorizer (or the local gateway) verified it. Nothing here comes from the body. */
export interface Caller {
  sub: string;
  username: string;
  groups: string[];
}

type Infer<S> = S extends z.core.$ZodType ? z.infer<S> : undefined;

/**
 * The caller as a context knows it (identity's stored partner user): the stack needs only its
 * roles to check a route's access, and hands the whole of it to the handler.
 */
export interface PrincipalLike {
  user: Roles & { id: string; email: string };
}

export interface HandlerRequest<R extends RouteSpec, P extends PrincipalLike = PrincipalLike> {
  body: Infer<NonNullable<R['request']>['body']>;
  query: Infer<NonNullable<R['request']>['query']>;
  params: Infer<NonNullable<R['request']>['params']>;
  /** Present on every route whose auth is not `public`. */
  caller: R['auth'] extends 'public' ? Caller | undefined : Caller;
  /** The partner user behind the token, on routes whose permission needs one. */
  principal: R['permission'] extends 'ANY_SIGNED_IN' | undefined ? undefined : P;
  headers: Record<string, string | undefined>;
  requestId: string;
  event: APIGatewayProxyEvent;
}

type Headers = Record<string, string>;

/**
 * A page. Its status is the declared one, or a refusal's (a DomainError's status, rendered as
 * a page rather than problem+json), which is only known at run time: so any number.
 */
export interface PageResult {
  status: number;
  html: string;
  headers?: Headers;
}

/**
 * What a route's handler returns, from its table entry: an HTML route returns a page; a JSON
 * route returns its declared literal `status` with, when it declares a `schema`, a `body` that
 * is the schema's input (what parsing the serialized body accepts: handlers build plain
 * objects, dates as ISO strings; input and output coincide for the response schemas today), and
 * without one any body or none. A page comes back from a JSON route only where it declares
 * `formPage`. No other status is allowed: each JSON route has one success answer (a replay of
 * an idempotent create answers the first response, with the same status) and errors are
 * thrown, not returned. Errors rendered as pages are why a page's status is any number.
 *
 * (Written as a union over an intersection rather than one conditional type, so that the
 * object literal a handler returns keeps `status: 201` a literal against its context. A
 * literal inside the body, checked while the route's type is still being inferred, widens
 * unless written `as const`: `{ status: 'ok' as const }`.)
 */
export type ResultOf<R extends RouteSpec> =
  | ({ status: R['response']['status']; headers?: Headers } & JsonPayload<R['response']>)
  | PageOf<R['response']>;
type JsonPayload<Res extends RouteSpec['response']> = Res extends { contentType: 'text/html' }
  ? never
  : Res extends { schema: infer S extends z.core.$ZodType }
    ? { body: z.input<S> }
    : { body?: unknown };
type PageOf<Res extends RouteSpec['response']> = Res extends { contentType: 'text/html' } | { formPage: true }
  ? PageResult
  : never;

/** Any route's result, as the stack turns it into a response. */
export type HttpResult = { status: number; body?: unknown; headers?: Headers } | PageResult;

type Request = middy.Request<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context>;
type Middleware = middy.MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult>;

/**
 * What some routes need beyond the shared stack, passed in by their handler module so that
 * a bundle holds only what its route uses (the principal loader and idempotency both reach
 * the table). Missing ones are refused when the module loads, so the bundle test sees it.
 */
export interface HandlerExtensions<P extends PrincipalLike = PrincipalLike> {
  /** The stored partner user behind a verified token: routes whose access names a permission or role. */
  loadPrincipal?: (caller: Caller) => Promise<P | undefined>;
  /** The Idempotency-Key middleware: routes marked `idempotent`. */
  idempotency?: (routeId: string) => Middleware;
}

/** Request bodies above this answer 413 (the HTML forms and every JSON body of the contract need far less). */
export const MAX_BODY_BYTES = 64 * 1024;

function requestIdOf(request: Request): string {
  return request.event.requestContext?.requestId ?? request.context.awsRequestId ?? 'unknown';
}

function callerOf(event: APIGatewayProxyEvent): Caller | undefined {
  const claims = event.requestContext?.authorizer?.claims as Record<string, unknown> | undefined;
  if (!claims || typeof claims.sub !== 'string') return undefined;
  const rawGroups = claims['cognito:groups'];
  const groups = Array.isArray(rawGroups)
    ? rawGroups.map(String)
    : typeof rawGroups === 'string' && rawGroups !== ''
      ? rawGroups
          .replace(/^\[|\]$/g, '')
          .split(/[ ,]+/)
          .filter(Boolean)
      : [];
  const username =
    typeof claims.username === 'string'
      ? claims.username
      : ((claims['cognito:username'] as string | undefined) ?? claims.sub);
  return { sub: claims.sub, username, groups };
}

/** Turns any error into problem+json; unknown errors become a generic 500 that leaks nothing. */
const problemJson = (): middy.MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> => ({
  onError: async (request) => {
    const requestId = requestIdOf(request as Request);
    let error = request.error;
    // Errors thrown by middy's own parsers carry a statusCode; give them our codes.
    const status = (error as { statusCode?: number } | null)?.statusCode;
    if (!(error instanceof DomainError) && status === 415) {
      error = /malformed/i.test(error?.message ?? '')
        ? new DomainError('MALFORMED_BODY')
        : new DomainError('UNSUPPORTED_MEDIA_TYPE');
    } else if (!(error instanceof DomainError) && status === 422) {
      error = new DomainError('MALFORMED_BODY');
    }
    if (error instanceof DomainError) {
      request.response = problemResponse(error, requestId);
      return;
    }
    logger.error('unhandled error', { requestId, error: error as Error });
    request.response = {
      statusCode: 500,
      headers: { 'Content-Type': 'application/problem+json' },
      body: JSON.stringify(internalProblemBody(requestId)),
    };
  },
});

/**
 * Builds a Lambda handler for one route: the shared middy stack (header normalization,
 * JSON and urlencoded bodies, zod validation reporting every bad field, auth guard,
 * security headers, problem+json errors) around a thin function that calls the domain.
 */
export function httpHandler<R extends RouteSpec, P extends PrincipalLike = PrincipalLike>(
  route: R,
  fn: (req: HandlerRequest<R, P>) => Promise<ResultOf<R>>,
  extensions: HandlerExtensions<P> = {},
) {
  const name = `${route.method} ${route.path}`;
  const loadPrincipal = extensions.loadPrincipal;
  if (needsPrincipal(route) && !loadPrincipal) {
    throw new Error(`${name}: its access needs the caller's stored user; pass { loadPrincipal }`);
  }
  if (route.idempotent === true && !extensions.idempotency) {
    throw new Error(`${name} honors Idempotency-Key; pass { idempotency: idempotencyKey }`);
  }
  const core = async (event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> => {
    const requestId = event.requestContext?.requestId ?? context.awsRequestId;
    const caller = callerOf(event);
    if (route.auth !== 'public' && !caller) throw new DomainError('UNAUTHENTICATED');
    if (route.auth === 'operator' && !caller?.groups.includes(OPERATORS_GROUP)) {
      throw new DomainError('FORBIDDEN', 'This operation is for platform operators only.');
    }
    if (route.auth === 'signed-in' && !route.permission) {
      // Deny by default: a signed-in route must name its access in the route table.
      throw new DomainError('FORBIDDEN', 'This operation is not open to anyone yet.');
    }
    const principal = loadPrincipal ? await authorize(route, caller, loadPrincipal) : undefined;
    const errors: FieldError[] = [];
    const parse = <S extends z.core.$ZodType | undefined>(schema: S, value: unknown, where: string) => {
      if (!schema) return undefined;
      const result = z.safeParse(schema, value ?? (where === 'body' ? undefined : {}));
      if (!result.success) {
        errors.push(...fieldErrors(result.error, where));
        return undefined;
      }
      return result.data;
    };
    const params = parse(route.request?.params, event.pathParameters, 'path');
    const query = parse(route.request?.query, event.queryStringParameters, 'query');
    const body = parse(route.request?.body, event.body, 'body');
    if (errors.length > 0) throw new DomainError('VALIDATION_FAILED', undefined, { errors });

    const request = {
      body,
      query,
      params,
      caller,
      principal,
      headers: event.headers,
      requestId,
      event,
    } as HandlerRequest<R, P>;
    const result: HttpResult = await asActor({ actor: actorOf(caller, principal), requestId }, () =>
      fn(request),
    );
    if ('html' in result) {
      return {
        statusCode: result.status,
        headers: {
          'Content-Type': 'text/html; charset=utf-8',
          'Cache-Control': 'no-store',
          ...result.headers,
        },
        body: result.html,
      };
    }
    return {
      statusCode: result.status,
      headers: {
        ...(result.body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...result.headers,
      },
      body: result.body === undefined ? '' : JSON.stringify(result.body),
    };
  };

  const stack = middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(withoutEmptyHeaders())

    .use(
      httpSecurityHeaders({
        // The server-rendered link pages post their own form and carry one inline <style>;
        // every other directive keeps middy's strict default (no scripts, no frames).
        contentSecurityPolicy: {
          'form-action': "'self'",
          'style-src': "'unsafe-inline'",
          sandbox: 'allow-forms',
        },
        // No reporting endpoint exists; middy would send Report-To empty.
        reportTo: false,
      }),
    )
    .use(problemJson())
    .use(httpHeaderNormalizer())
    .use(bodyParsers());
  if (route.idempotent === true && extensions.idempotency) stack.use(extensions.idempotency(name));
  const handler = stack.handler(core);
  // The whole stack runs in the request's story (its error lines too): API Gateway's request id,
  // which the answer carries (x-amzn-RequestId, a problem's requestId) and activity records name.
  return (event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> =>
    withCorrelation(event.requestContext?.requestId ?? context.awsRequestId, () => handler(event, context));
}

const needsPrincipal = (route: RouteSpec) =>
  route.auth === 'signed-in' && route.permission !== undefined && route.permission !== 'ANY_SIGNED_IN';

/** Runs last: a header is never sent as `undefined` or empty (middy removes `Server` by setting it undefined). */
function withoutEmptyHeaders(): Middleware {
  const clean = async (request: middy.Request<APIGatewayProxyEvent, APIGatewayProxyResult>) => {
    const headers = request.response?.headers;
    if (!headers) return;
    for (const [key, value] of Object.entries(headers)) {
      if (value === undefined || value === null || value === '') delete headers[key];
    }
  };
  return { after: clean, onError: clean };
}

/**
 * Deny by default: a signed-in route must name its access. Partner permissions are
 * checked against the stored user's roles (loaded only for routes that need them),
 * never against anything in the request.
 */
async function authorize<P extends PrincipalLike>(
  route: RouteSpec,
  caller: Caller | undefined,
  loadPrincipal: NonNullable<HandlerExtensions<P>['loadPrincipal']>,
): Promise<P | undefined> {
  if (route.auth !== 'signed-in' || !caller) return undefined;
  const access = route.permission;
  if (!access || access === 'ANY_SIGNED_IN') return undefined;
  const principal = await loadPrincipal(caller);
  if (!principal)
    throw new DomainError('FORBIDDEN', 'This operation is for users of a partner organization.');
  if (access === 'GLOBAL_ADMIN') {
    if (principal.user.adminRole !== 'GLOBAL_ADMIN')
      throw new DomainError('FORBIDDEN', 'Only a global admin of your organization can do this.');
  } else if (access !== 'ANY_PARTNER_USER' && !hasPermission(principal.user, access)) {
    throw new DomainError(
      'FORBIDDEN',
      `Your roles do not include the permission ${access}; ask a global admin of your organization for a role that does.`,
    );
  }
  return principal;
}

/** Who the activity records of a request name: the stored user, the operator, or (public routes) nobody known yet. */
function actorOf(caller: Caller | undefined, principal: PrincipalLike | undefined): Actor {
  if (principal) return { kind: 'USER', userId: principal.user.id, email: principal.user.email };
  if (caller?.groups.includes(OPERATORS_GROUP)) return { kind: 'OPERATOR', email: caller.username };
  return caller ? { kind: 'USER', userId: caller.username } : { kind: 'USER' };
}

/** JSON for API callers, urlencoded for the HTML pages' own forms; no body is fine for GETs. */
function bodyParsers(): middy.MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  const json = httpJsonBodyParser({ disableContentTypeError: true });
  const form = httpUrlEncodeBodyParser({ disableContentTypeError: true });
  return {
    before: async (request) => {
      const body = request.event.body;
      if (body === null || body === undefined || body === '') {
        request.event.body = null;
        return;
      }
      const size = Buffer.byteLength(body, request.event.isBase64Encoded ? 'base64' : 'utf8');
      if (size > MAX_BODY_BYTES) throw payloadTooLarge(MAX_BODY_BYTES);
      const type = request.event.headers?.['content-type'] ?? '';
      if (/^application\/(.+\+)?json/i.test(type)) return json.before?.(request);
      if (/^application\/x-www-form-urlencoded/i.test(type)) return form.before?.(request);
      throw new DomainError('UNSUPPORTED_MEDIA_TYPE');
    },
  };
}
