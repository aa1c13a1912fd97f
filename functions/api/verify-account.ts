import { identityDeps } from '../adapters/identity.ts';
import { verifyAccount } from '../domain/accounts.ts';
import { httpHandler } from '../http/handler.ts';
import { identityRoutes as routes } from '../identity/routes.ts';
import { accountVerifiedPage } from '../pages/account-verification.ts';
import { asPageWhenForm } from '../pages/results.ts';

export const handler = httpHandler(routes.verifyAccount, ({ body, headers }) =>
  asPageWhenForm(headers, () => verifyAccount(identityDeps(), body.token), accountVerifiedPage),
);
