import type { RelationshipDeps } from '../domain/invitations.ts';
import { identityStore } from './identity-store.ts';
import { sesMailer } from './mail.ts';
import { relationshipStore } from './relationship-store.ts';
import { publicBaseUrl, systemClock } from './runtime.ts';

/** The relationship domain's ports, wired once per cold start. */
export const relationshipDeps: RelationshipDeps = {
  relationships: relationshipStore,
  identity: identityStore,
  mailer: sesMailer,
  clock: systemClock,
  get publicBaseUrl() {
    return publicBaseUrl();
  },
};
