import { route } from '../platform/route-spec.ts';
import { listOf } from '../platform/schemas.ts';
import { Offer, OfferBody, OfferIdParams, OffersQuery } from './schemas.ts';

/** Offers, orders and subscriptions: this context's entries of the route table (functions/routes.ts). */
export const commerceRoutes = {
  listOffers: route({
    method: 'GET',
    path: '/offers',
    handler: 'commerce/api/list-offers',
    auth: 'signed-in',
    permission: 'ANY_PARTNER_USER',
    summary:
      'The offer catalog; `country` keeps the offers sold there, `q` those whose name or description holds it',
    request: { query: OffersQuery },
    response: { status: 200, schema: listOf(Offer) },
    uses: ['table'],
  }),
  getOffer: route({
    method: 'GET',
    path: '/offers/{offerId}',
    handler: 'commerce/api/get-offer',
    auth: 'signed-in',
    permission: 'ANY_PARTNER_USER',
    summary: 'One offer of the catalog',
    request: { params: OfferIdParams },
    response: { status: 200, schema: Offer },
    uses: ['table'],
  }),
  putOffer: route({
    method: 'PUT',
    path: '/operator/offers/{offerId}',
    handler: 'commerce/api/put-offer',
    auth: 'operator',
    summary: 'Create or replace an offer of the catalog',
    request: { params: OfferIdParams, body: OfferBody },
    response: { status: 200, schema: Offer },
    uses: ['table'],
  }),
} as const;
