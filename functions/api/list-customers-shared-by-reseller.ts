import { relationshipDeps } from '../adapters/relationships.ts';
import { listSharedCustomers } from '../domain/invitations.ts';
import { httpHandler } from '../http/handler.ts';
import { loadPrincipal } from '../http/principal.ts';
import { relationshipRoutes as routes } from '../relationships/routes.ts';

export const handler = httpHandler(
  routes.listCustomersSharedByReseller,
  async ({ principal, params, query }) => ({
    status: 200,
    body: await listSharedCustomers(
      relationshipDeps(),
      principal,
      params.resellerId,
      query.limit,
      query.cursor,
    ),
  }),
  { loadPrincipal },
);
