import { identityStore } from '../identity/wiring.ts';
import type { Mailer } from '../platform/ports.ts';
import { withPlatform } from '../platform/runtime.ts';
import { relationshipDeps, relationshipStore } from '../relationships/wiring.ts';
import type { LeadDeps, LeadInviteDeps } from './domain/leads.ts';
import { leadStore } from './lead-store.ts';

/** The lead area's ports; handlers that email (sharing a lead) pass the mailer. */
export const leadDeps = (ports: { mailer?: Mailer } = {}): LeadDeps =>
  withPlatform({ leads: leadStore, partners: relationshipStore, organizations: identityStore }, ports.mailer);

/** Inviting a lead's contact: the lead ports plus the relationships domain's, with the mailer (`send: true`). */
export const leadInviteDeps = (ports: { mailer: Mailer }): LeadInviteDeps =>
  withPlatform(
    {
      leads: leadStore,
      partners: relationshipStore,
      organizations: identityStore,
      relationships: relationshipDeps({ mailer: ports.mailer }),
    },
    ports.mailer,
  );
