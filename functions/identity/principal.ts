import type { Caller } from '../platform/http/handler.ts';
import type { Principal } from './domain/model.ts';
import { identityStore } from './store.ts';

/** The stored partner user behind a verified token (Cognito username = our user id); one GetItem. */
export async function loadPrincipal(caller: Caller): Promise<Principal | undefined> {
  const user = await identityStore.getUser(caller.username);
  if (user?.status !== 'ACTIVE') return undefined;
  return { user };
}
