import { identityStore } from '../identity/wiring.ts';
import { notWired } from '../platform/config.ts';
import { linkStore } from '../platform/links/store.ts';
import type { LinkTokens, Mailer } from '../platform/ports.ts';
import { publicBaseUrl, systemClock } from '../platform/runtime.ts';
import type { RelationshipDeps } from './domain/invitations.ts';
import { relationshipStore } from './store.ts';

/**
 * The relationship domain's ports; handlers that send mail pass the mailer, those that derive
 * links from an Idempotency-Key the link tokens (functions/adapters/link-secret.ts).
 */
export function relationshipDeps(ports: { mailer?: Mailer; linkTokens?: LinkTokens } = {}): RelationshipDeps {
  return {
    relationships: relationshipStore,
    identity: identityStore,
    links: linkStore,
    mailer: ports.mailer ?? notWired('mailer', 'mail'),
    linkTokens: ports.linkTokens ?? notWired('linkTokens', 'linkSecret'),
    clock: systemClock,
    get publicBaseUrl() {
      return publicBaseUrl();
    },
  };
}
