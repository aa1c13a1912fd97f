import { identityStore } from '../identity/wiring.ts';
import { notWired } from '../platform/config.ts';
import { emfBusinessCounts } from '../platform/metrics.ts';
import type { Mailer, Timers } from '../platform/ports.ts';
import { withPlatform } from '../platform/runtime.ts';
import { relationshipStore } from '../relationships/wiring.ts';
import type { OfferDeps } from './domain/offers.ts';
import type { CommerceDeps } from './domain/orders.ts';
import type { SubscriptionTimer } from './ports.ts';
import { commerceStore, offerStore } from './store.ts';

/** The commerce store, as other contexts' wiring plugs it into their ports (seats of subscriptions). */
export { commerceStore };

/** The timer task that subscriptions' timers call (functions/consumers.ts). */
export const SUBSCRIPTION_TERMS = 'subscription-terms';

/** The offer catalog's ports. */
export const offerDeps = (): OfferDeps => withPlatform({ offers: offerStore });

/**
 * Orders' and subscriptions' ports; a handler passes the mailer and the timers when its route
 * uses them (`mail`, `timers`), so its bundle holds SES or Scheduler only then.
 */
export function commerceDeps(
  ports: { mailer?: Mailer; timers?: Timers<SubscriptionTimer> } = {},
): CommerceDeps {
  return withPlatform(
    {
      offers: offerStore,
      commerce: commerceStore,
      customers: relationshipStore,
      organizations: identityStore,
      timers: ports.timers ?? notWired<Timers<SubscriptionTimer>>('timers', 'timers'),
      metrics: emfBusinessCounts,
    },
    ports.mailer,
  );
}
