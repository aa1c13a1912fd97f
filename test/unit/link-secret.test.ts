/**
 * The local Secrets Manager stand-in, driven through the real `SecretsManagerClient` over
 * loopback HTTP (no external network), and the link-secret adapter over it, as a function
 * of the local runtime uses them.
 */
import { createHmac } from 'node:crypto';
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalSecretsManager, startSecretsManager } from '../../infra/local/secretsmanager.ts';

const SECRET = 'a-known-test-secret-of-more-than-32-characters';
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

describe('the local Secrets Manager', () => {
  let local: LocalSecretsManager;
  let client: SecretsManagerClient;
  const saved = { ...process.env };

  beforeAll(async () => {
    local = await startSecretsManager({
      secrets: [{ name: 'test/known', value: SECRET }, { name: 'test/generated' }],
    });
    client = new SecretsManagerClient({ endpoint: local.url, region: 'us-east-1', credentials });
  });

  afterAll(async () => {
    client.destroy();
    await local.stop();
    process.env = saved;
  });

  it('answers GetSecretValue by ARN and by name, with a generated value when none was given', async () => {
    const arn = local.secretArn('test/known');
    expect(arn).toMatch(/^arn:aws:secretsmanager:us-east-1:000000000000:secret:test\/known-[A-Za-z0-9]{6}$/);

    const byArn = await client.send(new GetSecretValueCommand({ SecretId: arn }));
    const byName = await client.send(new GetSecretValueCommand({ SecretId: 'test/known' }));
    const generated = await client.send(
      new GetSecretValueCommand({ SecretId: local.secretArn('test/generated') }),
    );

    expect(byArn).toMatchObject({ ARN: arn, Name: 'test/known', SecretString: SECRET });
    expect(byArn.CreatedDate).toBeInstanceOf(Date);
    expect(byName.SecretString).toBe(SECRET);
    expect(generated.SecretString).toMatch(/^[A-Za-z0-9_-]{64}$/);
  });

  it('answers an unknown secret and any other action with the service’s 400 errors', async () => {
    await expect(client.send(new GetSecretValueCommand({ SecretId: 'nope' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      $metadata: { httpStatusCode: 400 },
    });
    await expect(
      client.send(new DescribeSecretCommand({ SecretId: local.secretArn('test/known') })),
    ).rejects.toMatchObject({ name: 'UnknownOperationException', $metadata: { httpStatusCode: 400 } });
    await expect(
      client.send(new PutSecretValueCommand({ SecretId: 'test/known', SecretString: 'x'.repeat(40) })),
    ).rejects.toMatchObject({ $metadata: { httpStatusCode: 400 } });
    const raw = await fetch(local.url, { method: 'GET' });
    expect(raw.status).toBe(400);
    expect(await raw.json()).toMatchObject({ __type: 'UnknownOperationException' });
  });

  it('gives the link-secret adapter HMAC-SHA256 under the secret it names, read once', async () => {
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_SECRETS_MANAGER: local.url,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      LINK_SECRET_ARN: local.secretArn('test/known'),
    });
    const { secretLinkTokens } = await import('../../functions/platform/links/link-secret.ts');

    const derived = await secretLinkTokens.derive('invitation-link-token', ['org', 'op', 'key']);
    await local.stop(); // read once per instance: later derivations need no call
    const again = await secretLinkTokens.derive('invitation-link-token', ['org', 'op', 'key']);
    const other = await secretLinkTokens.derive('invitation-id', ['org', 'op', 'key']);

    const expected = createHmac('sha256', SECRET).update('invitation-link-token\norg\nop\nkey').digest();
    expect(Buffer.from(derived).equals(expected)).toBe(true);
    expect(Buffer.from(again).equals(expected)).toBe(true);
    expect(Buffer.from(other).equals(expected)).toBe(false);
    await expect(secretLinkTokens.derive('invitation-id', ['org', 'op\nx', 'key'])).rejects.toThrow(
      /newlines/,
    );
  });
});
