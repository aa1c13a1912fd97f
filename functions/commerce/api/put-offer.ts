import { httpHandler } from '../../platform/http/handler.ts';
import { putOffer } from '../domain/offers.ts';
import { commerceRoutes as routes } from '../routes.ts';
import { offerDeps } from '../wiring.ts';

export const handler = httpHandler(routes.putOffer, async ({ params, body }) => ({
  status: 200,
  body: await putOffer(offerDeps(), params.offerId, body),
}));
