import { DecryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { awsClientConfig } from '../aws.ts';
import { lazy, requireEnv } from '../config.ts';
import type { SecretOpener } from '../ports.ts';

const client = lazy(() => new KMSClient(awsClientConfig));

/**
 * The SecretOpener port over the KMS key named by WEBHOOK_KEY_ARN (the `webhookSecrets`
 * resource): only the function that signs deliveries holds it, and with it kms:Decrypt.
 */
export const kmsSecretOpener: SecretOpener = {
  async open(sealed, context) {
    const { Plaintext } = await client.send(
      new DecryptCommand({
        KeyId: requireEnv('WEBHOOK_KEY_ARN'),
        CiphertextBlob: Buffer.from(sealed, 'base64'),
        EncryptionContext: context,
      }),
    );
    if (!Plaintext) throw new Error('KMS returned no plaintext');
    return Buffer.from(Plaintext).toString('utf8');
  },
};
