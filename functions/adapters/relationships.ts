import { notWired } from '../config.ts';
import type { RelationshipDeps } from '../domain/invitations.ts';
import type { Mailer } from '../domain/ports.ts';
import { identityStore } from './identity-store.ts';
import { relationshipStore } from './relationship-store.ts';
import { publicBaseUrl, systemClock } from './runtime.ts';

/** The relationship domain's ports; handlers that send mail pass the mailer. */
export function relationshipDeps(ports: { mailer?: Mailer } = {}): RelationshipDeps {
  return {
    relationships: relationshipStore,
    identity: identityStore,
    mailer: ports.mailer ?? notWired('mailer', 'mail'),
    clock: systemClock,
    get publicBaseUrl() {
      return publicBaseUrl();
    },
  };
}
