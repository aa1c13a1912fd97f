import { leadRoutes } from './lead-routes.ts';
import { profileRoutes } from './profile-routes.ts';
import { ticketRoutes } from './ticket-routes.ts';

/**
 * Partner operations: this context's entries of the route table (functions/routes.ts). The
 * context has three areas, each with its own routes, schemas, ports and store file: the partner
 * profile and the provider directory (`profile-*`), service health and tickets (`ticket-*`), and
 * leads (`lead-*`); a handler imports only its area's entries.
 */
export const supportRoutes = {
  ...profileRoutes,
  ...ticketRoutes,
  ...leadRoutes,
} as const;
