import { loadPrincipal } from '../../identity/principal.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { ownSubscriptions } from '../domain/subscriptions.ts';
import { commerceRoutes as routes } from '../routes.ts';
import { commerceDeps } from '../wiring.ts';

export const handler = httpHandler(
  routes.ownSubscriptions,
  async ({ principal, query }) => ({
    status: 200,
    body: await ownSubscriptions(commerceDeps(), principal, query),
  }),
  { loadPrincipal },
);
