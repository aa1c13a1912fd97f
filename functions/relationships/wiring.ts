import { identityStore } from '../identity/wiring.ts';
import { notWired } from '../platform/config.ts';
import { emfBusinessCounts } from '../platform/metrics.ts';
import type { LinkTokens, Mailer } from '../platform/ports.ts';
import { withPlatform } from '../platform/runtime.ts';
import type { RelationshipDeps } from './domain/invitations.ts';
import { relationshipStore } from './store.ts';

/** The relationship store, as other contexts' wiring plugs it into their ports (commerce reads customer rows). */
export { relationshipStore };

/**
 * The relationship domain's ports; handlers that send mail pass the mailer, those that derive
 * links from an Idempotency-Key the link tokens (functions/platform/links/link-secret.ts).
 */
export function relationshipDeps(ports: { mailer?: Mailer; linkTokens?: LinkTokens } = {}): RelationshipDeps {
  return withPlatform(
    {
      relationships: relationshipStore,
      identity: identityStore,
      linkTokens: ports.linkTokens ?? notWired<LinkTokens>('linkTokens', 'linkSecret'),
      metrics: emfBusinessCounts,
    },
    ports.mailer,
  );
}
