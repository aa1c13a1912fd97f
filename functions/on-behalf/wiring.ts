import { commerceStore } from '../commerce/wiring.ts';
import type { Directory } from '../identity/ports.ts';
import { identityStore } from '../identity/wiring.ts';
import { notWired } from '../platform/config.ts';
import { emfBusinessCounts } from '../platform/metrics.ts';
import type { Mailer, Timers } from '../platform/ports.ts';
import { withPlatform } from '../platform/runtime.ts';
import { relationshipStore } from '../relationships/wiring.ts';
import type { EndingDeps } from './domain/endings.ts';
import type { OnBehalfDeps } from './domain/relationships.ts';
import type { AdminRelationshipTimer } from './domain/terms.ts';
import type { CustomerUserDeps } from './domain/users.ts';
import { endingStore } from './endings-store.ts';
import { adminRelationshipStore } from './store.ts';
import { customerUserStore } from './users-store.ts';

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

/** The ports of the on-behalf user and license operations; handlers that change sign-ins pass the directory. */
export const customerUserDeps = (ports: { directory?: Directory } = {}): CustomerUserDeps =>
  withPlatform({
    adminRelationships: adminRelationshipStore,
    customers: relationshipStore,
    organizations: identityStore,
    users: identityStore,
    customerUsers: customerUserStore,
    subscriptions: commerceStore,
    directory: ports.directory ?? notWired<Directory>('directory', 'userPool'),
    metrics: emfBusinessCounts,
  });

/** Ending relationships' ports: the relationship rows, the subscriptions that bind them, the one transaction. */
export const endingDeps = (ports: { mailer: Mailer; timers: Timers<AdminRelationshipTimer> }): EndingDeps =>
  withPlatform(
    {
      endings: endingStore,
      rows: relationshipStore,
      subscriptions: commerceStore,
      organizations: identityStore,
      timers: ports.timers,
    },
    ports.mailer,
  );
