/**
 * Local stand-in for AWS KMS (see DESIGN.md, "Local runtime"), as small as what the functions use:
 * `Encrypt` and `Decrypt` under one symmetric key, with an encryption context, spoken the way
 * `@aws-sdk/client-kms` v3 calls it (awsJson1_1: `POST /`, `X-Amz-Target: TrentService.<Action>`).
 * The key is 256 random bits per start, as a new KMS key is per deployment; ciphertexts are
 * AES-256-GCM with the encryption context as additional data, so a ciphertext opened with another
 * context fails as it does on AWS (`InvalidCiphertextException`). Any other action is a 400.
 */
import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import { AwsJsonError as ApiError, serveAwsJson } from './aws-json.ts';

export interface LocalKms {
  url: string;
  keyArn: string;
  stop(): Promise<void>;
}

const MAX_PLAINTEXT_BYTES = 4096;
/** Our blob: a version byte, the 12-byte IV, the 16-byte tag, then the ciphertext. */
const VERSION = 1;

const contextOf = (body: Record<string, unknown>) => {
  const context = body.EncryptionContext ?? {};
  if (typeof context !== 'object' || context === null || Array.isArray(context))
    throw new ApiError('ValidationException', 'EncryptionContext must be a map of strings');
  const entries = Object.entries(context as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b));
  if (entries.some(([, v]) => typeof v !== 'string'))
    throw new ApiError('ValidationException', 'EncryptionContext values must be strings');
  return Buffer.from(JSON.stringify(entries), 'utf8');
};

const blobOf = (value: unknown, name: string) => {
  if (typeof value !== 'string' || value === '')
    throw new ApiError('ValidationException', `${name} is required`);
  return Buffer.from(value, 'base64');
};

export async function startKms(opts: { region?: string; accountId?: string } = {}): Promise<LocalKms> {
  const keyArn = `arn:aws:kms:${opts.region ?? 'us-east-1'}:${opts.accountId ?? '000000000000'}:key/${randomUUID()}`;
  const key = randomBytes(32);

  const dispatch = (action: string, body: Record<string, unknown>) => {
    if (action === 'Encrypt') {
      if (body.KeyId !== keyArn)
        throw new ApiError('NotFoundException', `Key '${String(body.KeyId)}' does not exist`);
      const plaintext = blobOf(body.Plaintext, 'Plaintext');
      if (plaintext.length > MAX_PLAINTEXT_BYTES)
        throw new ApiError('ValidationException', `Plaintext is longer than ${MAX_PLAINTEXT_BYTES} bytes`);
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(contextOf(body));
      const sealed = Buffer.concat([cipher.update(plaintext), cipher.final()]);
      const blob = Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), sealed]);
      return {
        CiphertextBlob: blob.toString('base64'),
        KeyId: keyArn,
        EncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
      };
    }
    if (action === 'Decrypt') {
      const blob = blobOf(body.CiphertextBlob, 'CiphertextBlob');
      if (body.KeyId !== undefined && body.KeyId !== keyArn)
        throw new ApiError('IncorrectKeyException', 'The key ID does not match the ciphertext');
      try {
        if (blob[0] !== VERSION) throw new Error('version');
        const decipher = createDecipheriv('aes-256-gcm', key, blob.subarray(1, 13))
          .setAAD(contextOf(body))
          .setAuthTag(blob.subarray(13, 29));
        const plaintext = Buffer.concat([decipher.update(blob.subarray(29)), decipher.final()]);
        return {
          Plaintext: plaintext.toString('base64'),
          KeyId: keyArn,
          EncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
        };
      } catch {
        throw new ApiError(
          'InvalidCiphertextException',
          'The ciphertext or its encryption context is not valid',
        );
      }
    }
    throw new ApiError(
      'UnknownOperationException',
      `The local KMS answers Encrypt and Decrypt only, not ${action}`,
    );
  };

  const server = await serveAwsJson({
    name: 'KMS',
    targetPrefix: 'TrentService.',
    contentType: 'application/x-amz-json-1.1',
    maxRequestBytes: 64 * 1024,
    dispatch,
  });
  return { url: server.url, keyArn, stop: () => server.close() };
}
