import { EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { awsClientConfig } from '../aws.ts';
import { lazy, requireEnv } from '../config.ts';
import type { SecretBox } from '../ports.ts';

const client = lazy(() => new KMSClient(awsClientConfig));

/** The SecretBox port over the KMS key named by WEBHOOK_KEY_ARN (the `webhookKey` resource). */
export const kmsSecretBox: SecretBox = {
  async seal(plaintext, context) {
    const { CiphertextBlob } = await client.send(
      new EncryptCommand({
        KeyId: requireEnv('WEBHOOK_KEY_ARN'),
        Plaintext: Buffer.from(plaintext, 'utf8'),
        EncryptionContext: context,
      }),
    );
    if (!CiphertextBlob) throw new Error('KMS returned no ciphertext');
    return Buffer.from(CiphertextBlob).toString('base64');
  },
};
