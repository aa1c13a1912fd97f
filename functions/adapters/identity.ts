import { requireEnv } from '../config.ts';
import type { IdentityDeps } from '../domain/accounts.ts';
import { cognitoDirectory } from './directory.ts';
import { identityStore } from './identity-store.ts';
import { sesMailer } from './mail.ts';

/** The identity domain's ports, wired to AWS (or its local stand-ins) once per cold start. */
export const identityDeps: IdentityDeps = {
  store: identityStore,
  directory: cognitoDirectory,
  mailer: sesMailer,
  clock: { now: () => new Date() },
  publicBaseUrl: requireEnv('PUBLIC_BASE_URL').replace(/\/$/, ''),
};
