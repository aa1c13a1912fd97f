import { loadPrincipal } from '../../identity/principal.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { listSharedCustomers } from '../domain/invitations.ts';
import { publicCustomer } from '../domain/model.ts';
import { relationshipRoutes as routes } from '../routes.ts';
import { relationshipDeps } from '../wiring.ts';

export const handler = httpHandler(
  routes.listCustomersSharedWithProvider,
  async ({ principal, params, query }) => {
    const page = await listSharedCustomers(
      relationshipDeps(),
      principal,
      params.providerId,
      query.limit,
      query.cursor,
    );
    return { status: 200, body: { ...page, items: page.items.map(publicCustomer) } };
  },
  { loadPrincipal },
);
