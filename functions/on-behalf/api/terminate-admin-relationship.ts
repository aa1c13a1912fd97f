import { loadPrincipal } from '../../identity/principal.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { sesMailer } from '../../platform/mail/ses.ts';
import { terminateAdminRelationship } from '../domain/relationships.ts';
import { onBehalfRoutes as routes } from '../routes.ts';
import { onBehalfDeps } from '../wiring.ts';

export const handler = httpHandler(
  routes.terminateAdminRelationship,
  async ({ principal, params }) => ({
    status: 200,
    body: await terminateAdminRelationship(onBehalfDeps({ mailer: sesMailer }), principal, params.id),
  }),
  { loadPrincipal },
);
