import type { TestProject } from 'vitest/node';
import { type LocalRuntime, startLocalRuntime } from '../../infra/local/runtime.ts';
import { TEST_WORKFLOWS } from '../support/workflows.ts';

/** A day passes in a second: 7-day link expiry is 7 s, a 3-day review wait 3 s. */
export const TEST_TIME_SCALE = 86_400;

declare module 'vitest' {
  export interface ProvidedContext {
    runtime: Pick<LocalRuntime, 'apiUrl' | 'mailboxUrl' | 'env' | 'operator'>;
  }
}

let runtime: LocalRuntime | undefined;

export async function setup(project: TestProject) {
  runtime = await startLocalRuntime({
    port: 0,
    mailboxPort: 0,
    timeScale: TEST_TIME_SCALE,
    operator: { email: 'operator@csp-platform.test', password: 'Operator-Test-2026' },
    extraWorkflows: TEST_WORKFLOWS,
    logLevel: 'ERROR',
  });
  const { apiUrl, mailboxUrl, env, operator } = runtime;
  project.provide('runtime', { apiUrl, mailboxUrl, env, operator });
}

export async function teardown() {
  await runtime?.stop();
}
