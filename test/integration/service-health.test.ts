import { randomUUID } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../functions/platform/data/table.ts';
import { operatorToken } from '../support/enrollment.ts';
import { type Account, userWithRoles, verifiedAccount } from '../support/identity.ts';
import { expectProblem } from '../support/problems.ts';
import { allPages } from '../support/relationships.ts';
import { call, dynamo, tableName } from '../support/runtime.ts';

const DAY_MS = 86_400_000;
const incidentPath = (id: string) => `/operator/service-incidents/${id}`;
const newId = (label: string) => `${label}-${randomUUID().slice(0, 8)}`;

const body = (over: Record<string, unknown> = {}) => ({
  title: 'Mail delivery delays',
  service: 'Exchange Online',
  severity: 'WARNING',
  status: 'INVESTIGATING',
  message: 'We are investigating delayed mail delivery.',
  ...over,
});

/**
 * Moves an incident's last update (and start) `days` into the past in the table, as if its PUTs
 * had been made then: its index keys follow, as the store writes them.
 */
async function age(incidentId: string, days: number, resolved: boolean) {
  const at = new Date(Date.now() - days * DAY_MS).toISOString();
  const started = new Date(Date.now() - (days + 1) * DAY_MS).toISOString();
  await dynamo.send(
    new UpdateCommand({
      TableName: tableName,
      Key: keys.serviceIncident(incidentId),
      UpdateExpression: `SET updatedAt = :at, startedAt = :started, gsi1sk = :byUpdate${
        resolved ? ', resolvedAt = :at' : ', gsi2sk = :unresolved'
      }`,
      ExpressionAttributeValues: {
        ':at': at,
        ':started': started,
        ':byUpdate': keys.incidentsByUpdate(at, incidentId).gsi1sk,
        ...(resolved ? {} : { ':unresolved': keys.unresolvedIncidents(at, incidentId).gsi2sk }),
      },
    }),
  );
}

describe('service health', () => {
  let op: string;
  let partner: Account;
  beforeAll(async () => {
    [op, partner] = await Promise.all([operatorToken(), verifiedAccount()]);
  }, 120_000);

  const put = (id: string, over: Record<string, unknown> = {}, token = op) =>
    call('PUT', incidentPath(id), { token, body: body(over) });
  const health = async (query = '') =>
    (await allPages(`/service-health${query}`, partner.token, 100)) as Array<{
      incidentId: string;
      updatedAt: string;
    }>;

  it('creates an incident at its first PUT and appends every PUT’s message; RESOLVED sets resolvedAt', async () => {
    const id = newId('EX');
    const created = await put(id);
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    expect(created.body).toMatchObject({
      incidentId: id,
      title: 'Mail delivery delays',
      service: 'Exchange Online',
      severity: 'WARNING',
      status: 'INVESTIGATING',
      updates: [{ status: 'INVESTIGATING', message: 'We are investigating delayed mail delivery.' }],
    });
    expect(created.body.resolvedAt).toBeUndefined();

    const degraded = await put(id, { status: 'DEGRADED', severity: 'CRITICAL', message: 'Delays of hours.' });
    expect(degraded.status, JSON.stringify(degraded.body)).toBe(200);
    expect(degraded.body.startedAt).toBe(created.body.startedAt);
    expect(degraded.body.severity).toBe('CRITICAL');
    expect(degraded.body.updates.map((u: { message: string }) => u.message)).toEqual([
      'We are investigating delayed mail delivery.',
      'Delays of hours.',
    ]);

    const resolved = await put(id, { status: 'RESOLVED', message: 'Mail flows normally again.' });
    expect(resolved.status, JSON.stringify(resolved.body)).toBe(200);
    expect(resolved.body.updates).toHaveLength(3);
    expect(resolved.body.resolvedAt).toBe(resolved.body.updates[2].at);

    // Partners read it as the operator wrote it.
    const listed = (await health()).find((i) => i.incidentId === id);
    expect(listed).toEqual(resolved.body);
  });

  it('is the operators’: partners are refused, and bad input names its field', async () => {
    expectProblem(await put(newId('EX'), {}, partner.token), 403, 'FORBIDDEN');
    expectProblem(await put(newId('EX'), { severity: 'SEVERE' }), 400, 'VALIDATION_FAILED', 'body.severity');
    expectProblem(await put(newId('EX'), { message: ' ' }), 400, 'VALIDATION_FAILED', 'body.message');
    expectProblem(await put('bad id!'), 400, 'VALIDATION_FAILED', 'path.incidentId');
  });

  it('lists incidents open or updated in the last 30 days, most recently updated first', async () => {
    const [oldOpen, oldResolved, recentResolved, first, second] = [
      newId('old-open'),
      newId('old-resolved'),
      newId('recent-resolved'),
      newId('first'),
      newId('second'),
    ];
    for (const [id, status] of [
      [oldOpen, 'DEGRADED'],
      [oldResolved, 'RESOLVED'],
      [recentResolved, 'RESOLVED'],
    ] as const)
      expect((await put(id, { status })).status).toBe(200);
    await age(oldOpen, 45, false);
    await age(oldResolved, 31, true);
    await age(recentResolved, 20, true);
    expect((await put(first)).status).toBe(200);
    expect((await put(second)).status).toBe(200);

    const items = await health();
    const ids = items.map((i) => i.incidentId);
    const at = (id: string) => ids.indexOf(id);
    expect(ids).toContain(oldOpen);
    expect(ids).not.toContain(oldResolved);
    expect(at(second)).toBeGreaterThanOrEqual(0);
    expect(at(second)).toBeLessThan(at(first));
    expect(at(first)).toBeLessThan(at(recentResolved));
    expect(at(recentResolved)).toBeLessThan(at(oldOpen));
    // Newest update first, across the whole list (also across pages of one).
    const times = items.map((i) => i.updatedAt);
    expect(times).toEqual([...times].sort().reverse());
    expect((await health('?limit=1')).map((i) => i.incidentId)).toEqual(ids);

    // A later PUT brings an incident to the top.
    expect((await put(first, { status: 'RESTORED', message: 'Restored.' })).status).toBe(200);
    expect((await health())[0]?.incidentId).toBe(first);
  });

  it('narrows to incidents updated since `since`, 30 days back at most', async () => {
    const before = newId('before');
    expect((await put(before)).status).toBe(200);
    await age(before, 2, false);
    const since = new Date(Date.now() - 1000).toISOString();
    const after = newId('after');
    expect((await put(after)).status).toBe(200);

    const ids = (await health(`?since=${encodeURIComponent(since)}`)).map((i) => i.incidentId);
    expect(ids).toContain(after);
    expect(ids).not.toContain(before);
    const older = new Date(Date.now() - 31 * DAY_MS).toISOString();
    expectProblem(
      await call('GET', `/service-health?since=${encodeURIComponent(older)}`, { token: partner.token }),
      400,
      'VALIDATION_FAILED',
      'query.since',
    );
    expectProblem(
      await call('GET', '/service-health?since=yesterday', { token: partner.token }),
      400,
      'VALIDATION_FAILED',
      'query.since',
    );
  });

  it('is read with serviceHealth:read: agents yes, a user management admin without an agent role no', async () => {
    const [helpdesk, userAdmin] = await Promise.all([
      userWithRoles(partner.token, partner.domain, 'HELPDESK_AGENT', 'NONE'),
      userWithRoles(partner.token, partner.domain, 'NONE', 'USER_MANAGEMENT_ADMIN'),
    ]);
    expect((await call('GET', '/service-health', { token: helpdesk.token })).status).toBe(200);
    expectProblem(await call('GET', '/service-health', { token: userAdmin.token }), 403, 'FORBIDDEN');
  });
});
