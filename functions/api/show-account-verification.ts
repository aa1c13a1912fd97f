import { identityDeps } from '../adapters/identity.ts';
import { peekAccountVerification } from '../domain/accounts.ts';
import { httpHandler } from '../http/handler.ts';
import { identityRoutes as routes } from '../identity/routes.ts';
import { confirmAccountPage } from '../pages/account-verification.ts';
import { linkPage } from '../pages/results.ts';

export const handler = httpHandler(routes.showAccountVerification, ({ query }) =>
  linkPage(query.token, async (token) =>
    confirmAccountPage(token, (await peekAccountVerification(identityDeps(), token)).organizationName),
  ),
);
