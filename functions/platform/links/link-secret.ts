import { createHmac } from 'node:crypto';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { awsClientConfig } from '../aws.ts';
import { lazy, requireEnv } from '../config.ts';
import type { LinkTokens } from '../ports.ts';

const client = lazy(() => new SecretsManagerClient(awsClientConfig));

/** CDK generates 64 characters; anything much shorter is a misconfiguration, not a key. */
const MIN_SECRET_LENGTH = 32;

let secret: Promise<Buffer> | undefined;

/**
 * The secret's value, read once per instance (a cold start) at its first use and kept in
 * memory only. A failed read is not kept, so the next request tries again.
 */
function linkSecret(): Promise<Buffer> {
  secret ??= (async () => {
    const { SecretString } = await client.send(
      new GetSecretValueCommand({ SecretId: requireEnv('LINK_SECRET_ARN') }),
    );
    if (!SecretString || SecretString.length < MIN_SECRET_LENGTH) {
      throw new Error(`The link secret must be a string of at least ${MIN_SECRET_LENGTH} characters`);
    }
    return Buffer.from(SecretString, 'utf8');
  })().catch((error: unknown) => {
    secret = undefined;
    throw error;
  });
  return secret;
}

/** The LinkTokens port over the Secrets Manager secret named by LINK_SECRET_ARN (the `linkSecret` resource). */
export const secretLinkTokens: LinkTokens = {
  async derive(label, parts) {
    const inputs = [label, ...parts];
    // Newline-joined inputs are unambiguous only if no input holds a newline.
    if (inputs.some((part) => part.includes('\n'))) {
      throw new Error('Link derivation inputs must not contain newlines');
    }
    return createHmac('sha256', await linkSecret())
      .update(inputs.join('\n'), 'utf8')
      .digest();
  },
};
