import { loadPrincipal } from '../../identity/principal.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { getOffer } from '../domain/offers.ts';
import { commerceRoutes as routes } from '../routes.ts';
import { offerDeps } from '../wiring.ts';

export const handler = httpHandler(
  routes.getOffer,
  async ({ params }) => ({ status: 200, body: await getOffer(offerDeps(), params.offerId) }),
  { loadPrincipal },
);
