import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUNDLE_FILE, buildBundles, REPO_ROOT } from '../../infra/bundle.ts';
import {
  coldStart,
  mapLimited,
  type SynthesizedFunction,
  synthesizePlatform,
} from '../support/synthesized.ts';
import { percentile } from './stats.ts';

/** Cold starts measured per function: each bundle imported this many times, each in a fresh process. */
const RUNS = 3;

/**
 * Synthesizes the app into cdk.out, as `cdk synth` does, and imports every function's bundle
 * from there in a fresh Node process with exactly its template's environment: bundle size and
 * import time (the part of a cold start that is ours), per function, with median and max.
 * Returns the number of functions that failed to load.
 */
export async function coldStartPart(): Promise<number> {
  const functions = await synthesizePlatform(join(REPO_ROOT, 'cdk.out'));
  const floor = await sdkFloor(functions[0]?.env.NODE_OPTIONS);
  const rows = await mapLimited(functions, 1, async (fn) => {
    const runs = [];
    for (let i = 0; i < RUNS; i++) runs.push(await coldStart(fn));
    const times = runs.flatMap((r) => (r.importMs === undefined ? [] : [r.importMs])).sort((a, b) => a - b);
    return {
      name: fn.name,
      kb: fn.bytes / 1024,
      deployedKb: fn.deployedBytes / 1024,
      ms: percentile(times, 50),
      error: runs.find((r) => r.error)?.error,
    };
  });
  rows.sort((a, b) => b.kb - a.kb);
  console.log(`Cold start per function (bundle from cdk.out; import in a fresh process, median of ${RUNS}):`);
  console.log(
    '  loaded: index.mjs and the chunks it imports at once; deployed: also the chunks loaded on demand',
  );
  console.log(
    `  ${'loaded KB'.padStart(9)} ${'deployed KB'.padStart(11)} ${'import ms'.padStart(9)}  function`,
  );
  for (const r of rows) {
    const failed = r.error ? `  FAILED ${r.error}` : '';
    console.log(
      `  ${r.kb.toFixed(0).padStart(9)} ${r.deployedKb.toFixed(0).padStart(11)} ${r.ms.toFixed(1).padStart(9)}  ${r.name}${failed}`,
    );
  }
  const kb = rows.map((r) => r.kb).sort((a, b) => a - b);
  const ms = rows.map((r) => r.ms).sort((a, b) => a - b);
  console.log(
    `  ${rows.length} functions: loaded bundle median ${percentile(kb, 50).toFixed(0)} KB, max ${(kb.at(-1) ?? 0).toFixed(0)} KB; ` +
      `import median ${percentile(ms, 50).toFixed(1)} ms, max ${(ms.at(-1) ?? 0).toFixed(1)} ms\n`,
  );
  const floorMs = percentile(
    (await importTimes(floor)).sort((a, b) => a - b),
    50,
  );
  console.log(
    `  floor: a bundle of only the DynamoDB document client and one command (${(floor.bytes / 1024).toFixed(0)} KB) imports in ${floorMs.toFixed(1)} ms; ` +
      `import median ${(percentile(ms, 50) / floorMs).toFixed(2)}× the floor, max ${((ms.at(-1) ?? 0) / floorMs).toFixed(2)}×\n`,
  );
  return rows.filter((r) => r.error).length;
}

async function importTimes(fn: SynthesizedFunction): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const run = await coldStart(fn);
    if (run.importMs !== undefined) times.push(run.importMs);
  }
  return times;
}

/** test/fixtures/functions/sdk-floor.ts bundled exactly as a function is, run with a function's Node options. */
async function sdkFloor(nodeOptions = ''): Promise<SynthesizedFunction> {
  const handler = '../test/fixtures/functions/sdk-floor';
  const bundle = (await buildBundles([handler], await mkdtemp(join(tmpdir(), 'csp-floor-')))).get(handler);
  if (!bundle) throw new Error('the floor bundle was not built');
  return {
    name: 'floor',
    file: join(bundle.dir, BUNDLE_FILE),
    bytes: bundle.bytes,
    deployedBytes: bundle.deployedBytes,
    env: { NODE_OPTIONS: nodeOptions },
  };
}
