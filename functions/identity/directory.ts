import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminSetUserPasswordCommand,
  type AuthenticationResultType,
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  type InitiateAuthCommandOutput,
  RespondToAuthChallengeCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { awsClientConfig } from '../platform/aws.ts';
import { lazy, requireEnv } from '../platform/config.ts';
import type { AuthResult, Directory } from './ports.ts';

const client = lazy(() => new CognitoIdentityProviderClient(awsClientConfig));
const pool = () => ({ UserPoolId: requireEnv('USER_POOL_ID') });
const app = () => ({ ClientId: requireEnv('USER_POOL_CLIENT_ID') });

/** Wrong credentials and unusable accounts are all the same answer to the caller. */
const CREDENTIAL_ERRORS = new Set([
  'NotAuthorizedException',
  'InvalidPasswordException',
  'UserNotFoundException',
  'UserNotConfirmedException',
  'PasswordResetRequiredException',
  'CodeMismatchException',
  'ExpiredCodeException',
]);

function tokens(result: AuthenticationResultType | undefined): AuthResult {
  if (!result?.AccessToken || !result.IdToken) return { kind: 'invalid' };
  return {
    kind: 'tokens',
    accessToken: result.AccessToken,
    idToken: result.IdToken,
    refreshToken: result.RefreshToken ?? '',
    expiresIn: result.ExpiresIn ?? 3600,
  };
}

function outcome(
  output: Pick<InitiateAuthCommandOutput, 'AuthenticationResult' | 'ChallengeName' | 'Session'>,
): AuthResult {
  if (output.ChallengeName === 'NEW_PASSWORD_REQUIRED' && output.Session)
    return { kind: 'challenge', session: output.Session };
  if (output.ChallengeName) return { kind: 'invalid' };
  return tokens(output.AuthenticationResult);
}

async function asAuthResult(call: () => Promise<AuthResult>): Promise<AuthResult> {
  try {
    return await call();
  } catch (error) {
    if (CREDENTIAL_ERRORS.has((error as Error).name)) return { kind: 'invalid' };
    throw error;
  }
}

/** Cognito user pool implementation of the Directory port. Usernames are our user ids. */
export const cognitoDirectory: Directory = {
  async createUser(username, email, password, temporary) {
    await client.send(
      new AdminCreateUserCommand({
        ...pool(),
        Username: username,
        MessageAction: 'SUPPRESS',
        ...(temporary ? { TemporaryPassword: password } : {}),
        UserAttributes: [
          { Name: 'email', Value: email },
          { Name: 'email_verified', Value: 'true' },
        ],
      }),
    );
    if (!temporary) {
      await client.send(
        new AdminSetUserPasswordCommand({
          ...pool(),
          Username: username,
          Password: password,
          Permanent: true,
        }),
      );
    }
  },

  async setPassword(username, password, temporary) {
    await client.send(
      new AdminSetUserPasswordCommand({
        ...pool(),
        Username: username,
        Password: password,
        Permanent: !temporary,
      }),
    );
  },

  async deleteUser(username) {
    try {
      await client.send(new AdminDeleteUserCommand({ ...pool(), Username: username }));
    } catch (error) {
      if ((error as Error).name !== 'UserNotFoundException') throw error;
    }
  },

  async disableUser(username) {
    await client.send(new AdminDisableUserCommand({ ...pool(), Username: username }));
  },

  async enableUser(username) {
    await client.send(new AdminEnableUserCommand({ ...pool(), Username: username }));
  },

  signIn: (username, password) =>
    asAuthResult(async () =>
      outcome(
        await client.send(
          new InitiateAuthCommand({
            ...app(),
            AuthFlow: 'USER_PASSWORD_AUTH',
            AuthParameters: { USERNAME: username, PASSWORD: password },
          }),
        ),
      ),
    ),

  completeNewPassword: (username, session, newPassword) =>
    asAuthResult(async () =>
      outcome(
        await client.send(
          new RespondToAuthChallengeCommand({
            ...app(),
            ChallengeName: 'NEW_PASSWORD_REQUIRED',
            Session: session,
            ChallengeResponses: { USERNAME: username, NEW_PASSWORD: newPassword },
          }),
        ),
      ),
    ),

  refresh: (refreshToken) =>
    asAuthResult(async () =>
      outcome(
        await client.send(
          new InitiateAuthCommand({
            ...app(),
            AuthFlow: 'REFRESH_TOKEN_AUTH',
            AuthParameters: { REFRESH_TOKEN: refreshToken },
          }),
        ),
      ),
    ),
};
