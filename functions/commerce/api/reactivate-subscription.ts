import { loadPrincipal } from '../../identity/principal.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { reactivateSubscription } from '../domain/subscriptions.ts';
import { commerceRoutes as routes } from '../routes.ts';
import { commerceDeps } from '../wiring.ts';

export const handler = httpHandler(
  routes.reactivateSubscription,
  async ({ principal, params, headers }) => {
    const subscription = await reactivateSubscription(commerceDeps(), principal, {
      ...params,
      ifMatch: headers['if-match'],
    });
    return { status: 200, body: subscription, headers: { ETag: subscription.etag } };
  },
  { loadPrincipal },
);
