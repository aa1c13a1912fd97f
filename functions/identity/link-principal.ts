import { identifyActor } from '../platform/audit.ts';
import { once, requireEnv } from '../platform/config.ts';
import { DomainError } from '../platform/errors.ts';
import { accessTokenVerifier, bearerToken } from '../platform/http/access-token.ts';
import { cognitoDirectory } from './directory.ts';
import { signIn } from './domain/accounts.ts';
import type { Principal, UserRecord } from './domain/model.ts';
import { identityDeps } from './wiring.ts';

const deps = once(() => identityDeps({ directory: cognitoDirectory }));
const verify = once(() =>
  accessTokenVerifier({
    issuer: requireEnv('USER_POOL_ISSUER'),
    clientId: requireEnv('USER_POOL_CLIENT_ID'),
  }),
);

/**
 * Who answers an emailed link's page: an API caller's Bearer access token (verified here, since
 * the route is public for the page's own form), or the email and password typed into that form.
 */
export async function linkPrincipal(
  headers: Record<string, string | undefined>,
  credentials: { email?: string | undefined; password?: string | undefined },
): Promise<Principal> {
  const token = bearerToken(headers.authorization);
  let user: UserRecord | undefined;
  if (token) {
    const claims = await verify()(token);
    if (!claims)
      throw new DomainError(
        'UNAUTHENTICATED',
        'The access token is not valid or has expired; sign in again.',
      );
    user = await deps().store.getUser(String(claims.username ?? ''));
  } else if (credentials.email && credentials.password) {
    const result = await signIn(deps(), credentials.email, credentials.password);
    if ('challenge' in result) {
      throw new DomainError('INVALID_CREDENTIALS');
    }
    user = await deps().store.getUserByEmail(credentials.email);
  } else {
    throw new DomainError(
      'UNAUTHENTICATED',
      'Sign in to answer: send a Bearer access token, or your email and password.',
    );
  }
  if (user?.status !== 'ACTIVE')
    throw new DomainError('UNAUTHENTICATED', 'Sign in as a user of a partner or customer organization.');
  identifyActor({ kind: 'USER', userId: user.id, email: user.email });
  return { user };
}
