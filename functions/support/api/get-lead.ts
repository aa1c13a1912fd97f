import { loadPrincipal } from '../../identity/principal.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { getLead } from '../domain/leads.ts';
import { leadRoutes as routes } from '../lead-routes.ts';
import { leadDeps } from '../lead-wiring.ts';

export const handler = httpHandler(
  routes.getLead,
  async ({ principal, params }) => ({
    status: 200,
    body: await getLead(leadDeps(), principal, params.leadId),
  }),
  { loadPrincipal },
);
