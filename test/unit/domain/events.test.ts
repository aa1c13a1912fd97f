import { describe, expect, it } from 'vitest';
import {
  backoffSeconds,
  type DeliveryDeps,
  deliverEvent,
  MAX_ATTEMPTS,
  sendTestEvent,
  signature,
} from '../../../functions/activity/domain/deliveries.ts';
import {
  eventOf,
  eventType,
  filtersMatch,
  publishActivity,
} from '../../../functions/activity/domain/events.ts';
import { addressProblem, webhookUrlProblem } from '../../../functions/activity/domain/webhooks.ts';
import type { WebhookRecord } from '../../../functions/activity/ports.ts';
import type { ActivityRecord } from '../../../functions/platform/audit.ts';
import type { PlatformEvent } from '../../../functions/platform/events/event.ts';
import { FakeClock } from '../fakes/clock.ts';
import { FakeDeliveryStore, FakeWebhookStore } from '../fakes/delivery-store.ts';

const NOW = '2026-12-01T12:00:00.000Z';

const record = (over: Partial<ActivityRecord> = {}): ActivityRecord => ({
  activityId: `a-${Math.random().toString(36).slice(2)}`,
  at: NOW,
  organizationId: 'o1',
  actor: { kind: 'USER', userId: 'u9' },
  operation: 'USER_UPDATED',
  resourceType: 'user',
  resourceId: 'u1',
  changes: { firstName: ['Ada', 'Ida'] },
  requestId: 'req-1',
  ...over,
});

const hook = (over: Partial<WebhookRecord> = {}): WebhookRecord => ({
  id: 'w1',
  orgId: 'o1',
  url: 'https://hooks.contoso.example/csp',
  events: ['*'],
  sealedSecret: 'sealed:whsec_one',
  createdAt: NOW,
  createdBy: 'u9',
  ...over,
});

describe('event types', () => {
  it.each([
    ['USER_CREATED', 'user', 'user.created'],
    ['USER_PASSWORD_RESET', 'user', 'user.password_reset'],
    ['INVITATION_ACCEPTED', 'invitation', 'invitation.accepted'],
    ['ENROLLMENT_REMINDER_SENT', 'enrollment', 'enrollment.reminder_sent'],
    ['MPN_PROFILE_UPDATED', 'mpnProfile', 'mpn_profile.updated'],
    ['ACCOUNT_CREATED', 'organization', 'account.created'],
    ['INDIRECT_PROVIDER_CREATED', 'organization', 'indirect_provider.created'],
    ['WEBHOOK_DELETED', 'webhook', 'webhook.deleted'],
  ])('%s of a %s is %s', (operation, resourceType, type) => {
    expect(eventType(operation, resourceType)).toBe(type);
  });

  it('carry the record id, resource and changes, not its request internals', () => {
    const r = record({ customerId: 'c1' });
    const event = eventOf(r);
    expect(event).toEqual({
      id: r.activityId,
      type: 'user.updated',
      occurredAt: NOW,
      organizationId: 'o1',
      resource: { type: 'user', id: 'u1' },
      data: { operation: 'USER_UPDATED', actor: r.actor, customerId: 'c1', changes: r.changes },
    });
  });

  it.each([
    [['*'], 'order.created', true],
    [['order.created'], 'order.created', true],
    [['order.created'], 'order.canceled', false],
    [['subscription.*'], 'subscription.updated', true],
    [['subscription.*'], 'subscriptions.updated', false],
    [['user.created'], 'webhook.test', true],
  ])('filters %j take %s: %s', (filters, type, expected) => {
    expect(filtersMatch(filters, type)).toBe(expected);
  });
});

describe('signatures and retries', () => {
  it('sign "t.body" with HMAC-SHA256 keyed by the secret as shown (checked against openssl)', () => {
    expect(signature('whsec_test', 1_700_000_000, '{"a":1}')).toBe(
      't=1700000000,v1=38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789',
    );
  });

  it('wait exponentially from 10 s up to 4 h, half of it random', () => {
    expect(backoffSeconds(1, () => 0)).toBe(5);
    expect(backoffSeconds(1, () => 1)).toBe(10);
    expect(backoffSeconds(4, () => 1)).toBe(80);
    expect(backoffSeconds(15, () => 0)).toBe(7200);
    expect(backoffSeconds(15, () => 1)).toBe(14_400);
    const waits = Array.from({ length: 50 }, () => backoffSeconds(3));
    expect(Math.min(...waits)).toBeGreaterThanOrEqual(20);
    expect(Math.max(...waits)).toBeLessThanOrEqual(40);
    expect(new Set(waits).size).toBeGreaterThan(1);
  });
});

describe('addresses', () => {
  it.each([
    ['93.184.216.34', undefined],
    ['2606:4700::6810:84e5', undefined],
    ['10.1.2.3', /not a public address/],
    ['172.20.0.1', /not a public address/],
    ['192.168.1.1', /not a public address/],
    ['127.0.0.1', /not a public address/],
    ['169.254.169.254', /not a public address/],
    ['100.64.0.1', /not a public address/],
    ['0.0.0.0', /not a public address/],
    ['::1', /not a public address/],
    ['fe80::1', /not a public address/],
    ['fd00::1', /not a public address/],
    ['::ffff:10.0.0.1', /not a public address/],
    ['::ffff:93.184.216.34', undefined],
    ['example.com', /not an IP address/],
  ])('%s at delivery → %s', (address, expected) => {
    const problem = addressProblem(address);
    if (expected === undefined) expect(problem).toBeUndefined();
    else expect(problem).toMatch(expected);
  });

  it('let the local runtime reach http://127.0.0.1 receivers, nothing else', () => {
    expect(addressProblem('127.0.0.1', true)).toBeUndefined();
    expect(addressProblem('10.0.0.1', true)).toMatch(/not a public/);
    expect(webhookUrlProblem('http://127.0.0.1:4010/hook', true)).toBeUndefined();
    expect(webhookUrlProblem('http://127.0.0.1:4010/hook')).toMatch(/https/);
    expect(webhookUrlProblem('http://10.0.0.1/hook', true)).toMatch(/https/);
    expect(webhookUrlProblem('http://u:p@127.0.0.1/hook', true)).toMatch(/https/);
  });
});

function world(hooks: WebhookRecord[] = [hook()]) {
  const clock = new FakeClock(NOW);
  const webhooks = new FakeWebhookStore();
  for (const h of hooks) webhooks.hooks.push(h);
  const deliveries = new FakeDeliveryStore();
  const published: PlatformEvent[] = [];
  const sent: Array<{ url: string; body: string; headers: Record<string, string> }> = [];
  let answers: Array<number | Error> = [];
  const deps: DeliveryDeps = {
    webhooks,
    deliveries,
    clock,
    random: () => 1,
    secrets: { open: async (sealed) => sealed.replace(/^sealed:/, '') },
    sender: {
      async post(url, body, headers) {
        sent.push({ url, body, headers });
        const answer = answers.shift() ?? 200;
        if (answer instanceof Error) throw answer;
        return answer;
      },
    },
  };
  const queuedFlags: boolean[] = [];
  const bus = {
    publish: async (entries: ReadonlyArray<{ event: PlatformEvent; queuedForWebhooks: boolean }>) => {
      published.push(...entries.map((e) => e.event));
      queuedFlags.push(...entries.map((e) => e.queuedForWebhooks));
    },
  };
  return {
    clock,
    webhooks,
    deliveries,
    published,
    queuedFlags,
    bus,
    sent,
    deps,
    answer: (...a: Array<number | Error>) => {
      answers = a;
    },
    publish: (records: ActivityRecord[]) => publishActivity({ webhooks, deliveries, bus }, records),
  };
}

describe('publishing', () => {
  it('queues each event for the webhooks whose filters take it, then puts every event on the bus in order', async () => {
    const w = world([
      hook({ id: 'all' }),
      hook({ id: 'users', events: ['user.created'] }),
      hook({ id: 'other-org', orgId: 'o2' }),
    ]);
    const records = [record({ operation: 'USER_CREATED' }), record({ at: '2026-12-01T12:00:01.000Z' })];
    await w.publish(records);
    expect(w.published.map((e) => e.id)).toEqual(records.map((r) => r.activityId));
    // Both were queued for a webhook of o1: both go to the delivery queue.
    expect(w.queuedFlags).toEqual([true, true]);
    expect([...w.deliveries.queue.keys()].sort()).toEqual(
      [
        `o1/all/${records[0]?.activityId}`,
        `o1/all/${records[1]?.activityId}`,
        `o1/users/${records[0]?.activityId}`,
      ].sort(),
    );
    // An event nobody subscribed to is on the bus too, but not for the delivery queue.
    await w.publish([record({ organizationId: 'o3' })]);
    expect(w.queuedFlags.at(-1)).toBe(false);
    // The stream may hand the same records again: nothing is queued twice.
    await w.publish(records);
    expect(w.deliveries.attempts).toHaveLength(3);
  });
});

describe('deliveries', () => {
  it('POST the event signed with the webhook secret and leave the queue on a 2xx', async () => {
    const w = world();
    const r = record();
    await w.publish([r]);
    const event = w.published[0] as PlatformEvent;
    await expect(deliverEvent(w.deps, event)).resolves.toBeUndefined();
    expect(w.sent).toHaveLength(1);
    const { body, headers } = w.sent[0] as (typeof w.sent)[0];
    expect(JSON.parse(body)).toEqual(event);
    const t = Math.floor(Date.parse(NOW) / 1000);
    expect(headers['webhook-signature']).toBe(signature('whsec_one', t, body));
    expect(headers['webhook-id']).toBe(r.activityId);
    expect(w.deliveries.attempts).toEqual([
      expect.objectContaining({ attempt: 1, status: 'SUCCEEDED', responseStatus: 200 }),
    ]);
    // Delivered once: the same event again (a repeated message) sends nothing.
    await expect(deliverEvent(w.deps, event)).resolves.toBeUndefined();
    expect(w.sent).toHaveLength(1);
  });

  it('record a failed attempt, come back after the backoff, and succeed once', async () => {
    const w = world();
    await w.publish([record()]);
    const event = w.published[0] as PlatformEvent;
    w.answer(500, new Error('connect ECONNREFUSED'));
    expect(await deliverEvent(w.deps, event)).toBe(10);
    w.clock.advance(10);
    expect(await deliverEvent(w.deps, event)).toBe(20);
    w.clock.advance(20);
    expect(await deliverEvent(w.deps, event)).toBeUndefined();
    expect(w.sent).toHaveLength(3);
    expect(w.deliveries.attempts.map((a) => [a.attempt, a.status, a.responseStatus])).toEqual([
      [1, 'FAILED', 500],
      [2, 'FAILED', undefined],
      [3, 'SUCCEEDED', 200],
    ]);
  });

  it('keep a later event of a resource until the earlier one is delivered', async () => {
    const w = world();
    await w.publish([record(), record({ at: '2026-12-01T12:00:00.500Z' })]);
    const [first, second] = w.published as [PlatformEvent, PlatformEvent];
    w.answer(503);
    expect(await deliverEvent(w.deps, first)).toBe(10);
    // The second waits for the first's next attempt, without a POST.
    expect(await deliverEvent(w.deps, second)).toBe(10);
    expect(w.sent).toHaveLength(1);
    // Another resource is not held back.
    await w.publish([record({ resourceId: 'u2', at: '2026-12-01T12:00:00.600Z' })]);
    expect(await deliverEvent(w.deps, w.published[2] as PlatformEvent)).toBeUndefined();
    w.clock.advance(10);
    expect(await deliverEvent(w.deps, first)).toBeUndefined();
    expect(await deliverEvent(w.deps, second)).toBeUndefined();
    expect(w.sent.map((s) => (JSON.parse(s.body) as PlatformEvent).id)).toEqual([
      first.id,
      (w.published[2] as PlatformEvent).id,
      first.id,
      second.id,
    ]);
  });

  it('send the earlier events of a resource first when a later one comes first, each once', async () => {
    const w = world();
    await w.publish([
      record(),
      record({ at: '2026-12-01T12:00:00.500Z' }),
      record({ at: '2026-12-01T12:00:00.700Z' }),
    ]);
    const [first, second, third] = w.published as [PlatformEvent, PlatformEvent, PlatformEvent];
    // The second's message is handled first: it sends the first, then itself, not the third.
    await expect(deliverEvent(w.deps, second)).resolves.toBeUndefined();
    expect(w.sent.map((s) => (JSON.parse(s.body) as PlatformEvent).id)).toEqual([first.id, second.id]);
    await expect(deliverEvent(w.deps, first)).resolves.toBeUndefined();
    await expect(deliverEvent(w.deps, third)).resolves.toBeUndefined();
    expect(w.sent.map((s) => (JSON.parse(s.body) as PlatformEvent).id)).toEqual([
      first.id,
      second.id,
      third.id,
    ]);
  });

  it('send one POST when two workers hold the same event at once', async () => {
    const w = world();
    await w.publish([record()]);
    const event = w.published[0] as PlatformEvent;
    const results = await Promise.all([deliverEvent(w.deps, event), deliverEvent(w.deps, event)]);
    expect(w.sent).toHaveLength(1);
    expect(results.sort()).toEqual([2, undefined]);
  });

  it('stop at once for a deleted webhook', async () => {
    const w = world();
    await w.publish([record()]);
    await w.webhooks.delete('o1', 'w1');
    await expect(deliverEvent(w.deps, w.published[0] as PlatformEvent)).resolves.toBeUndefined();
    expect(w.sent).toHaveLength(0);
  });

  it('give up 24 hours after the event, the last attempt staying FAILED', async () => {
    const w = world();
    await w.publish([record()]);
    const event = w.published[0] as PlatformEvent;
    w.answer(500);
    expect(await deliverEvent(w.deps, event)).toBe(10);
    w.clock.advance(24 * 3600 - 5);
    w.answer(500);
    await expect(deliverEvent(w.deps, event)).resolves.toBeUndefined();
    expect(w.deliveries.queue.size).toBe(0);
    expect(w.deliveries.attempts.at(-1)).toMatchObject({ attempt: 2, status: 'FAILED', responseStatus: 500 });
  });

  it(`give up after ${MAX_ATTEMPTS} attempts whatever the clock`, async () => {
    const w = world();
    await w.publish([record()]);
    const event = w.published[0] as PlatformEvent;
    w.answer(...Array.from({ length: MAX_ATTEMPTS + 5 }, () => 500));
    let wait = await deliverEvent(w.deps, event);
    while (wait !== undefined) wait = await deliverEvent(w.deps, event);
    expect(w.sent).toHaveLength(MAX_ATTEMPTS);
  });
});

describe('the test event', () => {
  it('goes to the one webhook tested, whatever its filters; another organization gets NOT_FOUND', async () => {
    const w = world([hook({ events: ['order.created'] }), hook({ id: 'w2' })]);
    const deps = {
      webhooks: w.webhooks,
      deliveries: w.deliveries,
      clock: w.clock,
      bus: w.bus,
    };
    await expect(sendTestEvent(deps, { user: { id: 'x', orgId: 'o2' } }, 'w1')).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    const { eventId } = await sendTestEvent(deps, { user: { id: 'u9', orgId: 'o1' } }, 'w1');
    expect(w.published).toEqual([expect.objectContaining({ id: eventId, type: 'webhook.test' })]);
    await deliverEvent(w.deps, w.published[0] as PlatformEvent);
    expect(w.sent.map((s) => s.url)).toEqual(['https://hooks.contoso.example/csp']);
    expect(w.deliveries.attempts).toEqual([
      expect.objectContaining({ webhookId: 'w1', status: 'SUCCEEDED' }),
    ]);
  });
});
