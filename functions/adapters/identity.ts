import type { IdentityDeps } from '../domain/accounts.ts';
import { cognitoDirectory } from './directory.ts';
import { identityStore } from './identity-store.ts';
import { sesMailer } from './mail.ts';
import { publicBaseUrl, systemClock } from './runtime.ts';

/** The identity domain's ports, wired to AWS (or its local stand-ins) once per cold start. */
export const identityDeps: IdentityDeps = {
  store: identityStore,
  directory: cognitoDirectory,
  mailer: sesMailer,
  clock: systemClock,
  get publicBaseUrl() {
    return publicBaseUrl();
  },
};
