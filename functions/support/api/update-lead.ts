import { loadPrincipal } from '../../identity/principal.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { updateLead } from '../domain/leads.ts';
import { leadRoutes as routes } from '../lead-routes.ts';
import { leadDeps } from '../lead-wiring.ts';

export const handler = httpHandler(
  routes.updateLead,
  async ({ principal, params, body }) => ({
    status: 200,
    body: await updateLead(leadDeps(), principal, params.leadId, body),
  }),
  { loadPrincipal },
);
