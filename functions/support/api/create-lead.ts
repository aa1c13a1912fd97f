import { loadPrincipal } from '../../identity/principal.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { idempotencyKey } from '../../platform/http/idempotency.ts';
import { createLead } from '../domain/leads.ts';
import { leadRoutes as routes } from '../lead-routes.ts';
import { leadDeps } from '../lead-wiring.ts';

export const handler = httpHandler(
  routes.createLead,
  async ({ principal, body }) => ({ status: 201, body: await createLead(leadDeps(), principal, body) }),
  { loadPrincipal, idempotency: idempotencyKey },
);
