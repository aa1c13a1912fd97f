import { DomainError } from '../../platform/errors.ts';
import type { Clock } from '../../platform/ports.ts';
import type { OfferQuery, OfferRecord, OfferStore } from '../ports.ts';

export interface OfferDeps {
  offers: OfferStore;
  clock: Clock;
}

/** What partners see of an offer (no bookkeeping). */
export const publicOffer = ({ updatedAt: _u, ...offer }: OfferRecord) => offer;

/** PUT /operator/offers/{offerId}: creates or replaces an offer of the catalog (the body is validated by its schema). */
export async function putOffer(
  deps: OfferDeps,
  offerId: string,
  input: Omit<OfferRecord, 'offerId' | 'updatedAt'>,
) {
  const offer: OfferRecord = {
    offerId,
    ...input,
    countries: [...new Set(input.countries)].sort(),
    updatedAt: deps.clock.now().toISOString(),
  };
  await deps.offers.put(offer);
  return publicOffer(offer);
}

/** GET /offers: every offer, or those sold in `country`, whose name or description holds `q`. */
export async function listOffers(deps: Pick<OfferDeps, 'offers'>, query: OfferQuery) {
  const page = await deps.offers.list(query);
  return { ...page, items: page.items.map(publicOffer) };
}

/** GET /offers/{offerId}. */
export async function getOffer(deps: Pick<OfferDeps, 'offers'>, offerId: string) {
  const offer = await deps.offers.get(offerId);
  if (!offer) throw new DomainError('NOT_FOUND', 'No offer has this id; list the catalog with GET /offers.');
  return publicOffer(offer);
}
