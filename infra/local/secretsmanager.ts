/**
 * Local stand-in for AWS Secrets Manager (see DESIGN.md, "Local runtime"), as small as what the
 * functions use: `GetSecretValue` of the secrets it was started with, spoken the way
 * `@aws-sdk/client-secrets-manager` v3 calls it (awsJson1_1: `POST /`,
 * `X-Amz-Target: secretsmanager.<Action>`, `application/x-amz-json-1.1`). Any other action or
 * request is a 400 with the service's JSON error shape (`{__type, message}`), so a function that
 * starts using more of the service fails in the tests, not on AWS.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { AwsJsonError as ApiError, serveAwsJson } from './aws-json.ts';

export interface LocalSecret {
  /** The secret's name; its ARN is made from it. */
  name: string;
  /** @default 64 random base64url characters, new at every start */
  value?: string;
}

export interface LocalSecretsManager {
  url: string;
  /** The ARN of a secret it serves, by name (as CloudFormation's `Ref` of a secret gives it). */
  secretArn(name: string): string;
  stop(): Promise<void>;
}

const TARGET_PREFIX = 'secretsmanager.';
const MAX_REQUEST_BYTES = 64 * 1024;

interface Stored {
  arn: string;
  name: string;
  value: string;
  versionId: string;
  createdDate: number;
}

/** A random secret per start: what `generateSecretString` makes on AWS, 64 characters. */
const randomSecret = () => randomBytes(48).toString('base64url');

export async function startSecretsManager(opts: {
  port?: number;
  host?: string;
  region?: string;
  accountId?: string;
  secrets: LocalSecret[];
}): Promise<LocalSecretsManager> {
  const region = opts.region ?? 'us-east-1';
  const accountId = opts.accountId ?? '000000000000';
  const byName = new Map<string, Stored>();
  const byArn = new Map<string, Stored>();
  for (const secret of opts.secrets) {
    if (byName.has(secret.name)) throw new Error(`Secret "${secret.name}" is listed twice`);
    // Secrets Manager appends a dash and six random characters to the name in the ARN.
    const suffix = randomBytes(6).toString('base64url').replace(/[-_]/g, 'x').slice(0, 6);
    const stored: Stored = {
      arn: `arn:aws:secretsmanager:${region}:${accountId}:secret:${secret.name}-${suffix}`,
      name: secret.name,
      value: secret.value ?? randomSecret(),
      versionId: randomUUID(),
      createdDate: Date.now() / 1000,
    };
    byName.set(stored.name, stored);
    byArn.set(stored.arn, stored);
  }

  const dispatch = (action: string, body: Record<string, unknown>) => {
    if (action !== 'GetSecretValue') {
      throw new ApiError(
        'UnknownOperationException',
        `The local Secrets Manager answers GetSecretValue only, not ${action}`,
      );
    }
    if (body.VersionId !== undefined || (body.VersionStage ?? 'AWSCURRENT') !== 'AWSCURRENT') {
      throw new ApiError('InvalidParameterException', 'Only the AWSCURRENT version is served locally');
    }
    const id = body.SecretId;
    if (typeof id !== 'string' || id === '') {
      throw new ApiError('ValidationException', 'SecretId is required');
    }
    const secret = byArn.get(id) ?? byName.get(id);
    if (!secret) {
      throw new ApiError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    }
    return {
      ARN: secret.arn,
      Name: secret.name,
      VersionId: secret.versionId,
      SecretString: secret.value,
      VersionStages: ['AWSCURRENT'],
      CreatedDate: secret.createdDate,
    };
  };

  const server = await serveAwsJson({
    name: 'Secrets Manager',
    targetPrefix: TARGET_PREFIX,
    contentType: 'application/x-amz-json-1.1',
    maxRequestBytes: MAX_REQUEST_BYTES,
    ...(opts.port === undefined ? {} : { port: opts.port }),
    ...(opts.host === undefined ? {} : { host: opts.host }),
    dispatch,
  });
  return {
    url: server.url,
    secretArn(name) {
      const secret = byName.get(name);
      if (!secret) throw new Error(`No local secret named "${name}"`);
      return secret.arn;
    },
    stop: () => server.close(),
  };
}
