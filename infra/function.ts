import { Duration, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Code, Function as LambdaFunction, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { LAMBDA_HANDLER } from './bundle.ts';

export { REPO_ROOT } from './bundle.ts';

/** `enrollment-review` or `getHealth` → `EnrollmentReview` / `GetHealth`, for construct ids. */
export const pascal = (name: string) =>
  name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');

/** The Powertools service name every function logs under (the logger's own fallback is the same). */
export const SERVICE_NAME = 'csp-partner-platform';

export interface PlatformFunctionProps {
  /** Module under `functions/`, without extension, exporting `handler` (as in the route table). */
  readonly handler: string;
  /** The folder `infra/bundle.ts` built for that module: deployed as it is, the same file the tests ran. */
  readonly bundleDir: string;
  /**
   * A fixed name, for a function whose ARN must be known without referring to the function
   * (a timer task creates timers that target itself). @default a generated name
   */
  readonly functionName?: string;
  /** Shown in the console; says which route or task the function serves. */
  readonly description: string;
  /** The whole environment (functions/platform/resources.ts builds it from what the function uses). */
  readonly environment: Readonly<Record<string, string>>;
  /** @default 512 */
  readonly memorySize?: number;
  /** @default 10 seconds */
  readonly timeout?: Duration;
  /** @default one month */
  readonly logRetention?: RetentionDays;
}

/**
 * The one way this app makes a Lambda function: Node.js 22 on ARM64, active X-Ray
 * tracing, its own log group with a retention, the ESM bundle with source maps built by
 * infra/bundle.ts, and a role that may write only to that log group until a `grant*` adds more.
 */
export class PlatformFunction extends Construct {
  readonly function: LambdaFunction;
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

    this.function = new LambdaFunction(this, 'Function', {
      code: Code.fromAsset(props.bundleDir),
      handler: LAMBDA_HANDLER,
      description: props.description,
      ...(props.functionName ? { functionName: props.functionName } : {}),
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      tracing: Tracing.ACTIVE,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      role: this.role,
      logGroup: this.logGroup,
      environment: { ...props.environment },
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
