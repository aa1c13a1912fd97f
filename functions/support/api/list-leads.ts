import { loadPrincipal } from '../../identity/principal.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { listLeads } from '../domain/leads.ts';
import { leadRoutes as routes } from '../lead-routes.ts';
import { leadDeps } from '../lead-wiring.ts';

export const handler = httpHandler(
  routes.listLeads,
  async ({ principal, query }) => ({ status: 200, body: await listLeads(leadDeps(), principal, query) }),
  { loadPrincipal },
);
