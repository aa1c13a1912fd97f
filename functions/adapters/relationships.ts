import { requireEnv } from '../config.ts';
import type { RelationshipDeps } from '../domain/invitations.ts';
import { identityStore } from './identity-store.ts';
import { sesMailer } from './mail.ts';
import { relationshipStore } from './relationship-store.ts';

/** The relationship domain's ports, wired once per cold start. */
export const relationshipDeps: RelationshipDeps = {
  relationships: relationshipStore,
  identity: identityStore,
  mailer: sesMailer,
  clock: { now: () => new Date() },
  publicBaseUrl: requireEnv('PUBLIC_BASE_URL').replace(/\/$/, ''),
};
