import type * as z from 'zod/mini';
import type { Resource } from '../platform/resources.ts';
import type { Permission } from './permissions.ts';

/**
 * The shape of a route table entry; `functions/routes.ts` assembles the one table. The CDK stack makes one Lambda per entry and wires the
 * Cognito authorizer on every non-public route; the local gateway serves the same
 * entries. Nothing else lists routes.
 *
 * auth: `public` (anyone, incl. emailed links), `signed-in` (a verified Cognito
 * token), `operator` (a token in the operators group). `permission` is checked
 * against the caller's stored roles; a signed-in route without one is open to any
 * signed-in user, and tests walk the table to keep that deliberate.
 */
export type Auth = 'public' | 'signed-in' | 'operator';
export type Access = Permission | 'GLOBAL_ADMIN' | 'ANY_PARTNER_USER' | 'ANY_SIGNED_IN';
export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteSpec {
  method: Method;
  /** API Gateway style: `/users/{id}`. */
  path: string;
  /** Module under `functions/`, without extension; it exports `handler`. */
  handler: string;
  auth: Auth;
  /**
   * Required on `signed-in` routes (deny by default: without one the route answers 403):
   * a matrix permission, `GLOBAL_ADMIN` (a partner user holding that role), `ANY_PARTNER_USER`
   * (any user of a partner organization) or `ANY_SIGNED_IN` (operators too).
   */
  permission?: Access;
  summary: string;
  /** zod schemas of any flavor (the functions use zod/mini); `/openapi.json` is generated from them. */
  request?: { body?: z.core.$ZodType; query?: z.core.$ZodType; params?: z.core.$ZodType };
  /**
   * The success answer: `status`, and the JSON body's `schema` (a handler's `body` must be its input)
   * or `contentType: 'text/html'` for a page. Errors are thrown and answer problem+json, so they
   * are not declared here.
   */
  response: {
    status: number;
    schema?: z.core.$ZodType;
    contentType?: 'application/json' | 'text/html';
    /**
     * The one declared alternative: a JSON route that also takes the urlencoded post of its
     * emailed link's page form answers that post with a page (200, or a refusal's status)
     * instead of JSON (`asPageWhenForm`).
     */
    formPage?: true;
  };
  /**
   * Honors the Idempotency-Key header: `true` through the Powertools middleware, which keeps
   * the first response (creates whose response holds no secret); `'derived'` in the domain,
   * which rebuilds the first response from the key (responses holding a link, whose token
   * must not rest in the table).
   */
  idempotent?: true | 'derived';
  /** Resources the function touches, so infra grants exactly these. */
  uses?: ReadonlyArray<Resource>;
}

/**
 * Declares one entry, keeping its literal type (the handler's request and result types come
 * from it; `const` keeps `response.status` a literal such as `201`, not `number`).
 */
export const route = <const R extends RouteSpec>(spec: R) => spec;
