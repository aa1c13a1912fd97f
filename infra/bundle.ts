import { mkdir, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile, type Plugin, stop } from 'esbuild';
import { type Resource, resourcesHeldBy } from '../functions/platform/resources.ts';

/** The repository root: entries and outputs are resolved from here, whatever the working directory. */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The file and export Lambda calls in every bundle. */
export const BUNDLE_FILE = 'index.mjs';
export const LAMBDA_HANDLER = 'index.handler';

/**
 * Credentials from the environment only. On Lambda the execution role's credentials are
 * environment variables, and locally the runtime sets them the same way; the SDK's default
 * chain (profiles, SSO, web identity, instance metadata) would add ~130 KB to every bundle
 * for sources no function ever uses.
 */
const credentialsFromEnvironment: Plugin = {
  name: 'credentials-from-environment',
  setup(b) {
    b.onResolve({ filter: /^@aws-sdk\/credential-provider-node$/ }, () => ({
      path: 'credential-provider-node',
      namespace: 'credentials-from-environment',
    }));
    b.onLoad({ filter: /.*/, namespace: 'credentials-from-environment' }, () => ({
      contents:
        "import { fromEnv } from '@aws-sdk/credential-provider-env'; export const defaultProvider = (init) => fromEnv(init);",
      resolveDir: REPO_ROOT,
      loader: 'js',
    }));
  },
};

/** One function's bundle: the folder that becomes its Lambda code, and what it holds. */
export interface Bundle {
  /** Module under `functions/`, without extension (as in the route and workflow tables). */
  handler: string;
  /** Absolute folder holding `index.mjs` and its source map. */
  dir: string;
  /** Bytes a cold start loads: `index.mjs` and the chunks it imports statically. */
  bytes: number;
  /** Bytes of every file deployed (without source maps), lazily loaded chunks included. */
  deployedBytes: number;
  /** The source files in the bundle, relative to the repository root. */
  inputs: string[];
  /** The resources whose adapter modules the bundle holds. */
  holds: Resource[];
}

/**
 * Bundles functions exactly as they are deployed: one folder per handler holding an ESM
 * `index.mjs`, minified, with source maps, the AWS SDK inside (the versions pinned and tested
 * here, not the runtime's). Code the SDK itself loads with `import()` only when needed (event
 * streams, browser detection) stays in chunk files of the same folder that our functions never
 * load. CDK deploys these folders and the local runtime runs the same files, each in its own
 * worker, so what runs on AWS is what the tests ran.
 */
export async function buildBundles(handlers: Iterable<string>, outDir: string): Promise<Map<string, Bundle>> {
  const unique = [...new Set(handlers)];
  // Test fixtures live outside functions/ ('../test/…'); their folders stay inside outDir.
  const folder = (handler: string) => handler.replace(/^(\.\.\/)+/, '');
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const bundles = new Map<string, Bundle>();
  // One build per function (a folder must hold all its chunks), a few at a time.
  const queue = [...unique];
  const worker = async () => {
    for (let handler = queue.shift(); handler !== undefined; handler = queue.shift()) {
      const dir = join(outDir, folder(handler));
      bundles.set(handler, await buildOne(handler, dir));
    }
  };
  await Promise.all(Array.from({ length: Math.min(4, unique.length) }, worker));
  return new Map(unique.map((h) => [h, bundles.get(h) as Bundle]));
}

async function buildOne(handler: string, dir: string): Promise<Bundle> {
  const result = await build({
    absWorkingDir: REPO_ROOT,
    entryPoints: { index: join(REPO_ROOT, 'functions', `${handler}.ts`) },
    outdir: dir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    chunkNames: '[name]-[hash]',
    platform: 'node',
    format: 'esm',
    target: 'node22',
    minify: true,
    sourcemap: true,
    // Sources stay out of the map: stack traces keep file and line without shipping the code twice.
    sourcesContent: false,
    legalComments: 'none',
    mainFields: ['module', 'main'],
    // Some dependencies still `require` Node built-ins; give them one inside the ES module.
    banner: { js: "import { createRequire } from 'module';const require = createRequire(import.meta.url);" },
    metafile: true,
    logLevel: 'error',
    plugins: [credentialsFromEnvironment],
  });
  const outputs = result.metafile.outputs;
  const key = (file: string) => relative(REPO_ROOT, file).split('\\').join('/');
  // What a cold start loads: index.mjs and the chunks it imports statically, transitively.
  const loaded = new Set<string>();
  const visit = (path: string) => {
    if (loaded.has(path)) return;
    loaded.add(path);
    for (const i of outputOf(result.metafile, path).imports)
      if (i.kind === 'import-statement' && !i.external) visit(i.path);
  };
  visit(key(join(dir, BUNDLE_FILE)));
  // Every source in any output counts for what the function may use, loaded at once or later.
  const inputs = [
    ...new Set(
      Object.entries(outputs)
        .filter(([path]) => !path.endsWith('.map'))
        .flatMap(([, output]) => Object.keys(output.inputs)),
    ),
  ].filter((input) => !input.includes(':'));
  let deployedBytes = 0;
  for (const [path, output] of Object.entries(outputs))
    if (!path.endsWith('.map')) deployedBytes += output.bytes;
  return {
    handler,
    dir,
    bytes: [...loaded].reduce((sum, path) => sum + outputOf(result.metafile, path).bytes, 0),
    deployedBytes,
    inputs,
    holds: resourcesHeldBy(inputs),
  };
}

function outputOf(metafile: Metafile, path: string) {
  const output = metafile.outputs[path];
  if (!output) throw new Error(`esbuild produced no ${path}`);
  return output;
}

/** Stops esbuild's helper process (started by the first build), so the calling process can exit. */
export const stopBundler = () => stop();
