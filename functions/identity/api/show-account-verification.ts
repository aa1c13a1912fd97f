import { httpHandler } from '../../platform/http/handler.ts';
import { linkPage } from '../../platform/pages/results.ts';
import { peekAccountVerification } from '../domain/accounts.ts';
import { confirmAccountPage } from '../pages/account-verification.ts';
import { identityRoutes as routes } from '../routes.ts';
import { identityDeps } from '../wiring.ts';

export const handler = httpHandler(routes.showAccountVerification, ({ query }) =>
  linkPage(query.token, async (token) =>
    confirmAccountPage(token, (await peekAccountVerification(identityDeps(), token)).organizationName),
  ),
);
