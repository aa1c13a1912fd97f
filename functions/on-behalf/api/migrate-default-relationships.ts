import { schedulerTimers } from '../../platform/events/timers.ts';
import { httpHandler } from '../../platform/http/handler.ts';
import { relationshipStore } from '../../relationships/wiring.ts';
import { migrateDefaultRelationships } from '../domain/defaults.ts';
import type { AdminRelationshipTimer } from '../domain/terms.ts';
import { onBehalfRoutes as routes } from '../routes.ts';
import { ADMIN_RELATIONSHIP_TERMS, onBehalfDeps } from '../wiring.ts';

export const handler = httpHandler(routes.migrateDefaultRelationships, async ({ query }) => ({
  status: 200,
  body: await migrateDefaultRelationships(
    {
      ...onBehalfDeps({ timers: schedulerTimers<AdminRelationshipTimer>(ADMIN_RELATIONSHIP_TERMS) }),
      invitations: relationshipStore,
    },
    query,
  ),
}));
