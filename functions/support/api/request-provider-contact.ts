import { loadPrincipal } from '../../identity/principal.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { sesMailer } from '../../platform/mail/ses.ts';
import { requestProviderContact } from '../domain/directory.ts';
import { profileRoutes as routes } from '../profile-routes.ts';
import { profileDeps } from '../profile-wiring.ts';

export const handler = httpHandler(
  routes.requestProviderContact,
  async ({ principal, params, body }) => ({
    status: 202,
    body: await requestProviderContact(
      profileDeps({ mailer: sesMailer }),
      principal,
      params.providerId,
      body.message,
    ),
  }),
  { loadPrincipal },
);
