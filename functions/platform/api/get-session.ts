import { httpHandler } from '../http/handler.ts';
import { platformRoutes as routes } from '../routes.ts';

export const handler = httpHandler(routes.getSession, async ({ caller }) => ({
  status: 200,
  body: { sub: caller.sub, username: caller.username, groups: caller.groups },
}));
