import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';

export type LambdaHandler = (event: unknown, context: Context) => Promise<unknown>;

const functionsDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'functions');

/** Imports `functions/<module>.ts` once (like a warm Lambda) and returns its `handler`. */
export async function loadHandler(module: string): Promise<LambdaHandler> {
  const mod = (await import(pathToFileURL(join(functionsDir, `${module}.ts`)).href)) as { handler?: unknown };
  if (typeof mod.handler !== 'function') throw new Error(`functions/${module}.ts does not export a handler`);
  return mod.handler as LambdaHandler;
}

/** The Lambda context a handler sees; only what our code and middy read is meaningful. */
export function lambdaContext(functionName: string, timeoutMs = 10_000): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
