import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  ListUserPoolsCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { OPERATORS_GROUP } from '../../functions/platform/auth-groups.ts';
import { freePort, localClientConfig, stopper, waitFor } from './ports.ts';

export interface LocalCognito {
  endpoint: string;
  userPoolId: string;
  clientId: string;
  /** `iss` of the tokens it signs. */
  issuer: string;
  jwksUrl: string;
  stop(): Promise<void>;
}

/**
 * Starts cognito-local as a child process in a throw-away working directory (it keeps
 * its data in `./.cognito` of its cwd), then creates the user pool, the app client and
 * the operators group the way the CDK stack does.
 */
export async function startCognito(opts: { port?: number } = {}): Promise<LocalCognito> {
  const port = opts.port || (await freePort());
  const endpoint = `http://127.0.0.1:${port}`;
  const dir = mkdtempSync(join(tmpdir(), 'cognito-local-'));
  mkdirSync(join(dir, '.cognito'));
  writeFileSync(
    join(dir, '.cognito', 'config.json'),
    JSON.stringify({
      TokenConfig: { IssuerDomain: endpoint },
      ServerConfig: { hostname: '127.0.0.1', port },
      // Plain usernames (our user ids), as the CDK pool: emails are looked up in our table.
      UserPoolDefaults: { UsernameAttributes: [] },
    }),
  );
  const bin = createRequire(import.meta.url).resolve('cognito-local/lib/bin/start.js');
  const child: ChildProcess = spawn(process.execPath, [bin], {
    cwd: dir,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  const stopChild = stopper(child);
  const client = new CognitoIdentityProviderClient(localClientConfig(endpoint));
  const stop = async () => {
    client.destroy();
    await stopChild();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor('cognito-local', async () => {
      if (child.exitCode !== null) throw new Error(`cognito-local exited: ${stderr}`);
      await client.send(new ListUserPoolsCommand({ MaxResults: 1 }));
    });
    const pool = await client.send(
      new CreateUserPoolCommand({
        PoolName: 'csp-partner-platform',
        Policies: {
          PasswordPolicy: {
            MinimumLength: 12,
            RequireUppercase: true,
            RequireLowercase: true,
            RequireNumbers: true,
          },
        },
      }),
    );
    const userPoolId = pool.UserPool?.Id;
    if (!userPoolId) throw new Error('cognito-local did not return a user pool id');
    const appClient = await client.send(
      new CreateUserPoolClientCommand({
        UserPoolId: userPoolId,
        ClientName: 'api',
        ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      }),
    );
    const clientId = appClient.UserPoolClient?.ClientId;
    if (!clientId) throw new Error('cognito-local did not return an app client id');
    await client.send(new CreateGroupCommand({ UserPoolId: userPoolId, GroupName: OPERATORS_GROUP }));
    return {
      endpoint,
      userPoolId,
      clientId,
      issuer: `${endpoint}/${userPoolId}`,
      jwksUrl: `${endpoint}/${userPoolId}/.well-known/jwks.json`,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
