import type { z } from 'zod';
import type { Permission } from './domain/permissions.ts';
import { Health, Session } from './schemas/common.ts';

/**
 * The one route table. The CDK stack makes one Lambda per entry and wires the
 * Cognito authorizer on every non-public route; the local gateway serves the same
 * entries. Nothing else lists routes.
 *
 * auth: `public` (anyone, incl. emailed links), `signed-in` (a verified Cognito
 * token), `operator` (a token in the operators group). `permission` is checked
 * against the caller's stored roles; a signed-in route without one is open to any
 * signed-in user, and tests walk the table to keep that deliberate.
 */
export type Auth = 'public' | 'signed-in' | 'operator';
export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteSpec {
  method: Method;
  /** API Gateway style: `/users/{id}`. */
  path: string;
  /** Module under `functions/`, without extension; it exports `handler`. */
  handler: string;
  auth: Auth;
  permission?: Permission;
  summary: string;
  request?: { body?: z.ZodType; query?: z.ZodType; params?: z.ZodType };
  response: { status: number; schema?: z.ZodType; contentType?: 'application/json' | 'text/html' };
  /** Resources the function touches, so infra grants exactly these. */
  uses?: ReadonlyArray<'table' | 'mail' | 'userPool' | 'stateMachine'>;
}

const route = <R extends RouteSpec>(spec: R) => spec;

export const routes = {
  getHealth: route({
    method: 'GET',
    path: '/health',
    handler: 'api/get-health',
    auth: 'public',
    summary: 'Liveness check',
    response: { status: 200, schema: Health },
  }),
  getOpenApi: route({
    method: 'GET',
    path: '/openapi.json',
    handler: 'api/get-openapi',
    auth: 'public',
    summary: 'The OpenAPI document of this API, generated from the route table',
    response: { status: 200 },
  }),
  getSession: route({
    method: 'GET',
    path: '/auth/session',
    handler: 'api/get-session',
    auth: 'signed-in',
    summary: 'What the verified token says about the caller',
    response: { status: 200, schema: Session },
  }),
} as const;

export type RouteId = keyof typeof routes;
export const routeList: ReadonlyArray<RouteSpec & { id: string }> = Object.entries(routes).map(([id, r]) => ({
  id,
  ...(r as RouteSpec),
}));
