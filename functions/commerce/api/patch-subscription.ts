import { loadPrincipal } from '../../identity/principal.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { patchSubscription } from '../domain/subscriptions.ts';
import { commerceRoutes as routes } from '../routes.ts';
import { commerceDeps } from '../wiring.ts';

export const handler = httpHandler(
  routes.patchSubscription,
  async ({ principal, params, headers, body }) => {
    const subscription = await patchSubscription(
      commerceDeps(),
      principal,
      { ...params, ifMatch: headers['if-match'] },
      body,
    );
    return { status: 200, body: subscription, headers: { ETag: subscription.etag } };
  },
  { loadPrincipal },
);
