import { withPlatform } from '../platform/runtime.ts';
import type { OfferDeps } from './domain/offers.ts';
import { offerStore } from './store.ts';

/** The commerce domain's ports. */
export const offerDeps = (): OfferDeps => withPlatform({ offers: offerStore });
