import { identityStore } from '../identity/wiring.ts';
import type { Mailer } from '../platform/ports.ts';
import { withPlatform } from '../platform/runtime.ts';
import { relationshipStore } from '../relationships/wiring.ts';
import type { OnBehalfDeps } from './domain/relationships.ts';
import { adminRelationshipStore } from './store.ts';

/** The on-behalf domain's ports; handlers that send mail pass the mailer. */
export const onBehalfDeps = (ports: { mailer?: Mailer } = {}): OnBehalfDeps =>
  withPlatform(
    {
      adminRelationships: adminRelationshipStore,
      customers: relationshipStore,
      organizations: identityStore,
    },
    ports.mailer,
  );
