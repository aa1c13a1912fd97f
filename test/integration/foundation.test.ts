import { randomUUID } from 'node:crypto';
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { DescribeExecutionCommand, SendTaskSuccessCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { keys } from '../../functions/platform/data/table.ts';
import { stateMachineArnEnvName } from '../../functions/platform/resources.ts';
import { linkStartingWith, waitForEmail } from '../support/mailbox.ts';
import { call, dynamo, env, eventually, runtime, sfn, tableName } from '../support/runtime.ts';

const cognito = new CognitoIdentityProviderClient({
  endpoint: env.AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER,
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});

async function signIn(email: string, password: string) {
  const result = await cognito.send(
    new InitiateAuthCommand({
      ClientId: env.USER_POOL_CLIENT_ID,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: email, PASSWORD: password },
    }),
  );
  const token = result.AuthenticationResult?.AccessToken;
  if (!token) throw new Error('no access token');
  return token;
}

describe('HTTP foundation', () => {
  it('answers GET /health with ok and security headers', async () => {
    const res = await call('GET', '/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
    expect(res.headers.get('strict-transport-security')).toMatch(/max-age/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('serves an OpenAPI document with every route of the table', async () => {
    const res = await call('GET', '/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.0.3');
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining(['/health', '/openapi.json', '/auth/session']),
    );
    expect(res.body.paths['/auth/session'].get.security).toEqual([{ bearer: [] }]);
  });

  it('answers an unknown path with problem+json 404', async () => {
    const res = await call('GET', '/no-such-thing');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    expect(res.body.requestId).toEqual(expect.any(String));
  });

  it('answers a known path with the wrong method as API Gateway does: 404 problem+json', async () => {
    const res = await call('DELETE', '/health');

    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body.code).toBe('NOT_FOUND');
  });

  it('gives the gateway’s own errors the headers every response has', async () => {
    const answers = await Promise.all([
      call('GET', '/no-such-operation'),
      call('DELETE', '/health'),
      call('GET', '/me'),
      call('GET', '/me', { token: 'not-a-token' }),
    ]);

    expect(answers.map((a) => a.status)).toEqual([404, 404, 401, 401]);
    for (const res of answers) {
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('strict-transport-security')).toMatch(/max-age=/);
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.body.requestId).toEqual(expect.any(String));
    }
  });

  it('never sends a header that is undefined or empty', async () => {
    const answers = await Promise.all([
      call('GET', '/health'),
      call('GET', '/accounts/verify?token=nothing'),
      call('POST', '/auth/sign-in', { body: {} }),
    ]);

    for (const res of answers) {
      for (const [name, value] of res.headers) {
        expect(value, name).not.toBe('');
        expect(value, name).not.toBe('undefined');
      }
    }
  });

  it('answers a 2 MB body with 413 PAYLOAD_TOO_LARGE and writes nothing', async () => {
    const domain = `big-${randomUUID()}.example`;
    const body = JSON.stringify({
      organization: { name: 'Big', domain, country: 'ES' },
      admin: { firstName: 'B', lastName: 'G', email: `admin@${domain}`, password: 'Correct-Horse-42' },
      padding: 'x'.repeat(2 * 1024 * 1024),
    });

    const res = await call('POST', '/accounts', { body });

    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
    const { Item } = await dynamo.send(
      new GetCommand({ TableName: tableName, Key: keys.domainClaim(domain) }),
    );
    expect(Item).toBeUndefined();
  });

  it('serves HEAD from the GET route without a body', async () => {
    const res = await fetch(`${runtime.apiUrl}/health`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
  });
});

describe('gateway authorizer with cognito-local', () => {
  it('lets a signed-in Cognito user call a signed-in route', async () => {
    const email = `user-${randomUUID()}@example.com`;
    const password = 'Correct-Horse-42';
    await cognito.send(
      new AdminCreateUserCommand({
        UserPoolId: env.USER_POOL_ID,
        Username: email,
        MessageAction: 'SUPPRESS',
      }),
    );
    await cognito.send(
      new AdminSetUserPasswordCommand({
        UserPoolId: env.USER_POOL_ID,
        Username: email,
        Password: password,
        Permanent: true,
      }),
    );
    const token = await signIn(email, password);
    const res = await call('GET', '/auth/session', { token });
    expect(res.status).toBe(200);
    expect(res.body.username).toBe(email);
    expect(res.body.groups).toEqual([]);
  });

  it('carries the operators group of the seeded operator', async () => {
    const token = await signIn(runtime.operator.email, runtime.operator.password);
    const res = await call('GET', '/auth/session', { token });
    expect(res.status).toBe(200);
    expect(res.body.groups).toEqual(['operators']);
  });

  it('answers 401 problem+json without a token', async () => {
    const res = await call('GET', '/auth/session');
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body.code).toBe('UNAUTHENTICATED');
  });

  it('answers 401 to a tampered token', async () => {
    const token = await signIn(runtime.operator.email, runtime.operator.password);
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString());
    const forged = Buffer.from(
      JSON.stringify({ ...claims, 'cognito:groups': ['operators', 'admins'] }),
    ).toString('base64url');
    const res = await call('GET', '/auth/session', { token: `${header}.${forged}.${signature}` });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('UNAUTHENTICATED');
  });
});

describe('SES mailbox', () => {
  it('reads back an email sent through SES and follows its link', async () => {
    Object.assign(process.env, env);
    const { sesMailer } = await import('../../functions/platform/mail/ses.ts');
    const to = `someone-${randomUUID()}@example.com`;
    const link = `${runtime.apiUrl}/health?from=mail`;
    await sesMailer.send({
      to,
      subject: 'Your link',
      text: `Open ${link} to continue.`,
      html: `<p><a href="${link}">Continue</a></p>`,
    });

    const email = await waitForEmail(to, { subject: /Your link/ });
    const followed = await fetch(linkStartingWith(email, `${runtime.apiUrl}/health`));
    expect(followed.status).toBe(200);
    expect(await followed.json()).toEqual({ status: 'ok' });
  });
});

describe('Step Functions adapter with task tokens', () => {
  const stateMachineArn = env[stateMachineArnEnvName('test-task-token')];

  async function tokenOf(id: string) {
    return eventually(async () => {
      const { Item } = await dynamo.send(new GetCommand({ TableName: tableName, Key: keys.probe(id) }));
      return Item?.taskToken as string | undefined;
    });
  }

  async function finished(executionArn: string) {
    return eventually(async () => {
      const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      return d.status === 'RUNNING' ? undefined : d;
    });
  }

  it('resumes a waiting execution with SendTaskSuccess', async () => {
    const id = randomUUID();
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn, name: id, input: JSON.stringify({ id, short: false }) }),
    );
    const taskToken = await tokenOf(id);
    expect(taskToken).not.toContain(id);
    await sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify({ verified: true }) }));

    const done = await finished(executionArn ?? '');
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output ?? '{}')).toMatchObject({
      outcome: 'ANSWERED',
      answer: { verified: true },
    });
  });

  it('runs a function with only the variables its declaration gives it, as on AWS', async () => {
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: env[stateMachineArnEnvName('test-environment')],
        input: '{}',
      }),
    );

    const done = await finished(executionArn ?? '');
    expect(done.status).toBe('SUCCEEDED');
    const report = JSON.parse(done.output ?? '{}') as { tableName: string; variables: string[] };
    expect(report.tableName).toBe(tableName);
    expect(report.variables).toEqual(expect.arrayContaining(['TABLE_NAME', 'PUBLIC_BASE_URL']));
    // It uses the table only: nothing of mail, the user pool or the state machines reaches it.
    for (const other of [
      'MAIL_FROM',
      'OPERATOR_ALERT_EMAIL',
      'USER_POOL_ID',
      'LINK_SECRET_ARN',
      'LOCAL_TIME_SCALE',
    ])
      expect(report.variables).not.toContain(other);
    expect(report.variables.some((v) => v.endsWith('_STATE_MACHINE_ARN'))).toBe(false);
  });

  it('takes the TimeoutSeconds path, scaled, when no token comes back', async () => {
    const id = randomUUID();
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn, name: id, input: JSON.stringify({ id, short: true }) }),
    );
    const done = await finished(executionArn ?? '');
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output ?? '{}')).toMatchObject({
      outcome: 'TIMED_OUT',
      error: { Error: 'States.Timeout' },
    });
  });
});
