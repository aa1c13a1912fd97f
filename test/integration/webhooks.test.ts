import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../functions/platform/data/table.ts';
import { type Account, userWithRoles, verifiedAccount } from '../support/identity.ts';
import { call, dynamo, tableName } from '../support/runtime.ts';

const URL_OK = 'https://hooks.contoso.example/csp';

describe('webhooks', () => {
  let org: Account;
  let other: Account;
  beforeAll(async () => {
    [org, other] = await Promise.all([verifiedAccount(), verifiedAccount()]);
  });

  it('registers an https endpoint, shows its secret once and stores it sealed only', async () => {
    const created = await call('POST', '/webhooks', {
      token: org.token,
      body: { url: URL_OK, events: ['subscription.*', 'order.created', 'order.created'] },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const { webhookId, secret } = created.body as { webhookId: string; secret: string };
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);

    const listed = await call('GET', '/webhooks', { token: org.token });
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([
      { webhookId, url: URL_OK, events: ['subscription.*', 'order.created'], createdAt: expect.any(String) },
    ]);
    expect(JSON.stringify(listed.body)).not.toContain(secret);

    const { Item } = await dynamo.send(
      new GetCommand({ TableName: tableName, Key: keys.webhook(org.orgId, webhookId) }),
    );
    expect(Item?.sealedSecret).toEqual(expect.any(String));
    expect(JSON.stringify(Item)).not.toContain(secret);
    expect(JSON.stringify(Item)).not.toContain(secret.slice(6));
  });

  it('keeps webhooks to their organization: another one sees none and cannot delete them (404)', async () => {
    const created = await call('POST', '/webhooks', {
      token: org.token,
      body: { url: 'https://hooks.contoso.example/other', events: ['*'] },
    });
    expect(created.status).toBe(201);
    const theirs = await call('GET', '/webhooks', { token: other.token });
    expect(theirs.body.items.map((w: { webhookId: string }) => w.webhookId)).not.toContain(
      created.body.webhookId,
    );
    const refused = await call('DELETE', `/webhooks/${created.body.webhookId}`, { token: other.token });
    expect(refused.status).toBe(404);
    expect(refused.body.code).toBe('NOT_FOUND');

    const deleted = await call('DELETE', `/webhooks/${created.body.webhookId}`, { token: org.token });
    expect(deleted.status).toBe(204);
    const after = await call('GET', '/webhooks', { token: org.token });
    expect(after.body.items.map((w: { webhookId: string }) => w.webhookId)).not.toContain(
      created.body.webhookId,
    );
    expect((await call('DELETE', `/webhooks/${created.body.webhookId}`, { token: org.token })).status).toBe(
      404,
    );
  });

  it.each([
    ['http://hooks.contoso.example/csp', /https/],
    ['https://user:pass@hooks.contoso.example/csp', /credentials/],
    ['https://10.0.0.7/csp', /IP address/],
    ['https://127.0.0.1/csp', /IP address/],
    ['https://169.254.169.254/latest/meta-data', /IP address/],
    ['https://[::1]/csp', /IP address/],
    ['https://2130706433/csp', /IP address/],
    ['https://localhost/csp', /localhost/],
    ['https://api.localhost/csp', /localhost/],
    ['https://intranet/csp', /public host/],
    ['not a url', /absolute https URL/],
  ])('refuses %s with VALIDATION_FAILED naming the reason', async (url, reason) => {
    const res = await call('POST', '/webhooks', { token: org.token, body: { url, events: ['*'] } });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.errors).toEqual([{ path: 'body.url', message: expect.stringMatching(reason) }]);
  });

  it('refuses event filters that are not event types', async () => {
    for (const events of [[], ['Order.Created'], ['order'], ['order.*.x']]) {
      const res = await call('POST', '/webhooks', { token: org.token, body: { url: URL_OK, events } });
      expect(res.status, JSON.stringify(events)).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.errors[0].path).toMatch(/^body\.events/);
    }
  });

  it('is for global admins: a user management admin gets 403', async () => {
    const { token } = await userWithRoles(org.token, org.domain, 'NONE', 'USER_MANAGEMENT_ADMIN');
    const res = await call('POST', '/webhooks', { token, body: { url: URL_OK, events: ['*'] } });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('FORBIDDEN');
  });
});
