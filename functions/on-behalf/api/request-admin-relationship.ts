import { loadPrincipal } from '../../identity/principal.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { sesMailer } from '../../platform/mail/ses.ts';
import { requestAdminRelationship } from '../domain/relationships.ts';
import { onBehalfRoutes as routes } from '../routes.ts';
import { onBehalfDeps } from '../wiring.ts';

export const handler = httpHandler(
  routes.requestAdminRelationship,
  async ({ principal, params, body }) => ({
    status: 201,
    body: await requestAdminRelationship(
      onBehalfDeps({ mailer: sesMailer }),
      principal,
      params.customerId,
      body,
    ),
  }),
  { loadPrincipal },
);
