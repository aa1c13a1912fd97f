import { sesMailer } from '../adapters/mail.ts';
import { relationshipDeps } from '../adapters/relationships.ts';
import { requestCustomerRelationship } from '../domain/invitations.ts';
import { httpHandler } from '../http/handler.ts';
import { loadPrincipal } from '../http/principal.ts';
import { relationshipRoutes as routes } from '../relationships/routes.ts';

export const handler = httpHandler(
  routes.requestCustomerRelationship,
  async ({ principal, body }) => ({
    status: 201,
    body: await requestCustomerRelationship(relationshipDeps({ mailer: sesMailer }), principal, body),
    headers: { 'Cache-Control': 'no-store' },
  }),
  { loadPrincipal },
);
