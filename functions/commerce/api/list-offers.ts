import { loadPrincipal } from '../../identity/principal.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { listOffers } from '../domain/offers.ts';
import { commerceRoutes as routes } from '../routes.ts';
import { offerDeps } from '../wiring.ts';

export const handler = httpHandler(
  routes.listOffers,
  async ({ query }) => ({ status: 200, body: await listOffers(offerDeps(), query) }),
  { loadPrincipal },
);
