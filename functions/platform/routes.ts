import { route } from './route-spec.ts';
import { Health, Session } from './schemas.ts';

/** Platform: health, the OpenAPI document, the session: this context's entries of the route table (functions/routes.ts). */
export const platformRoutes = {
  getHealth: route({
    method: 'GET',
    path: '/health',
    handler: 'platform/api/get-health',
    auth: 'public',
    summary: 'Liveness check',
    response: { status: 200, schema: Health },
  }),
  getOpenApi: route({
    method: 'GET',
    path: '/openapi.json',
    handler: 'get-openapi',
    auth: 'public',
    summary: 'The OpenAPI document of this API, generated from the route table',
    response: { status: 200 },
  }),
  getSession: route({
    method: 'GET',
    path: '/auth/session',
    handler: 'platform/api/get-session',
    auth: 'signed-in',
    permission: 'ANY_SIGNED_IN',
    summary: 'What the verified token says about the caller',
    response: { status: 200, schema: Session },
  }),
} as const;
