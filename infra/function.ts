import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/**
 * The repository root. Entries, the lockfile and state machine definitions are resolved
 * from here rather than from the working directory, so `cdk synth` and the tests agree.
 */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The Powertools service name every function logs under (the logger's own fallback is the same). */
export const SERVICE_NAME = 'csp-partner-platform';

/**
 * esbuild emits ESM, but some dependencies still call `require` for Node built-ins;
 * this shim gives them one inside the ES module.
 */
const ESM_REQUIRE_SHIM =
  "import { createRequire } from 'module';const require = createRequire(import.meta.url);";

export interface PlatformFunctionProps {
  /** Module under `functions/`, without extension, exporting `handler` (as in the route table). */
  readonly handler: string;
  /** Shown in the console; says which route or task the function serves. */
  readonly description: string;
  /** Added to the defaults (service name, source maps). */
  readonly environment?: Readonly<Record<string, string>>;
  /** @default 512 */
  readonly memorySize?: number;
  /** @default 10 seconds */
  readonly timeout?: Duration;
  /** @default one month */
  readonly logRetention?: RetentionDays;
}

/**
 * The one way this app makes a Lambda function: Node.js 22 on ARM64, active X-Ray
 * tracing, its own log group with a retention, an esbuild ESM bundle with source maps,
 * and a role that may write only to that log group until a `grant*` adds more.
 */
export class PlatformFunction extends Construct {
  readonly function: NodejsFunction;
  readonly logGroup: LogGroup;
  readonly role: Role;

  constructor(scope: Construct, id: string, props: PlatformFunctionProps) {
    super(scope, id);

    this.logGroup = new LogGroup(this, 'Logs', { retention: props.logRetention ?? RetentionDays.ONE_MONTH });

    // Our own role instead of the default AWSLambdaBasicExecutionRole, whose managed policy
    // may create and write any log group in the account: this one writes to its own only.
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs ${props.handler}`,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      entry: join(REPO_ROOT, 'functions', `${props.handler}.ts`),
      handler: 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      tracing: Tracing.ACTIVE,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      role: this.role,
      logGroup: this.logGroup,
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      environment: {
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        sourceMap: true,
        minify: true,
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_SHIM,
        // Bundle the AWS SDK too: the deployed code then runs the exact SDK versions
        // pinned in package.json and tested locally, not whatever the runtime ships.
        externalModules: [],
      },
    });

    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Active X-Ray tracing needs xray:PutTraceSegments and xray:PutTelemetryRecords, which support no resource-level permissions.',
    });
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Pinned to Node.js 22, the runtime the platform is built and tested for (DESIGN.md); a newer runtime is a deliberate upgrade of the whole project.',
    });
  }
}
