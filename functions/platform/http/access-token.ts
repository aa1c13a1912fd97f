import { createRemoteJWKSet, type JWTPayload, jwtVerify } from 'jose';

/**
 * Verifies a Cognito access token the way API Gateway's Cognito authorizer does:
 * signature by the pool's JWKS, issuer, expiry, `token_use=access` and the app client.
 * The local gateway uses it for every protected route; public routes that also take a
 * Bearer token (the invitation page's POSTs) use it in their handler.
 */
export function accessTokenVerifier(opts: { issuer: string; clientId: string; jwksUrl?: string }) {
  const jwks = createRemoteJWKSet(new URL(opts.jwksUrl ?? `${opts.issuer}/.well-known/jwks.json`));
  return async (token: string): Promise<JWTPayload | undefined> => {
    try {
      const { payload } = await jwtVerify(token, jwks, { issuer: opts.issuer });
      if (payload.token_use !== 'access' || payload.client_id !== opts.clientId) return undefined;
      return payload;
    } catch {
      return undefined;
    }
  };
}

/** The token of an `Authorization: Bearer …` header, if any. */
export const bearerToken = (header: string | undefined) => /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1];
