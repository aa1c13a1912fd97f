import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { App } from 'aws-cdk-lib';
import { BUNDLE_FILE } from '../../infra/bundle.ts';
import { lambdaReservedEnvironment } from '../../infra/local/lambda.ts';
import { definePlatform } from '../../infra/platform.ts';
import type { DeploySettings } from '../../infra/settings.ts';

const run = promisify(execFile);

/** Deploy settings for synthesizing in tests and benchmarks (what `-c` flags give `cdk synth`). */
export const TEST_DEPLOY_SETTINGS: DeploySettings = {
  mailFrom: 'no-reply@platform.example',
  publicBaseUrl: 'https://api.platform.example',
  operatorAlertEmail: 'operators@platform.example',
  alarmEmail: 'on-call@platform.example',
};

/** A Lambda function of a synthesized template: its bundle file in the cloud assembly and its variables. */
export interface SynthesizedFunction {
  /** Its description: the route (`GET /me (getMe)`) or the workflow task. */
  name: string;
  file: string;
  /** What a cold start loads: the bundle and the chunks it imports statically. */
  bytes: number;
  /** Every deployed file but source maps, chunks loaded only on demand included. */
  deployedBytes: number;
  /** Exactly the template's `Environment.Variables`, CloudFormation references turned into stand-in strings. */
  env: Record<string, string>;
}

/** Synthesizes the whole platform as `cdk synth` does (infra/platform.ts) into `outdir`, and lists its functions. */
export async function synthesizePlatform(outdir?: string): Promise<SynthesizedFunction[]> {
  const dir = outdir ?? (await mkdtemp(join(tmpdir(), 'csp-cdk-out-')));
  // Asset metadata (which folder is which function's code) is on by default only under the CLI.
  const app = new App({
    outdir: dir,
    context: { ...TEST_DEPLOY_SETTINGS, 'aws:cdk:enable-asset-metadata': true },
  });
  await definePlatform(app, { bundlesDir: await mkdtemp(join(tmpdir(), 'csp-bundles-')), nag: false });
  const assembly = app.synth();
  const functions: SynthesizedFunction[] = [];
  // Each stack's template, and those of its nested stacks (files of the assembly named by their resource).
  const templates: Array<Record<string, TemplateResource>> = [];
  for (const stack of assembly.stacks) {
    const resources = (stack.template as { Resources: Record<string, TemplateResource> }).Resources;
    templates.push(resources);
    for (const resource of Object.values(resources)) {
      const nestedFile = resource.Metadata?.['aws:asset:path'];
      if (resource.Type !== 'AWS::CloudFormation::Stack' || !nestedFile) continue;
      const nested = JSON.parse(await readFile(join(assembly.directory, nestedFile), 'utf8')) as {
        Resources: Record<string, TemplateResource>;
      };
      templates.push(nested.Resources);
    }
  }
  for (const resources of templates) {
    for (const resource of Object.values(resources)) {
      if (resource.Type !== 'AWS::Lambda::Function') continue;
      const assetPath = resource.Metadata?.['aws:asset:path'];
      const variables = resource.Properties?.Environment?.Variables;
      // CDK's own helper functions (log retention and the like) are not ours.
      if (!assetPath || !variables?.POWERTOOLS_SERVICE_NAME) continue;
      const file = join(assembly.directory, assetPath, BUNDLE_FILE);
      functions.push({
        name: String(resource.Properties?.Description),
        file,
        bytes: await loadedBytes(file),
        deployedBytes: await deployedBytes(dirname(file)),
        env: Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, standIn(v)])),
      });
    }
  }
  return functions;
}

/** Bytes of `file` and of every chunk it imports statically (`import…from"./chunk.mjs"`), transitively. */
async function loadedBytes(file: string, seen = new Set<string>()): Promise<number> {
  if (seen.has(file)) return 0;
  seen.add(file);
  const code = await readFile(file, 'utf8');
  let total = Buffer.byteLength(code);
  for (const [, chunk] of code.matchAll(/(?:from|import)\s*"\.\/([^"]+\.mjs)"/g))
    total += await loadedBytes(join(dirname(file), chunk as string), seen);
  return total;
}

async function deployedBytes(dir: string): Promise<number> {
  let total = 0;
  for (const name of await readdir(dir))
    if (!name.endsWith('.map')) total += (await stat(join(dir, name))).size;
  return total;
}

interface TemplateResource {
  Type: string;
  Metadata?: Record<string, string>;
  Properties?: { Description?: string; Environment?: { Variables?: Record<string, unknown> } };
}

/** A CloudFormation value as a string a function can read: literals as they are, references by name. */
function standIn(value: unknown): string {
  if (typeof value === 'string') return value;
  const [[fn, arg]] = Object.entries(value as Record<string, unknown>) as [[string, unknown]];
  switch (fn) {
    case 'Ref':
      return `ref-${String(arg)}`;
    case 'Fn::GetAtt':
      return `getatt-${(arg as string[]).join('.')}`;
    case 'Fn::ImportValue':
      return `import-${standIn(arg)}`;
    case 'Fn::Join': {
      const [separator, parts] = arg as [string, unknown[]];
      return parts.map(standIn).join(separator);
    }
    default:
      return `${fn}-${JSON.stringify(arg)}`;
  }
}

/** How importing a bundle went, in a fresh Node process with exactly the function's environment. */
export interface ColdStart {
  name: string;
  bytes: number;
  importMs?: number;
  error?: string;
}

const IMPORT = `
const started = performance.now();
try {
  const mod = await import(process.argv[1]);
  if (typeof mod.handler !== 'function') throw new Error('exports no handler');
  console.log(JSON.stringify({ importMs: performance.now() - started }));
} catch (error) {
  console.log(JSON.stringify({ error: String(error?.stack ?? error).split('\\n').slice(0, 3).join(' | ') }));
}`;

/** The environment Lambda would give the function: its template's variables and the ones Lambda sets itself. */
export const lambdaEnvironment = (fn: SynthesizedFunction) => ({
  ...lambdaReservedEnvironment(fn.name, 'us-east-1'),
  AWS_ACCESS_KEY_ID: 'stand-in',
  AWS_SECRET_ACCESS_KEY: 'stand-in',
  ...fn.env,
});

/** Imports one bundle in a clean process (nothing inherited from this one), as a Lambda cold start does. */
export async function coldStart(fn: SynthesizedFunction): Promise<ColdStart> {
  const { stdout } = await run(
    process.execPath,
    ['--input-type=module', '-e', IMPORT, pathToFileURL(fn.file).href],
    { env: lambdaEnvironment(fn), timeout: 30_000 },
  );
  const line = stdout.trim().split('\n').pop() ?? '{}';
  return { name: fn.name, bytes: fn.bytes, ...(JSON.parse(line) as { importMs?: number; error?: string }) };
}

const INVOKE = `
const mod = await import(process.argv[1]);
const result = await mod.handler(JSON.parse(process.argv[2]), {
  awsRequestId: 'bundle-test', functionName: 'bundle-test', getRemainingTimeInMillis: () => 10000,
});
console.log(JSON.stringify(result));`;

/** Invokes one bundle with `event` in a clean process with the function's environment. */
export async function invokeBundle(fn: SynthesizedFunction, event: unknown): Promise<unknown> {
  const { stdout } = await run(
    process.execPath,
    ['--input-type=module', '-e', INVOKE, pathToFileURL(fn.file).href, JSON.stringify(event)],
    { env: lambdaEnvironment(fn), timeout: 30_000, maxBuffer: 16 * 1024 * 1024 },
  );
  return JSON.parse(stdout.trim().split('\n').pop() ?? 'null');
}

/** Runs `task` over `items`, `width` at a time, keeping the order. */
export async function mapLimited<T, R>(items: T[], width: number, task: (item: T) => Promise<R>) {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await task(items[i] as T);
      }
    }),
  );
  return results;
}

/** A REST API proxy event for a bundle invoked outside API Gateway. */
export function proxyEvent(method: string, path: string) {
  return {
    resource: path,
    path,
    httpMethod: method,
    headers: { accept: 'application/json' },
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: null,
    isBase64Encoded: false,
    requestContext: { requestId: 'bundle-test', httpMethod: method, path, stage: 'prod', identity: {} },
  };
}
