import { notWired } from '../platform/config.ts';
import type { Mailer } from '../platform/ports.ts';
import { withPlatform } from '../platform/runtime.ts';
import type { IdentityDeps } from './domain/accounts.ts';
import type { Directory } from './ports.ts';
import { identityStore } from './store.ts';

/**
 * The identity store, as other contexts' wiring plugs it into their `IdentityStore` port, and the
 * global admin count's write, for another store's transaction that changes a user's standing.
 */
export { adminCountChange } from './store.ts';
export { identityStore };

/**
 * The identity domain's ports. The table store is always wired; a handler passes the
 * adapters of the other resources its route uses, so its bundle holds only those.
 */
export function identityDeps(ports: { directory?: Directory; mailer?: Mailer } = {}): IdentityDeps {
  return withPlatform(
    { store: identityStore, directory: ports.directory ?? notWired('directory', 'userPool') },
    ports.mailer,
  );
}
