import { identityStore } from '../identity/wiring.ts';
import { notWired } from '../platform/config.ts';
import type { Mailer, Timers } from '../platform/ports.ts';
import { withPlatform } from '../platform/runtime.ts';
import { relationshipStore } from '../relationships/wiring.ts';
import type { OnBehalfDeps } from './domain/relationships.ts';
import type { AdminRelationshipTimer } from './domain/terms.ts';
import { adminRelationshipStore } from './store.ts';

/** The timer task that admin relationships' timers call (functions/consumers.ts). */
export const ADMIN_RELATIONSHIP_TERMS = 'admin-relationship-terms';

/** The on-behalf domain's ports; handlers pass the mailer and the timers when their route uses them. */
export const onBehalfDeps = (
  ports: { mailer?: Mailer; timers?: Timers<AdminRelationshipTimer> } = {},
): OnBehalfDeps =>
  withPlatform(
    {
      adminRelationships: adminRelationshipStore,
      customers: relationshipStore,
      organizations: identityStore,
      timers: ports.timers ?? notWired<Timers<AdminRelationshipTimer>>('timers', 'timers'),
    },
    ports.mailer,
  );
