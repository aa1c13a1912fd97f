import { loadPrincipal } from '../../identity/principal.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { deleteWebhook } from '../domain/webhooks.ts';
import { activityRoutes as routes } from '../routes.ts';
import { webhookDeps } from '../wiring.ts';

export const handler = httpHandler(
  routes.deleteWebhook,
  async ({ principal, params }) => {
    await deleteWebhook(webhookDeps(), principal, params.id);
    return { status: 204 };
  },
  { loadPrincipal },
);
