import { randomUUID } from 'node:crypto';
import {
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  DeleteScheduleCommand,
  GetScheduleCommand,
  SchedulerClient,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type LocalScheduler, startScheduler } from '../../infra/local/scheduler.ts';

/**
 * The local EventBridge Scheduler (infra/local/scheduler.ts), spoken to with the real
 * `@aws-sdk/client-scheduler` the functions use: one-time `at()` schedules, fired after
 * (due − now) ÷ timeScale, retried and dead-lettered as Scheduler does.
 */
const REGION = 'us-east-1';
const ACCOUNT = '000000000000';
const TARGET_ARN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:timer-task`;
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/scheduler`;
const DLQ_ARN = `arn:aws:sqs:${REGION}:${ACCOUNT}:timers-dlq`;
const GROUP = 'timers';
/** A day passes in a second: retries wait their 50 ms floor. */
const TIME_SCALE = 86_400;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Scheduler's `at()`: whole seconds, UTC. */
const at = (ms: number) => `at(${new Date(ms).toISOString().slice(0, 19)})`;

/** Polls until `check` holds (or fails after `ms`). */
async function eventually(check: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(5);
  }
}

interface Call {
  arn: string;
  input: string;
  at: number;
}

/** A fake target: records each call; `outcome(n)` (n counts calls from 1) may throw to fail it. */
function fakeTarget() {
  const calls: Call[] = [];
  let outcome: (call: number, input: string) => void | Promise<void> = () => {};
  return {
    calls,
    callsWith: (input: string) => calls.filter((c) => c.input === input),
    failWhen(next: (call: number, input: string) => void | Promise<void>) {
      outcome = next;
    },
    invoke: async (arn: string, input: string) => {
      calls.push({ arn, input, at: Date.now() });
      await outcome(calls.filter((c) => c.input === input).length, input);
    },
  };
}

async function startWith(timeScale: number) {
  const target = fakeTarget();
  const scheduler = await startScheduler({
    region: REGION,
    accountId: ACCOUNT,
    timeScale,
    invoke: target.invoke,
  });
  const client = new SchedulerClient({
    endpoint: scheduler.url,
    region: REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return { target, scheduler, client };
}

/** A CreateSchedule input as functions/platform/events/timers.ts makes them; `input` is unique per test. */
function schedule(
  due: number,
  overrides: Partial<CreateScheduleCommandInput> & {
    retry?: { attempts?: number; ageSeconds?: number };
  } = {},
): CreateScheduleCommandInput & { Name: string; Input: string } {
  const { retry, ...rest } = overrides;
  const name = `t-${randomUUID()}`;
  const input = JSON.stringify({ timer: name });
  return {
    Name: name,
    Input: input,
    GroupName: GROUP,
    ScheduleExpression: at(due),
    ScheduleExpressionTimezone: 'UTC',
    FlexibleTimeWindow: { Mode: 'OFF' },
    ActionAfterCompletion: 'DELETE',
    Target: {
      Arn: TARGET_ARN,
      RoleArn: ROLE_ARN,
      Input: input,
      RetryPolicy: {
        MaximumRetryAttempts: retry?.attempts ?? 185,
        MaximumEventAgeInSeconds: retry?.ageSeconds ?? 86_400,
      },
      DeadLetterConfig: { Arn: DLQ_ARN },
    },
    ...rest,
  };
}

/** Strips the helper's extra `Input` field off before sending. */
const create = (client: SchedulerClient, input: CreateScheduleCommandInput & { Input?: string }) => {
  const { Input: _input, ...command } = input;
  return client.send(new CreateScheduleCommand(command));
};

const get = (client: SchedulerClient, name: string) =>
  client.send(new GetScheduleCommand({ Name: name, GroupName: GROUP }));

describe('the local Scheduler', () => {
  let scheduler: LocalScheduler;
  let client: SchedulerClient;
  let target: ReturnType<typeof fakeTarget>;

  beforeAll(async () => {
    ({ scheduler, client, target } = await startWith(TIME_SCALE));
  });
  afterAll(async () => {
    client?.destroy();
    await scheduler?.stop();
  });
  beforeEach(() => {
    target.failWhen(() => {});
  });

  it('fires a schedule due in a day after about a second (a day ÷ 86400), with its input', async () => {
    const start = Date.now();
    const s = schedule(start + 86_400_000);

    const answer = await create(client, s);
    expect(answer.ScheduleArn).toBe(`arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule/${GROUP}/${s.Name}`);
    expect(scheduler.pending()).toContainEqual({
      name: s.Name,
      groupName: GROUP,
      dueAt: `${at(start + 86_400_000).slice(3, -1)}.000Z`,
      targetArn: TARGET_ARN,
      input: s.Input,
    });

    await sleep(500);
    expect(target.callsWith(s.Input)).toEqual([]);
    await eventually(() => target.callsWith(s.Input).length === 1, 3000);

    const [call] = target.callsWith(s.Input);
    expect(call?.arn).toBe(TARGET_ARN);
    // The at() time is whole seconds: due − now lies within (86399 s, 86400 s], ~1 s here.
    expect((call?.at ?? 0) - start).toBeGreaterThanOrEqual(900);
    expect((call?.at ?? 0) - start).toBeLessThan(2000);
    expect(scheduler.pending().map((p) => p.name)).not.toContain(s.Name);
  });

  it('fires a schedule whose time is past at once', async () => {
    const start = Date.now();
    const s = schedule(Date.parse('2020-01-01T00:00:00Z'));

    await create(client, s);

    await eventually(() => target.callsWith(s.Input).length === 1, 1000);
    expect((target.callsWith(s.Input)[0]?.at ?? 0) - start).toBeLessThan(300);
  });

  it('calls the target with {} when the schedule has no Input', async () => {
    const s = schedule(Date.now() - 1000);
    const { Input: _, ...targetWithoutInput } = s.Target ?? { Arn: TARGET_ARN, RoleArn: ROLE_ARN };
    const before = target.calls.length;

    await create(client, { ...s, Target: targetWithoutInput });

    await eventually(() => target.calls.slice(before).some((c) => c.input === '{}'), 1000);
  });

  it('answers ConflictException for a name its group holds already, but takes it in another group', async () => {
    const s = schedule(Date.now() + 30 * 86_400_000);
    await create(client, s);

    await expect(create(client, s)).rejects.toMatchObject({
      name: 'ConflictException',
      message: `Schedule ${s.Name} already exists.`,
    });
    await expect(create(client, { ...s, GroupName: 'other' })).resolves.toMatchObject({
      ScheduleArn: expect.stringMatching(/:schedule\/other\//),
    });
    await client.send(new DeleteScheduleCommand({ Name: s.Name, GroupName: GROUP }));
    await client.send(new DeleteScheduleCommand({ Name: s.Name, GroupName: 'other' }));
  });

  it('answers ResourceNotFoundException for getting or deleting an unknown schedule', async () => {
    await expect(get(client, 'no-such-schedule')).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'Schedule no-such-schedule does not exist.',
      $metadata: { httpStatusCode: 404 },
    });
    await expect(
      client.send(new DeleteScheduleCommand({ Name: 'no-such-schedule', GroupName: GROUP })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('answers GetSchedule with what was created, the retry policy’s defaults filled in', async () => {
    const s = schedule(Date.now() + 30 * 86_400_000, { ActionAfterCompletion: 'NONE' });
    const { RetryPolicy: _, ...targetWithoutRetry } = s.Target ?? { Arn: TARGET_ARN, RoleArn: ROLE_ARN };
    await create(client, { ...s, Target: targetWithoutRetry });

    const got = await get(client, s.Name);

    expect(got).toMatchObject({
      Arn: `arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule/${GROUP}/${s.Name}`,
      Name: s.Name,
      GroupName: GROUP,
      ScheduleExpression: s.ScheduleExpression,
      ScheduleExpressionTimezone: 'UTC',
      State: 'ENABLED',
      ActionAfterCompletion: 'NONE',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: {
        Arn: TARGET_ARN,
        RoleArn: ROLE_ARN,
        Input: s.Input,
        RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 },
        DeadLetterConfig: { Arn: DLQ_ARN },
      },
    });
    // Timestamps come as epoch seconds on the wire; the SDK makes Dates of them.
    expect(got.CreationDate).toBeInstanceOf(Date);
    expect(Math.abs((got.CreationDate?.getTime() ?? 0) - Date.now())).toBeLessThan(5000);
    await client.send(new DeleteScheduleCommand({ Name: s.Name, GroupName: GROUP }));
  });

  it('never fires a schedule deleted before its time', async () => {
    // Due in 6 h: 250 ms at 1:86400.
    const s = schedule(Date.now() + 6 * 3_600_000);
    await create(client, s);

    await client.send(new DeleteScheduleCommand({ Name: s.Name, GroupName: GROUP }));

    expect(scheduler.pending().map((p) => p.name)).not.toContain(s.Name);
    await expect(get(client, s.Name)).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await sleep(400);
    expect(target.callsWith(s.Input)).toEqual([]);
  });

  it('deletes a schedule once it ran with ActionAfterCompletion DELETE, keeps it with NONE', async () => {
    const deleted = schedule(Date.now() - 1000, { ActionAfterCompletion: 'DELETE' });
    const kept = schedule(Date.now() - 1000, { ActionAfterCompletion: 'NONE' });
    await create(client, deleted);
    await create(client, kept);

    await eventually(
      () => target.callsWith(deleted.Input).length === 1 && target.callsWith(kept.Input).length === 1,
    );
    await sleep(50);

    await expect(get(client, deleted.Name)).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    expect((await get(client, kept.Name)).Name).toBe(kept.Name);
    expect(scheduler.pending().map((p) => p.name)).not.toContain(kept.Name);
    // Kept, but done: it does not fire again.
    await sleep(200);
    expect(target.callsWith(kept.Input)).toHaveLength(1);
    await client.send(new DeleteScheduleCommand({ Name: kept.Name, GroupName: GROUP }));
  });

  it('retries a failing target until it succeeds', async () => {
    target.failWhen((n) => {
      if (n <= 2) throw new Error(`failure ${n}`);
    });
    const s = schedule(Date.now() - 1000);

    await create(client, s);

    await eventually(() => target.callsWith(s.Input).length === 3);
    await sleep(200);
    expect(target.callsWith(s.Input)).toHaveLength(3);
    expect(scheduler.deadLetters().map((d) => d.name)).not.toContain(s.Name);
    await expect(get(client, s.Name)).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('dead-letters the input after MaximumRetryAttempts retries, with the last error', async () => {
    target.failWhen((n) => {
      throw new Error(`the target is down (${n})`);
    });
    const s = schedule(Date.now() - 1000, { retry: { attempts: 2 } });

    await create(client, s);

    await eventually(() => scheduler.deadLetters().some((d) => d.name === s.Name));
    expect(target.callsWith(s.Input)).toHaveLength(3);
    expect(scheduler.deadLetters().filter((d) => d.name === s.Name)).toEqual([
      { name: s.Name, input: s.Input, error: 'the target is down (3)' },
    ]);
    await sleep(200);
    expect(target.callsWith(s.Input)).toHaveLength(3);
    await expect(get(client, s.Name)).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('refuses what it does not serve, as ValidationException: rate(), cron(), another time zone, a flexible window', async () => {
    const s = schedule(Date.now() + 86_400_000);
    for (const bad of [
      { ScheduleExpression: 'rate(5 minutes)' },
      { ScheduleExpression: 'cron(0 9 * * ? *)' },
      { ScheduleExpression: 'at(2026-02-30T00:00:00)' },
      { ScheduleExpression: 'at(2026-01-01 00:00:00)' },
      { ScheduleExpressionTimezone: 'Europe/Paris' },
      { FlexibleTimeWindow: { Mode: 'FLEXIBLE' as const, MaximumWindowInMinutes: 5 } },
      { Name: 'not a valid name' },
      { Name: 'x'.repeat(65) },
      { Target: { Arn: TARGET_ARN, RoleArn: ROLE_ARN, RetryPolicy: { MaximumRetryAttempts: 186 } } },
      { ActionAfterCompletion: 'ARCHIVE' as 'NONE' },
    ])
      await expect(create(client, { ...s, ...bad }), JSON.stringify(bad)).rejects.toMatchObject({
        name: 'ValidationException',
        $metadata: { httpStatusCode: 400 },
      });
    expect(scheduler.pending().map((p) => p.name)).not.toContain(s.Name);
  });

  it('refuses an operation it does not serve', async () => {
    const s = schedule(Date.now() + 86_400_000);
    const { Input: _, ...input } = s;
    await expect(client.send(new UpdateScheduleCommand(input))).rejects.toMatchObject({
      name: 'UnknownOperationException',
    });
  });
});

describe('the local Scheduler’s timing', () => {
  let started: Array<{ scheduler: LocalScheduler; client: SchedulerClient }> = [];
  afterEach(async () => {
    for (const { scheduler, client } of started) {
      client.destroy();
      await scheduler.stop();
    }
    started = [];
  });

  it('backs off 1 s doubling up to 60 s, divided by the time scale, 50 ms at least', async () => {
    // 1:100: 10, 20, 40 ms (50 ms floor), 80, 160, 320, 600 (640 capped), 600 ms (1280 capped).
    const run = await startWith(100);
    started.push(run);
    run.target.failWhen((n) => {
      if (n <= 8) throw new Error('not yet');
    });
    const s = schedule(Date.now() - 1000);

    await create(run.client, s);

    await eventually(() => run.target.callsWith(s.Input).length === 9);
    const times = run.target.callsWith(s.Input).map((c) => c.at);
    const gaps = times.slice(1).map((t, i) => t - (times[i] ?? 0));
    const expected = [50, 50, 50, 80, 160, 320, 600, 600];
    gaps.forEach((gap, i) => {
      const want = expected[i] ?? 0;
      expect(gap, `wait ${i + 1}: ${gaps.join(', ')}`).toBeGreaterThanOrEqual(want - 5);
      expect(gap, `wait ${i + 1}: ${gaps.join(', ')}`).toBeLessThan(want * 1.4 + 20);
    });
    expect(run.scheduler.deadLetters()).toEqual([]);
  });

  it('dead-letters once MaximumEventAgeInSeconds (scaled) has passed, retries left or not', async () => {
    // 1:1000, tries 50 ms apart: each 50 s older; past 120 s after a few, far from 185 retries.
    const run = await startWith(1000);
    started.push(run);
    run.target.failWhen(() => {
      throw new Error('down');
    });
    const s = schedule(Date.now() - 1000, { retry: { ageSeconds: 120 } });

    await create(run.client, s);

    await eventually(() => run.scheduler.deadLetters().length === 1);
    const tries = run.target.callsWith(s.Input);
    expect(tries.length).toBeGreaterThanOrEqual(2);
    expect(tries.length).toBeLessThanOrEqual(3);
    // No try came after the event’s age (120 s ÷ 1000 = 120 ms, with room for timer lag).
    expect((tries.at(-1)?.at ?? 0) - (tries[0]?.at ?? 0)).toBeLessThanOrEqual(150);
  });

  it('waits past setTimeout’s ceiling (2^31 − 1 ms) instead of firing at once', async () => {
    // Year 9999 at 1:86400 is ~34 days of real time: more than setTimeout takes in one go.
    const run = await startWith(TIME_SCALE);
    started.push(run);
    const s = schedule(Date.parse('9999-12-31T23:59:59Z'));
    // Node answers a longer setTimeout with this warning and a 1 ms timer.
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on('warning', onWarning);

    await create(run.client, s);

    await sleep(100);
    process.off('warning', onWarning);
    expect(run.target.callsWith(s.Input)).toEqual([]);
    expect(warnings).not.toContain('TimeoutOverflowWarning');
    expect(run.scheduler.pending()).toEqual([expect.objectContaining({ dueAt: '9999-12-31T23:59:59.000Z' })]);
  });

  it('fires past setTimeout’s ceiling once the whole wait is over, re-armed in steps', async () => {
    // Node's clock is faked (it still runs with real time, for the HTTP calls) to jump 24.8 days.
    // 10 s at most: a timer that does not wait re-arms every faked millisecond, a hang, not a pass.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], shouldAdvanceTime: true });
    try {
      const run = await startWith(TIME_SCALE);
      started.push(run);
      const s = schedule(Date.parse('9999-12-31T23:59:59Z'));
      await create(run.client, s);
      const realWait = (Date.parse('9999-12-31T23:59:59Z') - Date.now()) / TIME_SCALE;
      expect(realWait).toBeGreaterThan(2 ** 31);

      await vi.advanceTimersByTimeAsync(2 ** 31);
      expect(run.target.callsWith(s.Input)).toEqual([]);
      await vi.advanceTimersByTimeAsync(realWait - 2 ** 31 + 1000);
      expect(run.target.callsWith(s.Input)).toHaveLength(1);
    } finally {
      vi.useRealTimers();
    }
  }, 10_000);

  it('starts no invocation once stopped: no timer fires, no retry follows a call under way', async () => {
    const run = await startWith(TIME_SCALE);
    const s = schedule(Date.now() + 6 * 3_600_000);
    await create(run.client, s);
    const retried = schedule(Date.now() - 1000);
    // The first call fails once stop() has begun; a retry would follow 50 ms later.
    run.target.failWhen(async () => {
      await sleep(100);
      throw new Error('down');
    });
    await create(run.client, retried);
    await eventually(() => run.target.callsWith(retried.Input).length === 1);

    run.client.destroy();
    await run.scheduler.stop();
    const calls = run.target.calls.length;

    await sleep(400);
    expect(run.target.calls).toHaveLength(calls);
    expect(run.target.callsWith(retried.Input)).toHaveLength(1);
    expect(run.target.callsWith(s.Input)).toEqual([]);
    expect(run.scheduler.deadLetters()).toEqual([]);
  });
});
