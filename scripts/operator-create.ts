/**
 * Creates a platform operator in a deployed user pool:
 *   npm run operator:create -- --email you@example.com [--user-pool-id eu-west-1_abc]
 * The pool id defaults to $USER_POOL_ID (the Stateful stack's UserPoolId output).
 * Prints a temporary password once; the first sign-in asks for a new one.
 */
import { parseArgs } from 'node:util';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { generateTemporaryPassword } from '../functions/identity/domain/passwords.ts';
import { OPERATORS_GROUP } from '../functions/platform/auth-groups.ts';

const { values } = parseArgs({ options: { email: { type: 'string' }, 'user-pool-id': { type: 'string' } } });
const email = values.email?.trim().toLowerCase();
const userPoolId = values['user-pool-id'] ?? process.env.USER_POOL_ID;
if (!email || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email) || !userPoolId) {
  console.error(
    'Usage: npm run operator:create -- --email you@example.com [--user-pool-id <UserPoolId output>]',
  );
  process.exit(2);
}

const client = new CognitoIdentityProviderClient({});
const temporaryPassword = generateTemporaryPassword();
// Operators sign in with their email as username; partner users' usernames are ids.
await client.send(
  new AdminCreateUserCommand({
    UserPoolId: userPoolId,
    Username: email,
    TemporaryPassword: temporaryPassword,
    MessageAction: 'SUPPRESS',
    UserAttributes: [
      { Name: 'email', Value: email },
      { Name: 'email_verified', Value: 'true' },
    ],
  }),
);
await client.send(
  new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username: email, GroupName: OPERATORS_GROUP }),
);
console.log(`Operator ${email} created. Temporary password (shown once): ${temporaryPassword}`);
