import { identityDeps } from '../adapters/identity.ts';
import { peekAccountVerification } from '../domain/accounts.ts';
import { httpHandler } from '../http/handler.ts';
import { confirmAccountPage } from '../pages/account-verification.ts';
import { linkPage } from '../pages/results.ts';
import { routes } from '../routes.ts';

export const handler = httpHandler(routes.showAccountVerification, ({ query }) =>
  linkPage(query.token, async (token) =>
    confirmAccountPage(token, (await peekAccountVerification(identityDeps, token)).organizationName),
  ),
);
