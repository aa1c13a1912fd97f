import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Account, verifiedAccount } from '../support/identity.ts';
import { type Received, readmeVerifier, startReceiver } from '../support/receiver.ts';
import { call, eventually } from '../support/runtime.ts';

type Receiver = Awaited<ReturnType<typeof startReceiver>>;

const newUser = (domain: string, n: string) => ({
  firstName: 'Eve',
  lastName: `Event-${n}`,
  email: `eve-${n}-${Math.random().toString(36).slice(2, 8)}@${domain}`,
  agentRole: 'HELPDESK_AGENT',
  adminRole: 'NONE',
});

async function register(org: Account, url: string, events: string[]) {
  const created = await call('POST', '/webhooks', { token: org.token, body: { url, events } });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body as { webhookId: string; secret: string };
}

const ofType = (r: Receiver, type: string) => r.received.filter((x) => x.event.type === type);
const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('events and webhook deliveries', () => {
  const receivers: Receiver[] = [];
  const receiver = async (answer?: Parameters<typeof startReceiver>[0]) => {
    const r = await startReceiver(answer);
    receivers.push(r);
    return r;
  };
  let org: Account;
  let other: Account;
  let verifySignature: Awaited<ReturnType<typeof readmeVerifier>>;
  beforeAll(async () => {
    [org, other, verifySignature] = await Promise.all([
      verifiedAccount(),
      verifiedAccount(),
      readmeVerifier(),
    ]);
    // The first event also builds and starts both consumers (a local cold start, seconds of
    // esbuild): one change goes through before anything is timed.
    const warm = await receiver();
    const hook = await register(other, warm.url, ['user.created']);
    expect(
      (await call('POST', '/users', { token: other.token, body: newUser(other.domain, 'w') })).status,
    ).toBe(201);
    await eventually(
      async () => (warm.accepted().length > 0 ? true : undefined),
      60_000,
      'the warm-up delivery',
    );
    expect((await call('DELETE', `/webhooks/${hook.webhookId}`, { token: other.token })).status).toBe(204);
  }, 90_000);
  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.stop()));
  });

  it('delivers a change to a local receiver, signed, within 5 seconds, and lists the attempt', async () => {
    const inbox = await receiver();
    const hook = await register(org, inbox.url, ['user.*']);
    const created = await call('POST', '/users', { token: org.token, body: newUser(org.domain, 'a') });
    expect(created.status).toBe(201);
    const changedAt = Date.now();
    const userId = created.body.user.id as string;

    const got = await eventually(
      async () => ofType(inbox, 'user.created').find((r) => r.event.resource.id === userId),
      10_000,
      'the user.created delivery',
    );
    expect(got.at - changedAt).toBeLessThan(5_000);
    expect(verifySignature(hook.secret, got.headers['webhook-signature'] as string, got.body)).toBe(true);
    expect(verifySignature('whsec_wrong', got.headers['webhook-signature'] as string, got.body)).toBe(false);
    expect(got.headers['webhook-id']).toBe(got.event.id);
    expect(got.event).toMatchObject({ organizationId: org.orgId, resource: { type: 'user', id: userId } });
    // The event is the activity record: same id.
    const log = await call('GET', '/activity?resourceType=user', { token: org.token });
    expect(log.body.items.map((a: { activityId: string }) => a.activityId)).toContain(got.event.id);
    // The filter took user.* only: the webhook's own creation was not sent.
    expect(inbox.received.map((r) => r.event.type)).not.toContain('webhook.created');

    const deliveries = await eventually(async () => {
      const page = await call('GET', `/webhooks/${hook.webhookId}/deliveries`, { token: org.token });
      return page.body.items.some((d: { status: string }) => d.status === 'SUCCEEDED') ? page : undefined;
    });
    expect(deliveries.status).toBe(200);
    expect(deliveries.body.items).toContainEqual({
      eventId: got.event.id,
      type: 'user.created',
      attempt: 1,
      status: 'SUCCEEDED',
      responseStatus: 200,
      at: expect.any(String),
    });
  });

  it('retries a receiver that fails twice and delivers the event to it once', async () => {
    const answered = new Map<string, number>();
    const flaky = await receiver((r) => {
      const n = (answered.get(r.event.id) ?? 0) + 1;
      answered.set(r.event.id, n);
      return n <= 2 ? 500 : 200;
    });
    const hook = await register(org, flaky.url, ['order.created']);
    const sent = await call('POST', `/webhooks/${hook.webhookId}/test`, { token: org.token });
    expect(sent.status).toBe(202);
    const eventId = sent.body.eventId as string;

    await eventually(
      async () => flaky.accepted().find((r) => r.event.id === eventId),
      15_000,
      'the third attempt',
    );
    await settle(1_000);
    const forEvent = flaky.received.filter((r) => r.event.id === eventId);
    expect(forEvent.map((r) => r.status)).toEqual([500, 500, 200]);
    expect(forEvent[0]?.event.type).toBe('webhook.test');
    for (const r of forEvent)
      expect(verifySignature(hook.secret, r.headers['webhook-signature'] as string, r.body)).toBe(true);

    const deliveries = await call('GET', `/webhooks/${hook.webhookId}/deliveries`, { token: org.token });
    expect(
      deliveries.body.items
        .filter((d: { eventId: string }) => d.eventId === eventId)
        .map((d: { attempt: number; status: string; responseStatus?: number }) => [
          d.attempt,
          d.status,
          d.responseStatus,
        ]),
    ).toEqual([
      [3, 'SUCCEEDED', 200],
      [2, 'FAILED', 500],
      [1, 'FAILED', 500],
    ]);
  });

  it('turns 50 rapid changes into 50 events, each delivered once, in order per resource', async () => {
    const fresh = await verifiedAccount();
    const inbox = await receiver();
    await register(fresh, inbox.url, ['user.updated']);
    const users = await Promise.all(
      ['x', 'y'].map(async (n) => {
        const created = await call('POST', '/users', { token: fresh.token, body: newUser(fresh.domain, n) });
        expect(created.status).toBe(201);
        return created.body.user.id as string;
      }),
    );
    // Two users renamed 25 times each, both at once, each rename right after the last.
    await Promise.all(
      users.map(async (id) => {
        for (let i = 1; i <= 25; i++) {
          const renamed = await call('PATCH', `/users/${id}`, {
            token: fresh.token,
            body: { firstName: `Name${i}` },
          });
          expect(renamed.status).toBe(200);
        }
      }),
    );
    await eventually(async () => (inbox.accepted().length >= 50 ? true : undefined), 30_000, '50 deliveries');
    await settle(1_000);
    const got = inbox.accepted();
    expect(got).toHaveLength(50);
    expect(new Set(got.map((r) => r.event.id)).size).toBe(50);

    // The log, oldest first, is the order each user's events must arrive in.
    const log = await call('GET', '/activity?resourceType=user&limit=100', { token: fresh.token });
    const updates = (log.body.items as Array<{ activityId: string; operation: string; resourceId: string }>)
      .filter((a) => a.operation === 'USER_UPDATED')
      .reverse();
    expect(updates).toHaveLength(50);
    for (const id of users) {
      const expected = updates.filter((a) => a.resourceId === id).map((a) => a.activityId);
      const arrived = got.filter((r: Received) => r.event.resource.id === id).map((r) => r.event.id);
      expect(arrived).toEqual(expected);
    }
  }, 60_000);

  it('stops delivering to a deleted webhook at once', async () => {
    const fresh = await verifiedAccount();
    const [kept, dropped] = [await receiver(), await receiver()];
    await register(fresh, kept.url, ['user.*']);
    const gone = await register(fresh, dropped.url, ['user.*']);
    expect((await call('DELETE', `/webhooks/${gone.webhookId}`, { token: fresh.token })).status).toBe(204);
    const created = await call('POST', '/users', { token: fresh.token, body: newUser(fresh.domain, 'z') });
    expect(created.status).toBe(201);
    await eventually(async () => (kept.accepted().length > 0 ? true : undefined), 10_000, 'the kept webhook');
    await settle(1_000);
    expect(dropped.received).toEqual([]);
  });

  it("answers 404 for another organization's webhook", async () => {
    const inbox = await receiver();
    const hook = await register(org, inbox.url, ['*']);
    const test = await call('POST', `/webhooks/${hook.webhookId}/test`, { token: other.token });
    expect(test.status).toBe(404);
    expect(test.body.code).toBe('NOT_FOUND');
    const list = await call('GET', `/webhooks/${hook.webhookId}/deliveries`, { token: other.token });
    expect(list.status).toBe(404);
    expect(list.body.code).toBe('NOT_FOUND');
  });
});
