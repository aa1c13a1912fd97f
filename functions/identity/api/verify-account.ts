import { httpHandler } from '../../platform/http/handler.ts';
import { asPageWhenForm } from '../../platform/pages/results.ts';
import { verifyAccount } from '../domain/accounts.ts';
import { accountVerifiedPage } from '../pages/account-verification.ts';
import { identityRoutes as routes } from '../routes.ts';
import { identityDeps } from '../wiring.ts';

export const handler = httpHandler(routes.verifyAccount, ({ body, headers }) =>
  asPageWhenForm(headers, () => verifyAccount(identityDeps(), body.token), accountVerifiedPage),
);
