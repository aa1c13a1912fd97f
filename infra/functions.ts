import { join } from 'node:path';
import {
  type MailEventConsumerSpec,
  mailEventConsumers,
  type QueueConsumerSpec,
  queueConsumers,
  type StreamConsumerSpec,
  streamConsumers,
  type TimerTaskSpec,
  timerTasks,
} from '../functions/consumers.ts';
import type { Resource } from '../functions/platform/resources.ts';
import { type RouteSpec, routeList } from '../functions/routes.ts';
import { type WorkflowSpec, workflows } from '../functions/workflows.ts';
import { type Bundle, buildBundles, REPO_ROOT } from './bundle.ts';

/** Where `cdk synth` and the local runtime write the bundles (git-ignored). */
export const BUNDLES_DIR = join(REPO_ROOT, '.build', 'functions');

/** One Lambda function of the platform: a route's, a workflow task's or a stream or queue consumer. */
export interface FunctionSpec {
  /**
   * The function's description: `GET /me (getMe)`, `enrollment-review task Remind`,
   * `stream consumer publish-events`, `queue consumer deliver-webhooks`, `mail event consumer mail-feedback`.
   */
  name: string;
  handler: string;
  uses: ReadonlyArray<Resource>;
}

/** Every function the route, workflow, consumer and timer tables make. */
export function platformFunctions(
  routes: ReadonlyArray<RouteSpec & { id: string }> = routeList,
  flows: ReadonlyArray<WorkflowSpec> = workflows,
  consumers: {
    stream: ReadonlyArray<StreamConsumerSpec>;
    queue: ReadonlyArray<QueueConsumerSpec>;
    timer: ReadonlyArray<TimerTaskSpec>;
    mail: ReadonlyArray<MailEventConsumerSpec>;
  } = { stream: streamConsumers, queue: queueConsumers, timer: timerTasks, mail: mailEventConsumers },
): FunctionSpec[] {
  return [
    ...routes.map((r) => ({
      name: `${r.method} ${r.path} (${r.id})`,
      handler: r.handler,
      uses: r.uses ?? [],
    })),
    ...flows.flatMap((w) =>
      Object.entries(w.tasks).map(([task, t]) => ({
        name: `${w.name} task ${task}`,
        handler: t.handler,
        uses: t.uses,
      })),
    ),
    ...consumers.stream.map((c) => ({ name: `stream consumer ${c.name}`, handler: c.handler, uses: c.uses })),
    ...consumers.queue.map((c) => ({ name: `queue consumer ${c.name}`, handler: c.handler, uses: c.uses })),
    ...consumers.timer.map((c) => ({ name: `timer task ${c.name}`, handler: c.handler, uses: c.uses })),
    ...consumers.mail.map((c) => ({
      name: `mail event consumer ${c.name}`,
      handler: c.handler,
      uses: c.uses,
    })),
  ];
}

/**
 * Where a function's declared `uses` and its bundle disagree: a resource used but not
 * declared would crash (no variable, no grant); one declared but not used is a grant too many.
 */
export function usesProblems(
  functions: ReadonlyArray<FunctionSpec>,
  bundles: ReadonlyMap<string, Pick<Bundle, 'holds'>>,
): string[] {
  const problems: string[] = [];
  for (const fn of functions) {
    const held = bundles.get(fn.handler)?.holds;
    if (!held) {
      problems.push(`${fn.name}: no bundle of functions/${fn.handler}.ts`);
      continue;
    }
    const declared = new Set(fn.uses);
    const undeclared = held.filter((r) => !declared.has(r));
    const unused = [...declared].filter((r) => !held.includes(r));
    if (undeclared.length > 0)
      problems.push(`${fn.name}: uses ${undeclared.join(', ')} without declaring it in 'uses'`);
    if (unused.length > 0)
      problems.push(`${fn.name}: declares ${unused.join(', ')} in 'uses' but never uses it`);
  }
  return problems;
}

/** Builds every function's bundle and refuses to go on when a declaration and its bundle disagree. */
export async function buildPlatformBundles(
  functions: ReadonlyArray<FunctionSpec> = platformFunctions(),
  outDir = BUNDLES_DIR,
): Promise<Map<string, Bundle>> {
  const bundles = await buildBundles(
    functions.map((f) => f.handler),
    outDir,
  );
  const problems = usesProblems(functions, bundles);
  if (problems.length > 0) {
    throw new Error(
      `Route, task or consumer declarations disagree with their code:\n  ${problems.join('\n  ')}`,
    );
  }
  return bundles;
}
