import { loadPrincipal } from '../../identity/principal.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { getSubscription } from '../domain/subscriptions.ts';
import { commerceRoutes as routes } from '../routes.ts';
import { commerceDeps } from '../wiring.ts';

export const handler = httpHandler(
  routes.getSubscription,
  async ({ principal, params }) => {
    const subscription = await getSubscription(
      commerceDeps(),
      principal,
      params.customerId,
      params.subscriptionId,
    );
    return { status: 200, body: subscription, headers: { ETag: subscription.etag } };
  },
  { loadPrincipal },
);
