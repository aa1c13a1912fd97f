import { loadPrincipal } from '../../identity/principal.ts';
import { schedulerTimers } from '../../platform/events/timers.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { cancelSubscription } from '../domain/subscriptions.ts';
import type { SubscriptionTimer } from '../ports.ts';
import { commerceRoutes as routes } from '../routes.ts';
import { commerceDeps, SUBSCRIPTION_TERMS } from '../wiring.ts';

export const handler = httpHandler(
  routes.cancelSubscription,
  async ({ principal, params, headers }) => {
    const subscription = await cancelSubscription(
      commerceDeps({ timers: schedulerTimers<SubscriptionTimer>(SUBSCRIPTION_TERMS) }),
      principal,
      { ...params, ifMatch: headers['if-match'] },
    );
    return { status: 200, body: subscription, headers: { ETag: subscription.etag } };
  },
  { loadPrincipal },
);
