import { readFileSync } from 'node:fs';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { stepFunctionsReview } from '../../functions/enrollment/workflow.ts';
import { auditContext } from '../../functions/platform/audit.ts';
import { correlatedTask, correlationId, withCorrelation } from '../../functions/platform/correlation.ts';
import { eventBridgeBus } from '../../functions/platform/events/bus.ts';
import type { PlatformEvent } from '../../functions/platform/events/event.ts';
import { schedulerTimers } from '../../functions/platform/events/timers.ts';
import { httpHandler } from '../../functions/platform/http/handler.ts';
import { logger } from '../../functions/platform/logger.ts';
import { stateMachineArnEnvName, timerTargetEnvName } from '../../functions/platform/resources.ts';
import type { RouteSpec } from '../../functions/routes.ts';
import { workflows } from '../../functions/workflows.ts';

/** What the functions print on stdout and stderr meanwhile, one parsed JSON object per line. */
function captureOutput() {
  const lines: string[] = [];
  const grab = (chunk: string | Uint8Array) => {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(grab);
  vi.spyOn(process.stderr, 'write').mockImplementation(grab);
  return () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let logged: () => Array<Record<string, unknown>>;

beforeEach(() => {
  // Unit tests run the logger SILENT; these read its lines.
  logger.setLogLevel('INFO');
  logged = captureOutput();
});

afterEach(() => {
  logger.setLogLevel('SILENT');
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('withCorrelation', () => {
  it('puts the id on every log line written inside, across awaits, and on none outside', async () => {
    logger.info('before');

    await withCorrelation('req-1', async () => {
      logger.info('inside');
      await delay(1);
      logger.warn('after a wait');
      expect(logger.getCorrelationId()).toBe('req-1');
    });
    logger.info('after');

    expect(logged().map((l) => [l.message, l.correlation_id])).toEqual([
      ['before', undefined],
      ['inside', 'req-1'],
      ['after a wait', 'req-1'],
      ['after', undefined],
    ]);
    expect(correlationId()).toBeUndefined();
  });

  it('names the id as the request id of the activity records written inside, by the platform', async () => {
    const inside = await withCorrelation('req-2', async () => auditContext());

    expect(inside).toEqual({ actor: { kind: 'SYSTEM' }, requestId: 'req-2' });
    expect(auditContext().requestId).toBe('system');
  });

  it('keeps each record of a batch handled in parallel in its own story, and a nested one in its own', async () => {
    await Promise.all(
      ['a', 'b', 'c'].map((id, i) =>
        withCorrelation(`req-${id}`, async () => {
          await delay(3 - i);
          logger.info('record', { record: id });
        }),
      ),
    );
    await withCorrelation('outer', async () => {
      await withCorrelation('inner', async () => logger.info('nested'));
      logger.info('back out');
    });

    const lines = logged();
    // Interleaved (each waits a different time); whatever order they end in, each keeps its own story.
    expect(
      lines
        .filter((l) => l.message === 'record')
        .map((l) => [l.record, l.correlation_id])
        .sort(),
    ).toEqual([
      ['a', 'req-a'],
      ['b', 'req-b'],
      ['c', 'req-c'],
    ]);
    expect(lines.filter((l) => l.message !== 'record').map((l) => l.correlation_id)).toEqual([
      'inner',
      'outer',
    ]);
  });
});

describe('correlatedTask', () => {
  const seen: unknown[] = [];
  const task = correlatedTask(async (event: { enrollmentId: string }) => {
    seen.push({ event, id: correlationId(), requestId: auditContext().requestId });
    logger.info('step');
    return { done: event.enrollmentId };
  });
  beforeEach(() => {
    seen.length = 0;
  });

  it('runs in the story its event carries and hands the task its event without the id', async () => {
    const result = await task({ enrollmentId: 'e1', correlationId: 'req-7' }, { awsRequestId: 'aws-1' });

    expect(result).toEqual({ done: 'e1' });
    expect(seen).toEqual([{ event: { enrollmentId: 'e1' }, id: 'req-7', requestId: 'req-7' }]);
    expect(logged()[0]?.correlation_id).toBe('req-7');
  });

  it('starts a story of its own per invocation when the event carries none; a warm function keeps nothing', async () => {
    await task({ enrollmentId: 'e2' }, { awsRequestId: 'aws-2' });
    await task({ enrollmentId: 'e3', correlationId: 'req-8' }, { awsRequestId: 'aws-3' });
    await task({ enrollmentId: 'e4' }, { awsRequestId: 'aws-4' });

    expect(seen.map((s) => (s as { id: string }).id)).toEqual(['aws-2', 'req-8', 'aws-4']);
    expect(logged().map((l) => l.correlation_id)).toEqual(['aws-2', 'req-8', 'aws-4']);
    expect(correlationId()).toBeUndefined();
  });
});

describe('httpHandler', () => {
  const route = {
    method: 'POST',
    path: '/things',
    handler: 'unused',
    auth: 'public',
    summary: 'fixture',
    response: { status: 204 },
  } satisfies RouteSpec;
  const event = (requestId: string) =>
    ({
      resource: route.path,
      path: route.path,
      httpMethod: 'POST',
      headers: {},
      multiValueHeaders: {},
      queryStringParameters: null,
      multiValueQueryStringParameters: null,
      pathParameters: null,
      stageVariables: null,
      body: null,
      isBase64Encoded: false,
      requestContext: { requestId } as APIGatewayProxyEvent['requestContext'],
    }) as APIGatewayProxyEvent;
  const context = { awsRequestId: 'aws-9' } as Context;

  it('runs each request in its own story, the stack’s error line included', async () => {
    const requestIds: string[] = [];
    const handler = httpHandler(route, async ({ requestId }) => {
      requestIds.push(auditContext().requestId);
      logger.info('handling', { requestId });
      if (requestId === 'req-boom') throw new Error('boom');
      return { status: 204 };
    });

    expect((await handler(event('req-ok'), context)).statusCode).toBe(204);
    expect((await handler(event('req-boom'), context)).statusCode).toBe(500);

    expect(requestIds).toEqual(['req-ok', 'req-boom']);
    expect(logged().map((l) => [l.message, l.correlation_id])).toEqual([
      ['handling', 'req-ok'],
      ['handling', 'req-boom'],
      ['unhandled error', 'req-boom'],
    ]);
  });
});

describe('what a story starts carries it on', () => {
  it('the review execution’s input', async () => {
    vi.stubEnv(stateMachineArnEnvName('enrollment-review'), 'arn:aws:states:us-east-1:1:stateMachine:r');
    const send = vi.spyOn(SFNClient.prototype, 'send').mockResolvedValue({} as never);

    await withCorrelation('req-5', () => stepFunctionsReview.start('e5'));

    const inputs = send.mock.calls.map((c) => JSON.parse((c[0] as { input: { input: string } }).input.input));
    expect(inputs).toEqual([{ enrollmentId: 'e5', correlationId: 'req-5' }]);
  });

  it('every task of the review state machine: its payload passes the execution’s id on', () => {
    const review = workflows.find((w) => w.name === 'enrollment-review');
    const definition = JSON.parse(
      readFileSync(new URL(`../../${review?.definitionFile}`, import.meta.url), 'utf8'),
    );
    const tasks = Object.entries(
      definition.States as Record<string, { Type: string; Parameters?: { Payload?: object } }>,
    ).filter(([, s]) => s.Type === 'Task');

    expect(tasks.length).toBeGreaterThan(5);
    for (const [name, state] of tasks)
      expect(state.Parameters?.Payload, name).toMatchObject({ 'correlationId.$': '$.correlationId' });
  });

  it('a timer’s input', async () => {
    vi.stubEnv('TIMER_GROUP_NAME', 'group');
    vi.stubEnv(timerTargetEnvName('subscription-terms'), 'arn:aws:lambda:us-east-1:1:function:t');
    vi.stubEnv('TIMER_ROLE_ARN', 'arn:aws:iam::1:role/timers');
    vi.stubEnv('TIMER_DEAD_LETTER_ARN', 'arn:aws:sqs:us-east-1:1:dlq');
    const send = vi.spyOn(SchedulerClient.prototype, 'send').mockResolvedValue({} as never);
    const timers = schedulerTimers<{ subscriptionId: string }>('subscription-terms');

    await withCorrelation('req-6', () =>
      timers.at('t-1', new Date(Date.now() + 86_400_000), { subscriptionId: 's1' }),
    );
    await timers.at('t-2', new Date(Date.now() + 86_400_000), { subscriptionId: 's2' });

    const inputs = send.mock.calls.map(
      (c) => (c[0] as { input: { Target: { Input: string } } }).input.Target.Input,
    );
    expect(inputs.map((i) => JSON.parse(i))).toEqual([
      { subscriptionId: 's1', correlationId: 'req-6' },
      { subscriptionId: 's2' },
    ]);
  });

  it('an event on the bus: its record’s request id, or else the publishing work’s', async () => {
    vi.stubEnv('EVENT_BUS_NAME', 'bus');
    const send = vi
      .spyOn(EventBridgeClient.prototype, 'send')
      .mockResolvedValue({ FailedEntryCount: 0 } as never);
    const event = (id: string): PlatformEvent => ({
      id,
      type: 'user.created',
      occurredAt: '2026-03-02T09:00:00.000Z',
      organizationId: 'o1',
      resource: { type: 'user', id: 'u1' },
      data: {},
    });

    await withCorrelation('req-3', () =>
      eventBridgeBus.publish([
        { event: event('a1'), queuedForWebhooks: false, correlationId: 'req-of-a1' },
        { event: event('a2'), queuedForWebhooks: true },
      ]),
    );

    const details = send.mock.calls.flatMap((c) =>
      (c[0] as { input: { Entries: Array<{ Detail: string }> } }).input.Entries.map((e) =>
        JSON.parse(e.Detail),
      ),
    );
    expect(details.map((d) => d.correlationId)).toEqual(['req-of-a1', 'req-3']);
  });
});
