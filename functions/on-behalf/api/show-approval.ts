import { httpHandler } from '../../platform/http/handler.ts';
import { linkPage } from '../../platform/pages/results.ts';
import { viewApproval } from '../domain/relationships.ts';
import { approvalPage } from '../pages/approval.ts';
import { onBehalfRoutes as routes } from '../routes.ts';
import { onBehalfDeps } from '../wiring.ts';

export const handler = httpHandler(routes.showApproval, ({ query }) =>
  linkPage(query.token, async (token) => approvalPage(token, await viewApproval(onBehalfDeps(), token))),
);
