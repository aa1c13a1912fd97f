import type { TestProject } from 'vitest/node';
import { type LocalRuntime, startLocalRuntime } from '../../infra/local/runtime.ts';
import { TEST_WORKFLOWS } from '../support/workflows.ts';

/** A day passes in a second: 7-day link expiry is 7 s, a 3-day review wait 3 s. */
export const TEST_TIME_SCALE = 86_400;

// This machine may run Node 20 (Lambda runs 22); the SDK's reminder about it is noise in test output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

declare module 'vitest' {
  export interface ProvidedContext {
    runtime: Pick<LocalRuntime, 'apiUrl' | 'mailboxUrl' | 'env' | 'operator'>;
  }
}

/**
 * One runtime per test process, shared by every project that names this setup (integration,
 * browser). Handlers run in this process and read their configuration from process.env, so a
 * second runtime here would repoint the first one's handlers. Each project loads this file in
 * its own module instance, hence the state on globalThis, counted so the last teardown stops it.
 */
const shared = globalThis as typeof globalThis & {
  __cspRuntime?: { runtime: Promise<LocalRuntime>; users: number };
};

export async function setup(project: TestProject) {
  shared.__cspRuntime ??= {
    users: 0,
    runtime: startLocalRuntime({
      port: 0,
      mailboxPort: 0,
      timeScale: TEST_TIME_SCALE,
      operator: { email: 'operator@csp-platform.test', password: 'Operator-Test-2026' },
      extraWorkflows: TEST_WORKFLOWS,
      logLevel: 'ERROR',
    }),
  };
  shared.__cspRuntime.users++;
  const { apiUrl, mailboxUrl, env, operator } = await shared.__cspRuntime.runtime;
  project.provide('runtime', { apiUrl, mailboxUrl, env, operator });
}

export async function teardown() {
  const state = shared.__cspRuntime;
  if (!state || --state.users > 0) return;
  shared.__cspRuntime = undefined;
  const runtime = await state.runtime;
  // A webhook delivery either succeeds or is given up by its own rules: none may die in the DLQ.
  const dead = runtime.events.deadLetters('deliver-webhooks');
  // A timer task (renewal, expiry, notice) must not fail for good either.
  const deadTimers = runtime.timers.deadLetters();
  // Nor may recording a bounce or complaint.
  const deadFeedback = runtime.events.deadLetters('mail-feedback');
  await runtime.stop();
  if (dead.length > 0)
    throw new Error(`${dead.length} webhook delivery message(s) ended in the dead-letter queue: ${dead[0]}`);
  if (deadTimers.length > 0)
    throw new Error(
      `${deadTimers.length} timer(s) ended in the dead-letter queue: ${JSON.stringify(deadTimers[0])}`,
    );
  if (deadFeedback.length > 0)
    throw new Error(
      `${deadFeedback.length} SES event(s) ended in mail-feedback's dead letters: ${deadFeedback[0]}`,
    );
}
