/**
 * The events part of `npm run bench` (run.ts starts it as its own process, on a runtime started
 * with `meter: true`): what a change costs and how fast it reaches a partner.
 *
 * - Change → delivery latency: `PATCH /users/{id}` (a rename) until a local receiver registered
 *   for `user.updated` has the signed event, measured from the API's answer. At c=1 each rename
 *   waits for its delivery; at c=10 ten users are renamed at once, each right after the last,
 *   without waiting. The path is the deployed one: the table's stream, publish-events, the bus,
 *   the queue, deliver-webhooks. Local stand-ins poll (the stream reader every ~50 ms, as
 *   Lambda's stream poller polls up to 4 times a second), so absolute numbers are indicative.
 * - Write units per rename, from the metering proxy: the change alone (its activity record
 *   computed out by item size), with its record, and with its record, events and one webhook
 *   delivery (queued delivery, attempt rows), all after the pipeline has settled.
 *
 * Setup (accounts, users, webhook) is not measured. It asserts no timing.
 */
import { performance } from 'node:perf_hooks';
import type { ActivityRecord } from '../../functions/platform/audit.ts';
import { type LocalRuntime, startLocalRuntime } from '../../infra/local/runtime.ts';
import { type Received, startReceiver } from '../support/receiver.ts';
import { expectOk, pool, request, seedAccount } from './http.ts';
import { summarize } from './stats.ts';
import { activityWriteUnits } from './units.ts';

const LATENCY = { warmUp: 10, c1: 100, c10: { users: 10, each: 20 } } as const;
const METERED_RENAMES = 20;

interface Org {
  token: string;
  domain: string;
}

async function addUser(rt: LocalRuntime, org: Org, n: number): Promise<string> {
  const created = await expectOk<{ user: { id: string } }>(
    'POST /users',
    request(`${rt.apiUrl}/users`, {
      method: 'POST',
      token: org.token,
      body: {
        firstName: 'Eve',
        lastName: `Bench${n}`,
        email: `eve-${n}@${org.domain}`,
        agentRole: 'HELPDESK_AGENT',
        adminRole: 'NONE',
      },
    }),
  );
  return created.user.id;
}

const rename = (rt: LocalRuntime, org: Org, userId: string, firstName: string) =>
  expectOk(
    'PATCH /users/{id}',
    request(`${rt.apiUrl}/users/${userId}`, { method: 'PATCH', token: org.token, body: { firstName } }),
  );

/** The first name a delivered user.updated event set (each rename sets a unique one). */
const renamedTo = (r: Received) =>
  ((r.event as unknown as { data: { changes?: { firstName?: [string, string] } } }).data.changes?.firstName ??
    [])[1];

async function waitFor<T>(what: string, check: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

async function org(rt: LocalRuntime): Promise<Org> {
  const account = await seedAccount(rt, { signIn: true });
  return { token: account.token ?? '', domain: account.domain };
}

async function main(): Promise<number> {
  const startedAt = performance.now();
  const rt = await startLocalRuntime({
    port: 0,
    mailboxPort: 0,
    timeScale: 86_400,
    operator: { email: 'operator@bench.local', password: 'Operator-Bench-2026' },
    logLevel: 'ERROR',
    meter: true,
  });
  const receiver = await startReceiver();
  try {
    const hooked = await org(rt);
    await expectOk(
      'POST /webhooks',
      request(`${rt.apiUrl}/webhooks`, {
        method: 'POST',
        token: hooked.token,
        body: { url: receiver.url, events: ['user.updated'] },
      }),
    );
    const arrivals = new Map<string, number>();
    const arrivedAt = (name: string) => {
      if (!arrivals.has(name))
        for (const r of receiver.received) {
          const to = renamedTo(r);
          if (to !== undefined && !arrivals.has(to)) arrivals.set(to, r.at);
        }
      return arrivals.get(name);
    };

    // c=1: each rename, then its delivery.
    const solo = await addUser(rt, hooked, 0);
    const c1: number[] = [];
    for (let i = 0; i < LATENCY.warmUp + LATENCY.c1; i++) {
      const name = `Solo${i}`;
      await rename(rt, hooked, solo, name);
      const answered = Date.now();
      const at = await waitFor(`the delivery of ${name}`, () => arrivedAt(name));
      if (i >= LATENCY.warmUp) c1.push(at - answered);
    }
    // c=10: ten users renamed at once.
    const users = await Promise.all(
      Array.from({ length: LATENCY.c10.users }, (_, u) => addUser(rt, hooked, u + 1)),
    );
    const answeredAt = new Map<string, number>();
    const loadStarted = performance.now();
    await pool(users, users.length, async (userId) => {
      for (let i = 0; i < LATENCY.c10.each; i++) {
        const name = `Load${userId.slice(0, 8)}x${i}`;
        await rename(rt, hooked, userId, name);
        answeredAt.set(name, Date.now());
      }
    });
    const answeredMs = performance.now() - loadStarted;
    const c10: number[] = [];
    for (const [name, answered] of answeredAt)
      c10.push((await waitFor(`the delivery of ${name}`, () => arrivedAt(name))) - answered);
    const loadMs = performance.now() - loadStarted;

    // Write units per rename: an organization without a webhook, then the one with.
    const { metrics, resetMetrics } = rt;
    if (!metrics || !resetMetrics) throw new Error('the runtime was started without meter: true');
    const plain = await org(rt);
    const plainUser = await addUser(rt, plain, 99);
    const metered = async (o: Org, userId: string, prefix: string) => {
      await rt.events.idle();
      resetMetrics();
      for (let i = 0; i < METERED_RENAMES; i++) await rename(rt, o, userId, `${prefix}${i}`);
      await rt.events.idle();
      const d = metrics().dynamodb;
      return { wru: d.writeRequestUnits / METERED_RENAMES, rru: d.readRequestUnits / METERED_RENAMES };
    };
    const without = await metered(plain, plainUser, 'Plain');
    const deliveredBefore = receiver.accepted().length;
    const withHook = await metered(hooked, solo, 'Hooked');
    const delivered = receiver.accepted().length - deliveredBefore;
    const record: ActivityRecord = {
      activityId: '00000000-0000-4000-8000-000000000000',
      at: new Date().toISOString(),
      organizationId: '00000000-0000-4000-8000-000000000000',
      actor: { kind: 'USER', userId: '00000000-0000-4000-8000-000000000000', email: `ada@${plain.domain}` },
      operation: 'USER_UPDATED',
      resourceType: 'user',
      resourceId: plainUser,
      changes: { firstName: ['Plain0', 'Plain1'] },
      requestId: '00000000-0000-4000-8000-000000000000',
    };
    const recordUnits = activityWriteUnits(record);

    const line = (name: string, xs: number[], wallMs?: number) => {
      const s = summarize(xs, wallMs ?? xs.reduce((a, b) => a + b, 0));
      return `  ${name.padEnd(34)} n=${String(xs.length).padStart(3)}  p50 ${s.p50.toFixed(0).padStart(4)} ms  p99 ${s.p99.toFixed(0).padStart(4)} ms  max ${Math.max(
        ...xs,
      )
        .toFixed(0)
        .padStart(4)} ms`;
    };
    console.log('Events: a change → its signed delivery to a local receiver (from the API answer):');
    console.log(line('c=1 (each rename waits for its own)', c1));
    console.log(line(`c=${LATENCY.c10.users} (${LATENCY.c10.users} users renamed at once)`, c10, loadMs));
    console.log(
      `  at c=${LATENCY.c10.users}: ${answeredAt.size} renames answered in ${(answeredMs / 1000).toFixed(1)} s ` +
        `(${((answeredAt.size * 1000) / answeredMs).toFixed(0)}/s), all delivered ${((loadMs - answeredMs) / 1000).toFixed(1)} s after the last answer: ` +
        'here one machine runs the API, DynamoDB Local and the consumers at once, so deliveries queue behind the load',
    );
    console.log(
      `Write units per PATCH /users/{id} (meter, after the pipeline settled; transactions count double):\n` +
        `  the change alone ${(without.wru - recordUnits).toFixed(1)} WRU → with its activity record ${without.wru.toFixed(1)} WRU ` +
        `(×${(without.wru / (without.wru - recordUnits)).toFixed(2)}) → with events and one webhook delivery ${withHook.wru.toFixed(1)} WRU ` +
        `(×${(withHook.wru / (without.wru - recordUnits)).toFixed(2)}); reads ${without.rru.toFixed(1)} → ${withHook.rru.toFixed(1)} RRU ` +
        `(${delivered} of ${METERED_RENAMES} delivered while metered)`,
    );
    console.log(
      `Events part (start, setup, measures): ${((performance.now() - startedAt) / 1000).toFixed(1)} s`,
    );
    return delivered === METERED_RENAMES ? 0 : 1;
  } finally {
    await receiver.stop();
    await rt.stop();
  }
}

try {
  process.exitCode = await main();
} catch (error) {
  console.error(`Events benchmark failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
