/**
 * HTTP: serves the API over awsJson1_0 the way `@aws-sdk/client-sfn` v3 calls it (`POST /`,
 * `X-Amz-Target: AWSStepFunctions.<Action>`, `application/x-amz-json-1.0`, errors as HTTP 400
 * `{__type, message}`), after loading every state machine.
 */
import { serveAwsJson } from '../aws-json.ts';
import { dispatch } from './api.ts';
import { type LocalStateMachine, loadStateMachine } from './definition.ts';
import { Engine } from './engine.ts';
import type { InvokeFunction } from './tasks.ts';

const MAX_REQUEST_BYTES = 1024 * 1024;

export interface StepFunctionsAdapterOptions {
  /** 0 picks a free port. */
  port: number;
  /** Defaults to 127.0.0.1. */
  host?: string;
  /** Task timeouts of callback tasks and retry intervals are divided by it (1440: a day passes in a minute). */
  timeScale: number;
  stateMachines: LocalStateMachine[];
  /** Invokes a Lambda function by name or ARN the way the Lambda service would, returning its result. */
  invokeFunction: InvokeFunction;
  /** Defaults to us-east-1. */
  region?: string;
  /** Defaults to 000000000000. */
  accountId?: string;
}

export interface StepFunctionsAdapter {
  url: string;
  stateMachineArn(name: string): string;
  close(): Promise<void>;
}

export async function startStepFunctionsAdapter(
  opts: StepFunctionsAdapterOptions,
): Promise<StepFunctionsAdapter> {
  if (!Number.isFinite(opts.timeScale) || opts.timeScale <= 0) {
    throw new Error(`timeScale must be a positive number, got ${opts.timeScale}`);
  }
  const region = opts.region ?? 'us-east-1';
  const accountId = opts.accountId ?? '000000000000';
  const arns = new Map<string, string>();
  for (const machine of opts.stateMachines) {
    if (arns.has(machine.name)) throw new Error(`State machine "${machine.name}" is listed twice`);
    arns.set(machine.name, `arn:aws:states:${region}:${accountId}:stateMachine:${machine.name}`);
  }
  // Everything is loaded before listening: a broken definition fails the start, not the first execution.
  const machines = await Promise.all(
    opts.stateMachines.map((machine) =>
      loadStateMachine(machine, arns.get(machine.name) ?? '', opts.timeScale),
    ),
  );
  const engine = new Engine({ region, accountId, invokeFunction: opts.invokeFunction }, machines);

  const server = await serveAwsJson({
    name: 'Step Functions',
    targetPrefix: 'AWSStepFunctions.',
    contentType: 'application/x-amz-json-1.0',
    maxRequestBytes: MAX_REQUEST_BYTES,
    ...(opts.port === undefined ? {} : { port: opts.port }),
    ...(opts.host === undefined ? {} : { host: opts.host }),
    dispatch: (action, body) => dispatch(engine, action, body),
  });

  let closing: Promise<void> | undefined;
  return {
    url: server.url,
    stateMachineArn(name: string): string {
      const arn = arns.get(name);
      if (arn === undefined) throw new Error(`No local state machine named "${name}"`);
      return arn;
    },
    close(): Promise<void> {
      closing ??= (async () => {
        // Stopping settles every override, so the library clears its own timers too.
        await engine.stopAll();
        await server.close();
      })();
      return closing;
    },
  };
}
