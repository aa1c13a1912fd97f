import { activityRoutes } from './activity/routes.ts';
import { commerceRoutes } from './commerce/routes.ts';
import { enrollmentRoutes } from './enrollment/routes.ts';
import { identityRoutes } from './identity/routes.ts';
import { onBehalfRoutes } from './on-behalf/routes.ts';
import type { RouteSpec } from './platform/route-spec.ts';
import { platformRoutes } from './platform/routes.ts';
import { relationshipRoutes } from './relationships/routes.ts';
import { supportRoutes } from './support/routes.ts';

export type { Access, Auth, Method, RouteSpec } from './platform/route-spec.ts';

/**
 * The one route table, assembled from each context's entries. The CDK stack makes one
 * Lambda per entry; the local gateway serves the same entries; `GET /openapi.json` is
 * generated from them. A handler imports its own context's entries, not this table, so
 * its bundle holds only its own schemas.
 */
export const routes = {
  ...platformRoutes,
  ...identityRoutes,
  ...enrollmentRoutes,
  ...relationshipRoutes,
  ...activityRoutes,
  ...commerceRoutes,
  ...onBehalfRoutes,
  ...supportRoutes,
} as const;

export const routeList: ReadonlyArray<RouteSpec & { id: string }> = Object.entries(routes).map(([id, r]) => ({
  id,
  ...(r as RouteSpec),
}));
