/**
 * The local Step Functions adapter, driven through the real `SFNClient` over loopback HTTP (no external
 * service). Fixtures use day- and hour-long durations; each test picks a timeScale that makes them
 * fractions of a second, as the local runtime does.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  ListExecutionsCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type LocalStateMachine,
  type StepFunctionsAdapter,
  startStepFunctionsAdapter,
} from '../../infra/local/stepfunctions/index.ts';

const FIXTURES = join(import.meta.dirname, '../fixtures/statemachines');
const PREPARE_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:prepare';
const NOTIFY_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:notify';
const REVIEWER = 'notify-reviewer';

const REVIEW: LocalStateMachine = {
  name: 'review',
  definitionFile: join(FIXTURES, 'wait-for-token.asl.json'),
  substitutions: { PrepareFunctionArn: PREPARE_ARN, NotifyReviewerFunctionArn: REVIEWER },
};

const MACHINES: LocalStateMachine[] = [REVIEW];

interface Call {
  name: string;
  payload: unknown;
}

type FakeFunction = (payload: unknown) => unknown;

interface Harness {
  adapter: StepFunctionsAdapter;
  client: SFNClient;
  calls: Call[];
  functions: Map<string, FakeFunction>;
}

const open: Harness[] = [];

afterEach(async () => {
  for (const harness of open.splice(0)) {
    harness.client.destroy();
    await harness.adapter.close();
  }
});

/** Starts an adapter whose functions echo their payload unless a test replaces them. */
async function start(timeScale: number): Promise<Harness> {
  const calls: Call[] = [];
  const functions = new Map<string, FakeFunction>([
    [PREPARE_ARN, (payload) => ({ prepared: true, echo: payload })],
    [REVIEWER, () => ({ ignored: 'a callback function result is not the task result' })],
  ]);
  const adapter = await startStepFunctionsAdapter({
    port: 0,
    timeScale,
    stateMachines: MACHINES,
    invokeFunction: async (name, payload) => {
      calls.push({ name, payload });
      const fn = functions.get(name);
      if (!fn)
        throw Object.assign(new Error(`Function not found: ${name}`), {
          name: 'Lambda.ResourceNotFoundException',
        });
      return fn(payload);
    },
  });
  const client = new SFNClient({
    endpoint: adapter.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  const harness = { adapter, client, calls, functions };
  open.push(harness);
  return harness;
}

/** Polls until `probe` yields a value; bounded so that a broken adapter fails the test quickly. */
async function eventually<T>(probe: () => Promise<T | undefined> | T | undefined, what: string): Promise<T> {
  const deadline = Date.now() + 4000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function finished(h: Harness, executionArn: string): Promise<DescribeExecutionCommandOutput> {
  return eventually(async () => {
    const execution = await h.client.send(new DescribeExecutionCommand({ executionArn }));
    return execution.status === 'RUNNING' ? undefined : execution;
  }, `execution ${executionArn} to finish`);
}

/** The task token the reviewer function received in its n-th call. */
async function reviewerToken(h: Harness, nth = 0): Promise<string> {
  const call = await eventually(() => h.calls.filter((c) => c.name === REVIEWER)[nth], 'the reviewer call');
  const token: unknown = (call.payload as { taskToken?: unknown }).taskToken;
  if (typeof token !== 'string') throw new Error('the reviewer got no task token');
  return token;
}

async function startReview(h: Harness, input: object, name?: string): Promise<string> {
  const { executionArn } = await h.client.send(
    new StartExecutionCommand({
      stateMachineArn: h.adapter.stateMachineArn('review'),
      input: JSON.stringify(input),
      name,
    }),
  );
  if (!executionArn) throw new Error('no execution ARN');
  return executionArn;
}

function outputOf(execution: DescribeExecutionCommandOutput): Record<string, unknown> {
  return JSON.parse(execution.output ?? 'null') as Record<string, unknown>;
}

async function sdkError(promise: Promise<unknown>): Promise<{ name: string; status: number | undefined }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail');
}

describe('local Step Functions adapter', () => {
  it('runs a callback task to success: token to the function, SendTaskSuccess output to the state', async () => {
    // 3600 s of task timeout become 10 s: ample time to answer.
    const h = await start(360);
    const executionArn = await startReview(h, { applicationId: 'app-1' });
    const token = await reviewerToken(h);

    expect(token).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect(h.calls.find((c) => c.name === REVIEWER)?.payload).toEqual({
      taskToken: token,
      applicationId: 'app-1',
      executionId: executionArn,
    });
    await h.client.send(
      new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ approved: true }) }),
    );

    const execution = await finished(h, executionArn);
    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.stopDate).toBeInstanceOf(Date);
    expect(outputOf(execution)).toEqual({
      applicationId: 'app-1',
      // lambda:invoke wraps the function's result the way the optimized integration does.
      prepared: {
        ExecutedVersion: '$LATEST',
        Payload: { prepared: true, echo: { applicationId: 'app-1' } },
        StatusCode: 200,
      },
      decision: { approved: true },
    });
    // The token is single use, as on AWS.
    expect(
      await sdkError(h.client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }))),
    ).toEqual({ name: 'TaskTimedOut', status: 400 });
  });

  it('takes the States.Timeout catch when nobody answers, after the scaled TimeoutSeconds', async () => {
    // 3600 s become 0.25 s.
    const h = await start(14_400);
    const startedAt = Date.now();
    const executionArn = await startReview(h, { applicationId: 'app-2' });
    const token = await reviewerToken(h);

    const execution = await finished(h, executionArn);
    const elapsed = Date.now() - startedAt;
    expect(execution.status).toBe('SUCCEEDED');
    expect(outputOf(execution)).toMatchObject({
      outcome: 'TIMED_OUT',
      error: { Error: 'States.Timeout' },
    });
    expect(elapsed).toBeGreaterThanOrEqual(200);
    expect(elapsed).toBeLessThan(3000);
    expect(
      await sdkError(h.client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }))),
    ).toEqual({ name: 'TaskTimedOut', status: 400 });
  });

  it('fails a callback task with the error its function threw, so Catch and Fail states apply', async () => {
    const h = await start(360);
    class ReviewRejected extends Error {
      override name = 'ReviewRejected';
    }
    h.functions.set(REVIEWER, () => {
      throw new ReviewRejected('no');
    });
    const caught = await startReview(h, { applicationId: 'app-3' });
    const rejected = await finished(h, caught);
    expect(rejected.status).toBe('FAILED');
    expect(rejected.error).toBe('EnrollmentRejected');
    expect(rejected.cause).toBe('The reviewer rejected the enrollment');
    expect(rejected.output).toBeUndefined();

    h.functions.set(REVIEWER, () => {
      throw Object.assign(new Error('why'), { name: 'Unexpected' });
    });
    const failed = await finished(h, await startReview(h, { applicationId: 'app-4' }));
    expect(failed).toMatchObject({ status: 'FAILED', error: 'Unexpected' });
    expect(JSON.parse(failed.cause ?? '{}')).toEqual({ errorMessage: 'why', errorType: 'Unexpected' });
  });

  it('names a task failure after the error the function threw, and retries by that name', async () => {
    const h = await start(360);
    let attempts = 0;
    h.functions.set(PREPARE_ARN, () => {
      attempts += 1;
      if (attempts === 1) throw Object.assign(new Error('throttled'), { name: 'Lambda.ServiceException' });
      return { attempt: attempts };
    });
    const retried = await startReview(h, { applicationId: 'app-5' });
    await h.client.send(new SendTaskSuccessCommand({ taskToken: await reviewerToken(h), output: '"ok"' }));
    const execution = await finished(h, retried);
    expect(execution.status).toBe('SUCCEEDED');
    expect(outputOf(execution)).toMatchObject({ prepared: { Payload: { attempt: 2 } }, decision: 'ok' });

    class ValidationFailed extends Error {
      override name = 'ValidationFailed';
    }
    h.functions.set(PREPARE_ARN, () => {
      throw new ValidationFailed('bad application');
    });
    const failed = await finished(h, await startReview(h, { applicationId: 'app-6' }));
    expect(failed.status).toBe('FAILED');
    expect(failed.error).toBe('ValidationFailed');
    expect(JSON.parse(failed.cause ?? '{}')).toEqual({
      errorMessage: 'bad application',
      errorType: 'ValidationFailed',
    });
  });

  it('clamps a task timeout beyond setTimeout range instead of letting it fire at once', async () => {
    // timeScale 0.001 stretches 3600 s to ~42 days: more than setTimeout's ~24.8 days.
    const h = await start(0.001);
    const executionArn = await startReview(h, { applicationId: 'app-c' });
    const token = await reviewerToken(h);
    // An overflowing timer would fire after 1 ms and take the States.Timeout catch.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await h.client.send(new DescribeExecutionCommand({ executionArn }))).status).toBe('RUNNING');

    await h.client.send(new SendTaskSuccessCommand({ taskToken: token, output: '"late"' }));
    const execution = await finished(h, executionArn);
    expect(execution.status).toBe('SUCCEEDED');
    expect(outputOf(execution)).toMatchObject({ decision: 'late' });
  });

  it('treats the same name and input as idempotent while running and refuses any other reuse', async () => {
    const h = await start(360);
    const first = await h.client.send(
      new StartExecutionCommand({
        stateMachineArn: h.adapter.stateMachineArn('review'),
        name: 'enrollment-42',
        input: '{"applicationId":"42"}',
      }),
    );
    const token = await reviewerToken(h);
    const again = await h.client.send(
      new StartExecutionCommand({
        stateMachineArn: h.adapter.stateMachineArn('review'),
        name: 'enrollment-42',
        input: '{"applicationId":"42"}',
      }),
    );
    expect(again.executionArn).toBe(first.executionArn);
    expect(again.startDate?.getTime()).toBe(first.startDate?.getTime());
    expect(first.executionArn).toBe('arn:aws:states:us-east-1:000000000000:execution:review:enrollment-42');

    const differentInput = startReview(h, { applicationId: 'other' }, 'enrollment-42');
    expect(await sdkError(differentInput)).toEqual({ name: 'ExecutionAlreadyExists', status: 400 });

    await h.client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }));
    expect((await finished(h, first.executionArn ?? '')).status).toBe('SUCCEEDED');
    const afterEnd = startReview(h, { applicationId: '42' }, 'enrollment-42');
    expect(await sdkError(afterEnd)).toEqual({ name: 'ExecutionAlreadyExists', status: 400 });
    const listed = await h.client.send(
      new ListExecutionsCommand({
        stateMachineArn: h.adapter.stateMachineArn('review'),
        statusFilter: 'SUCCEEDED',
      }),
    );
    expect(listed.executions?.map((e) => e.executionArn)).toEqual([first.executionArn]);
    // Ending the execution closed its task.
    expect(
      await sdkError(h.client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }))),
    ).toEqual({ name: 'TaskTimedOut', status: 400 });
    expect(h.calls.filter((c) => c.name === REVIEWER)).toHaveLength(1);
  });

  it('answers GetExecutionHistory like the service: typed events, ids, paging, reverse order', async () => {
    const h = await start(360);
    let attempts = 0;
    h.functions.set(PREPARE_ARN, () => {
      attempts += 1;
      if (attempts === 1) throw Object.assign(new Error('throttled'), { name: 'Lambda.ServiceException' });
      return { attempt: attempts };
    });
    const executionArn = await startReview(h, { applicationId: 'app-h' });
    await h.client.send(new SendTaskSuccessCommand({ taskToken: await reviewerToken(h), output: '"ok"' }));
    await finished(h, executionArn);

    const { events = [], nextToken } = await h.client.send(new GetExecutionHistoryCommand({ executionArn }));
    expect(nextToken).toBeUndefined();
    expect(events.map((e) => e.type)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      // The first attempt fails, the retrier schedules a second one within the same state entry.
      'TaskScheduled',
      'TaskStarted',
      'TaskFailed',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSubmitted',
      'TaskSucceeded',
      'TaskStateExited',
      'SucceedStateEntered',
      'SucceedStateExited',
      'ExecutionSucceeded',
    ]);
    expect(events.map((e) => [e.id, e.previousEventId])).toEqual(events.map((_, i) => [i + 1, i]));
    expect(events.every((e) => e.timestamp instanceof Date)).toBe(true);
    const entered = events.filter((e) => e.type?.endsWith('StateEntered'));
    expect(entered.map((e) => e.stateEnteredEventDetails?.name)).toEqual([
      'Prepare',
      'AwaitReview',
      'Approved',
    ]);
    expect(events[0]?.executionStartedEventDetails?.input).toBe(JSON.stringify({ applicationId: 'app-h' }));
    expect(events[2]?.taskScheduledEventDetails).toMatchObject({
      resourceType: 'lambda',
      resource: 'invoke',
      region: 'us-east-1',
    });
    expect(JSON.parse(events[2]?.taskScheduledEventDetails?.parameters ?? '{}')).toMatchObject({
      FunctionName: PREPARE_ARN,
    });
    expect(events[4]?.taskFailedEventDetails).toMatchObject({ error: 'Lambda.ServiceException' });
    expect(events[10]?.taskScheduledEventDetails?.resource).toBe('invoke.waitForTaskToken');
    expect(events[13]?.taskSucceededEventDetails?.output).toBe('"ok"');

    // Newest first, in pages; without execution data the details keep their names only.
    const pages: HistoryEvent[][] = [];
    let token: string | undefined;
    do {
      const page = await h.client.send(
        new GetExecutionHistoryCommand({
          executionArn,
          reverseOrder: true,
          maxResults: 7,
          includeExecutionData: false,
          nextToken: token,
        }),
      );
      pages.push(page.events ?? []);
      token = page.nextToken;
    } while (token);
    expect(pages.map((page) => page.length)).toEqual([7, 7, 4]);
    expect(pages.flat().map((e) => e.id)).toEqual(events.map((e) => e.id).reverse());
    const started = pages.flat().at(-1);
    expect(started?.type).toBe('ExecutionStarted');
    expect(started?.executionStartedEventDetails?.input).toBeUndefined();
    expect(pages[0]?.[0]?.type).toBe('ExecutionSucceeded');

    expect(
      await sdkError(
        h.client.send(new GetExecutionHistoryCommand({ executionArn: `${executionArn}-missing` })),
      ),
    ).toEqual({ name: 'ExecutionDoesNotExist', status: 400 });
  });

  it('answers unknown tokens, executions and machines with the service errors', async () => {
    const h = await start(360);
    const send = (taskToken: string) =>
      h.client.send(new SendTaskSuccessCommand({ taskToken, output: '{}' }));
    expect(await sdkError(send('not-a-token'))).toEqual({ name: 'InvalidToken', status: 400 });
    // Right shape, not issued by us.
    expect(await sdkError(send(randomBytes(48).toString('base64url')))).toEqual({
      name: 'InvalidToken',
      status: 400,
    });

    const executionArn = await startReview(h, { applicationId: 'app-7' });
    const token = await reviewerToken(h);
    expect(
      await sdkError(h.client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{not json' }))),
    ).toMatchObject({ name: 'InvalidOutput' });
    expect(
      await sdkError(
        h.client.send(new DescribeExecutionCommand({ executionArn: `${executionArn.slice(0, -1)}x` })),
      ),
    ).toMatchObject({ name: 'ExecutionDoesNotExist' });
    expect(
      await sdkError(
        h.client.send(
          new StartExecutionCommand({
            stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:missing',
          }),
        ),
      ),
    ).toMatchObject({ name: 'StateMachineDoesNotExist' });
    expect(
      await sdkError(
        h.client.send(
          new StartExecutionCommand({ stateMachineArn: h.adapter.stateMachineArn('review'), input: '{oops' }),
        ),
      ),
    ).toMatchObject({ name: 'InvalidExecutionInput' });
    expect(await sdkError(startReview(h, {}, 'has space'))).toMatchObject({ name: 'InvalidName' });
    // Actions nothing of ours calls are not implemented.
    expect(await sdkError(h.client.send(new StopExecutionCommand({ executionArn })))).toEqual({
      name: 'UnknownOperationException',
      status: 400,
    });
  });

  it('fails at start on a placeholder without substitution and on definitions it cannot run faithfully', async () => {
    const launch = (machine: LocalStateMachine) =>
      startStepFunctionsAdapter({
        port: 0,
        timeScale: 1,
        stateMachines: [machine],
        invokeFunction: async () => null,
      });
    const withoutNotifier = { ...REVIEW, substitutions: { PrepareFunctionArn: PREPARE_ARN } };
    await expect(launch(withoutNotifier)).rejects.toThrow(/\$\{NotifyReviewerFunctionArn\}/);

    const dir = await mkdtemp(join(tmpdir(), 'sfn-adapter-'));
    try {
      const write = async (name: string, states: object) => {
        const file = join(dir, name);
        await writeFile(file, JSON.stringify({ StartAt: 'Only', States: states }));
        return { name: name.replace('.json', ''), definitionFile: file, substitutions: {} };
      };
      const lambdaTask = {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Parameters: { FunctionName: NOTIFY_ARN },
        End: true,
      };
      await expect(
        launch(await write('path.json', { Only: { ...lambdaTask, TimeoutSecondsPath: '$.t' } })),
      ).rejects.toThrow('TimeoutSecondsPath');
      await expect(
        launch(
          await write('token.json', { Only: { ...lambdaTask, Parameters: { 't.$': '$$.Task.Token' } } }),
        ),
      ).rejects.toThrow('$$.Task');
      await expect(
        launch(
          await write('sqs.json', { Only: { ...lambdaTask, Resource: 'arn:aws:states:::sqs:sendMessage' } }),
        ),
      ).rejects.toThrow('not supported');
      await expect(
        launch(
          await write('heartbeat.json', {
            Only: { ...lambdaTask, TimeoutSeconds: 600, HeartbeatSeconds: 60 },
          }),
        ),
      ).rejects.toThrow('uses HeartbeatSeconds, which is not supported locally');
      await expect(
        launch(await write('wait.json', { Only: { Type: 'Wait', Seconds: 60, End: true } })),
      ).rejects.toThrow('Wait states are not supported');
      const branch = { StartAt: 'Inner', States: { Inner: { Type: 'Pass', End: true } } };
      await expect(
        launch(await write('parallel.json', { Only: { Type: 'Parallel', Branches: [branch], End: true } })),
      ).rejects.toThrow('Parallel states are not supported');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('leaves no timers behind once closed, even with a callback task pending', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
    const before = timers();
    const h = await start(1);
    await startReview(h, { applicationId: 'app-8' });
    await reviewerToken(h);
    expect(timers()).toBeGreaterThan(before);

    open.splice(open.indexOf(h), 1);
    h.client.destroy();
    await h.adapter.close();
    // Fewer is fine (a timer from outside this test may have ended); more would be ours.
    expect(timers()).toBeLessThanOrEqual(before);
  });

  it('ships fixtures that asl-validator accepts once substituted', async () => {
    const validate = createRequire(import.meta.url)('asl-validator') as (
      definition: unknown,
      options: object,
    ) => { isValid: boolean; errorsText: (separator: string) => string };
    for (const machine of MACHINES) {
      let text = await readFile(machine.definitionFile, 'utf8');
      for (const [key, value] of Object.entries(machine.substitutions))
        text = text.replaceAll(`\${${key}}`, value);
      const result = validate(JSON.parse(text), { checkArn: true, checkPaths: true });
      expect(result.errorsText('\n'), machine.definitionFile).toBe('');
      expect(result.isValid).toBe(true);
    }
  });
});
