import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
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
  /** Size of `index.mjs` in bytes. */
  bytes: number;
  /** The source files in the bundle, relative to the repository root. */
  inputs: string[];
  /** The resources whose adapter modules the bundle holds. */
  holds: Resource[];
}

/**
 * Bundles functions exactly as they are deployed: one ESM file per handler, minified,
 * with a source map, the AWS SDK inside (the versions pinned and tested here, not the
 * runtime's). CDK deploys these folders and the local runtime runs the same files, each
 * in its own worker, so what runs on AWS is what the tests ran.
 */
export async function buildBundles(handlers: Iterable<string>, outDir: string): Promise<Map<string, Bundle>> {
  const unique = [...new Set(handlers)];
  // Test fixtures live outside functions/ ('../test/…'); their folders stay inside outDir.
  const folder = (handler: string) => handler.replace(/^(\.\.\/)+/, '');
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const result = await build({
    absWorkingDir: REPO_ROOT,
    entryPoints: Object.fromEntries(
      unique.map((handler) => [`${folder(handler)}/index`, join(REPO_ROOT, 'functions', `${handler}.ts`)]),
    ),
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
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
  const bundles = new Map<string, Bundle>();
  for (const handler of unique) {
    const dir = join(outDir, folder(handler));
    const file = join(dir, BUNDLE_FILE);
    const output = outputOf(result.metafile, relative(REPO_ROOT, file));
    const inputs = Object.keys(output.inputs).filter((input) => !input.includes(':'));
    bundles.set(handler, {
      handler,
      dir,
      bytes: (await stat(file)).size,
      inputs,
      holds: resourcesHeldBy(inputs),
    });
  }
  await writeFile(join(outDir, 'bundles.json'), JSON.stringify([...bundles.values()], null, 1));
  return bundles;
}

function outputOf(metafile: Metafile, path: string) {
  const output = metafile.outputs[path.split('\\').join('/')];
  if (!output) throw new Error(`esbuild produced no ${path}`);
  return output;
}

/** Bundles written by an earlier `buildBundles` into `outDir` (e.g. by `cdk synth`). */
export async function readBundles(outDir: string): Promise<Bundle[]> {
  return JSON.parse(await readFile(join(outDir, 'bundles.json'), 'utf8')) as Bundle[];
}

/** Stops esbuild's helper process (started by the first build), so the calling process can exit. */
export const stopBundler = () => stop();
