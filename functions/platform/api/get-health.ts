import { httpHandler } from '../http/handler.ts';
import { platformRoutes as routes } from '../routes.ts';

export const handler = httpHandler(routes.getHealth, async () => ({
  status: 200,
  body: { status: 'ok' as const },
}));
