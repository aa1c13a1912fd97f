import { loadPrincipal } from '../../identity/principal.ts';
import { eventBridgeBus } from '../../platform/events/bus.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { sendTestEvent } from '../domain/deliveries.ts';
import { activityRoutes as routes } from '../routes.ts';
import { webhookDeps } from '../wiring.ts';

export const handler = httpHandler(
  routes.testWebhook,
  async ({ principal, params }) => ({
    status: 202,
    body: await sendTestEvent(webhookDeps({ bus: eventBridgeBus }), principal, params.id),
  }),
  { loadPrincipal },
);
