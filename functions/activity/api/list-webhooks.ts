import { loadPrincipal } from '../../identity/principal.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { listWebhooks } from '../domain/webhooks.ts';
import { activityRoutes as routes } from '../routes.ts';
import { webhookDeps } from '../wiring.ts';

export const handler = httpHandler(
  routes.listWebhooks,
  async ({ principal, query }) => {
    const page = await listWebhooks(webhookDeps(), principal, query.limit, query.cursor);
    return {
      status: 200,
      body: {
        ...page,
        items: page.items.map((w) => ({
          webhookId: w.id,
          url: w.url,
          events: w.events,
          createdAt: w.createdAt,
        })),
      },
    };
  },
  { loadPrincipal },
);
