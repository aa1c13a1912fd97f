import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import type { OfferRecord } from '../../functions/commerce/ports.ts';
import {
  mailEventConsumers,
  queueConsumers,
  streamConsumers,
  timerTasks,
} from '../../functions/consumers.ts';
import { OPERATORS_GROUP } from '../../functions/platform/auth-groups.ts';
import { once } from '../../functions/platform/config.ts';
import {
  functionEnvironment,
  RESOURCE_NAMES,
  type ResourceSettings,
} from '../../functions/platform/resources.ts';
import { routeList } from '../../functions/routes.ts';
import {
  functionArnPlaceholder,
  workflows as realWorkflows,
  type WorkflowSpec,
} from '../../functions/workflows.ts';
import { stopBundler } from '../bundle.ts';
import { SERVICE_NAME } from '../function.ts';
import { buildPlatformBundles, platformFunctions } from '../functions.ts';
import { type LocalCognito, startCognito } from './cognito.ts';
import { startDynamoDb } from './dynamodb.ts';
import { type LocalEvents, startLocalEvents } from './events/index.ts';
import { startGateway } from './gateway.ts';
import { startKms } from './kms.ts';
import {
  type FunctionLogs,
  functionLogLevel,
  type LocalFunction,
  LocalFunctions,
  lambdaReservedEnvironment,
} from './lambda.ts';
import { startLogs } from './logs.ts';
import { startMailbox } from './mailbox.ts';
import { type DynamoDbMetrics, startDynamoDbMeter } from './meter.ts';
import { SAMPLE_OFFERS } from './offers.ts';
import { freePort } from './ports.ts';
import { startScheduler } from './scheduler.ts';
import { startSecretsManager } from './secretsmanager.ts';
import { startStepFunctionsAdapter } from './stepfunctions/index.ts';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface LocalRuntimeOptions {
  /** API port; 0 picks a free one. */
  port: number;
  mailboxPort: number;
  /** Waits and timeouts in state machines are divided by it (1440: a day passes in a minute). */
  timeScale: number;
  /** Keep DynamoDB data in this folder instead of memory. */
  dataDir?: string;
  operator: { email: string; password: string };
  /** A sample indirect provider whose global admin can sign in at once; omitted in tests. */
  sampleProvider?: SampleProvider;
  /** Partner network (MPN) profiles to seed, as operators would with PUT /operator/partner-network/{mpnId}. */
  partnerNetwork?: Array<{
    mpnId: string;
    legalName: string;
    country: string;
    status: 'ACTIVE' | 'INACTIVE';
    existingCustomers?: Array<{ name: string; domain: string; country: string }>;
  }>;
  /** The offer catalog to start with; SAMPLE_OFFERS (infra/local/offers.ts) by default. */
  offers?: ReadonlyArray<Omit<OfferRecord, 'updatedAt'>>;
  /** Extra state machines (tests add small ones); the real ones always run. */
  extraWorkflows?: WorkflowSpec[];
  /**
   * The functions' log lines printed from this level up (WARN by default). They log at INFO at
   * least, as on AWS, and every line is kept in `logs` whatever is printed.
   */
  logLevel?: string;
  /**
   * Put a counting proxy in front of DynamoDB Local (see meter.ts) and add `metrics()` and
   * `resetMetrics()` to the runtime. For benchmarks: the proxy adds a hop to every request.
   */
  meter?: boolean;
}

export interface SampleProvider {
  name: string;
  domain: string;
  country: string;
  admin: { firstName: string; lastName: string; email: string; password: string };
}

export interface LocalRuntime {
  apiUrl: string;
  mailboxUrl: string;
  /** Everything a test or a script needs to reach the stand-ins with the real SDK clients. */
  env: Record<string, string>;
  operator: { email: string; password: string };
  stop(): Promise<void>;
  /** The event pipeline (table stream → bus → queue → functions), see events/index.ts. */
  events: {
    /**
     * Resolves when every stream record written so far has been handed to its consumer
     * successfully, no queue holds a message that is visible or being handled and no SES event
     * is being delivered to a mail event consumer: the deliveries expected to succeed have happened. Messages waiting for a retry (after a failure) do not
     * count. Rejects after `timeoutMs` (30 s by default), saying what is still going on.
     */
    idle(timeoutMs?: number): Promise<void>;
    /**
     * The bodies in the dead-letter queue of queue `queueName` (e.g. `deliver-webhooks`), or the
     * events a mail event consumer (`mail-feedback`) failed on every attempt.
     */
    deadLetters(queueName: string): string[];
  };
  /**
   * SES's bounce and complaint events. The mailbox raises them itself for the simulator's
   * addresses (bounce@simulator.amazonses.com, complaint@…), and for any event POSTed to its
   * `/events` (tests in other processes); `publish` does the same in this process.
   */
  mailEvents: {
    /**
     * Puts `event` on the default bus as SES does ("Email Bounced", "Email Complaint Received");
     * resolves once the mail event consumers its rules match have had it, or gave it up.
     */
    publish(event: {
      'detail-type': string;
      detail: object;
    }): Promise<{ id: string; deliveries: Array<{ consumer: string; delivered: boolean; error?: string }> }>;
  };
  /** The Scheduler stand-in: timers not yet run, and those that failed for good (the dead-letter queue). */
  timers: {
    pending(): Array<{ name: string; dueAt: string; input: string }>;
    deadLetters(): Array<{ name: string; input: string; error: string }>;
  };
  /**
   * The functions' log groups: the last 5,000 lines of each, printed or not. `lines(handler)` of
   * the function built from that handler module, or of all; `find` gets each line parsed when it is
   * JSON. Tests in other processes read them with FilterLogEvents from the CloudWatch Logs stand-in
   * (`env.AWS_ENDPOINT_URL_CLOUDWATCH_LOGS`, log group `/aws/lambda/<function name>`).
   */
  logs: Pick<FunctionLogs, 'lines' | 'find'>;
  /** Only with `meter: true`: what the handlers asked of DynamoDB since the start or the last reset. */
  metrics?(): RuntimeMetrics;
  resetMetrics?(): void;
}

export interface RuntimeMetrics {
  dynamodb: DynamoDbMetrics;
}

const REGION = 'us-east-1';
const ACCOUNT = '000000000000';
const TABLE_NAME = 'csp-partner-platform';
const EVENT_BUS_NAME = 'csp-partner-platform';
const LINK_SECRET_NAME = 'csp-partner-platform/link-secret';
const TIMER_GROUP_NAME = 'csp-partner-platform';
/** Lambda's configured timeout is 10 s; a shared test machine gets more before a call counts as hung. */
const FUNCTION_TIMEOUT_MS = 30_000;
/** A worker idle this long stops, like a reclaimed Lambda instance. */
const FUNCTION_IDLE_MS = 5 * 60_000;
const localFunctionArn = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;

/**
 * Starts the whole system on this machine: DynamoDB Local (and its stream), the SES mailbox,
 * cognito-local, the Secrets Manager, KMS, Step Functions, EventBridge and SQS stand-ins and the
 * gateway. Handlers run in this process with the real SDK clients, which find the stand-ins
 * through AWS_ENDPOINT_URL_<SERVICE>.
 */
export async function startLocalRuntime(opts: LocalRuntimeOptions): Promise<LocalRuntime> {
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
    stops.length = 0;
  };
  try {
    const allWorkflows = [...realWorkflows, ...(opts.extraWorkflows ?? [])];
    const specs = platformFunctions(routeList, allWorkflows);
    const bundlesDir = await mkdtemp(join(tmpdir(), 'csp-local-functions-'));
    stops.push(async () => {
      await stopBundler();
      await rm(bundlesDir, { recursive: true, force: true });
    });
    const [dynamo, cognito, secrets] = await Promise.all([
      startDynamoDb({ tableName: TABLE_NAME, ...(opts.dataDir ? { path: opts.dataDir } : {}) }).then((d) => {
        stops.push(d.stop);
        return d;
      }),
      startCognito().then((c) => {
        stops.push(c.stop);
        return c;
      }),
      // A new random link secret per start, as CDK generates one per deployment.
      startSecretsManager({ region: REGION, accountId: ACCOUNT, secrets: [{ name: LINK_SECRET_NAME }] }).then(
        (s) => {
          stops.push(s.stop);
          return s;
        },
      ),
    ]);
    // A new key per start, as a deployment makes its own KMS key.
    const kms = await startKms({ region: REGION, accountId: ACCOUNT });
    stops.push(kms.stop);
    // The bus, the queues and their consumers' wiring, from functions/consumers.ts; consumers start below.
    const events = await startLocalEvents({
      region: REGION,
      accountId: ACCOUNT,
      timeScale: opts.timeScale,
      busName: EVENT_BUS_NAME,
      streamConsumers,
      queueConsumers,
      mailEventConsumers,
    });
    stops.push(events.stop);
    // SES: its simulator's bounces and complaints go to the default bus, as the configuration set's
    // event destination sends them on AWS.
    const mailbox = await startMailbox({
      port: opts.mailboxPort,
      events: (event) => events.publishMailEvent(event),
    });
    stops.push(mailbox.stop);
    const meter = opts.meter ? await startDynamoDbMeter({ target: dynamo.endpoint }) : undefined;
    if (meter) stops.push(meter.stop);
    const apiPort = opts.port || (await freePort());
    const apiUrl = `http://127.0.0.1:${apiPort}`;

    const taskHandlers = new Map<string, string>();
    for (const wf of allWorkflows) {
      for (const [task, spec] of Object.entries(wf.tasks))
        taskHandlers.set(localFunctionArn(`${wf.name}-${task}`), spec.handler);
    }
    // Functions reach the stand-ins as they reach AWS: the SDK reads these endpoints.
    const aws: Record<string, string> = {
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: meter?.endpoint ?? dynamo.endpoint,
      AWS_ENDPOINT_URL_SES: mailbox.url,
      AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: cognito.endpoint,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.url,
      AWS_ENDPOINT_URL_KMS: kms.url,
      ...events.env,
      POWERTOOLS_LOG_LEVEL: functionLogLevel(opts.logLevel),
      // Local only (API.md): partners' receivers may be http://127.0.0.1 here; CDK never sets it.
      WEBHOOKS_ALLOW_LOOPBACK: '1',
    };
    let functions: LocalFunctions | undefined;
    const sfn = await startStepFunctionsAdapter({
      port: 0,
      timeScale: opts.timeScale,
      region: REGION,
      accountId: ACCOUNT,
      stateMachines: allWorkflows.map((wf) => ({
        name: wf.name,
        definitionFile: join(repoRoot, wf.definitionFile),
        substitutions: Object.fromEntries(
          Object.keys(wf.tasks).map((task) => [
            functionArnPlaceholder(task),
            localFunctionArn(`${wf.name}-${task}`),
          ]),
        ),
      })),
      invokeFunction: async (nameOrArn, payload) => {
        const arn = nameOrArn.startsWith('arn:') ? nameOrArn : localFunctionArn(nameOrArn);
        const module = taskHandlers.get(arn);
        if (!module || !functions)
          throw Object.assign(new Error(`Function not found: ${nameOrArn}`), {
            name: 'Lambda.ResourceNotFoundException',
          });
        return functions.invoke(module, payload);
      },
    });
    stops.push(sfn.close);
    aws.AWS_ENDPOINT_URL_SFN = sfn.url;
    // One-time timers: fired after (due − now) ÷ timeScale, calling the timer task's bundle.
    const timerHandlers = new Map(timerTasks.map((t) => [localFunctionArn(t.name), t.handler]));
    const scheduler = await startScheduler({
      region: REGION,
      accountId: ACCOUNT,
      timeScale: opts.timeScale,
      invoke: async (arn, input) => {
        const module = timerHandlers.get(arn);
        if (!module || !functions) throw new Error(`Function not found: ${arn}`);
        await functions.invoke(module, JSON.parse(input));
      },
    });
    stops.push(scheduler.stop);
    aws.AWS_ENDPOINT_URL_SCHEDULER = scheduler.url;

    const resources: ResourceSettings = {
      tableName: TABLE_NAME,
      mailFrom: 'no-reply@csp-partner-platform.local',
      configurationSetName: 'local',
      operatorAlertEmail: opts.operator.email,
      userPoolId: cognito.userPoolId,
      userPoolClientId: cognito.clientId,
      userPoolIssuer: cognito.issuer,
      stateMachineArns: Object.fromEntries(allWorkflows.map((wf) => [wf.name, sfn.stateMachineArn(wf.name)])),
      linkSecretArn: secrets.secretArn(LINK_SECRET_NAME),
      webhookKeyArn: kms.keyArn,
      eventBusName: events.busName,
      deliveryQueueUrl: deliveryQueueUrl(events),
      timers: {
        groupName: TIMER_GROUP_NAME,
        roleArn: `arn:aws:iam::${ACCOUNT}:role/timers`,
        deadLetterArn: `arn:aws:sqs:${REGION}:${ACCOUNT}:timers-dlq`,
        targetArns: Object.fromEntries(timerTasks.map((t) => [t.name, localFunctionArn(t.name)])),
      },
    };
    const settings = { publicBaseUrl: apiUrl, serviceName: SERVICE_NAME };
    // Each function gets exactly what CDK gives it on AWS (plus the local endpoints above), and
    // the same bundle, built at its first call; a declaration that disagrees with the code stops it there.
    const local = new Map<string, LocalFunction>();
    for (const spec of specs) {
      if (local.has(spec.handler)) continue;
      const outDir = join(bundlesDir, String(local.size));
      local.set(spec.handler, {
        name: spec.name,
        bundle: once(async () => {
          const bundles = await buildPlatformBundles([spec], outDir);
          return bundles.get(spec.handler)?.dir ?? '';
        }),
        env: {
          ...lambdaReservedEnvironment(spec.name, REGION),
          ...aws,
          ...functionEnvironment(spec.uses, resources, settings),
        },
      });
    }
    functions = new LocalFunctions(local, {
      timeoutMs: FUNCTION_TIMEOUT_MS,
      idleMs: FUNCTION_IDLE_MS,
      printLevel: opts.logLevel ?? 'WARN',
    });
    stops.push(() => functions?.stop() ?? Promise.resolve());
    const functionLogs = functions.logs;
    const logs = await startLogs({
      region: REGION,
      accountId: ACCOUNT,
      functionNames: () => [...local.values()].map((f) => f.name),
      lines: () => functionLogs.lines(),
    });
    stops.push(logs.stop);
    // The scheduler stops (idempotently) before the functions too, stops running in reverse: a timer
    // due while the runtime stops must not fire into stopped workers, fail its retries within a few
    // scaled milliseconds and be dead-lettered after the run's summary.
    stops.push(scheduler.stop);
    // Stopped before the functions (stops run in reverse), so no batch is cut off by a stopped worker.
    // With kept data, the stream records of earlier runs were handed over then: read only new ones.
    const running = functions;
    stops.push(
      await events.startConsumers({
        dynamoDbEndpoint: dynamo.endpoint,
        tableName: TABLE_NAME,
        startingPosition: opts.dataDir ? 'LATEST' : 'TRIM_HORIZON',
        invoke: (handler, event) => running.invoke(handler, event),
      }),
    );

    // Everything, for tests and scripts that reach the stand-ins with the SDK, and for the
    // seeding below, which runs domain code in this process as an operator's script would.
    const env: Record<string, string> = {
      ...lambdaReservedEnvironment('local-runtime', REGION),
      ...aws,
      ...functionEnvironment(RESOURCE_NAMES, resources, settings),
      LOCAL_TIME_SCALE: String(opts.timeScale),
      // For tests and scripts only: no function reads logs.
      AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: logs.url,
    };
    Object.assign(process.env, env);

    await seedOperator(cognito, opts.operator);
    await seedOffers(opts.offers ?? SAMPLE_OFFERS);
    if (opts.sampleProvider) await seedProvider(opts.sampleProvider);
    if (opts.partnerNetwork?.length) await seedPartnerNetwork(opts.partnerNetwork);

    const gateway = await startGateway({
      port: apiPort,
      routes: routeList,
      auth: { issuer: cognito.issuer, jwksUrl: cognito.jwksUrl, clientId: cognito.clientId },
      invoke: (route, event) => functions.invoke(route.handler, event),
    });
    stops.push(gateway.stop);
    const runtime: LocalRuntime = {
      apiUrl: gateway.url,
      mailboxUrl: mailbox.url,
      env,
      operator: opts.operator,
      events: {
        idle: (timeoutMs) => events.idle(timeoutMs),
        deadLetters: (name) => events.deadLetters(name),
      },
      mailEvents: {
        async publish(event) {
          const { id, delivered } = events.publishMailEvent({
            detailType: event['detail-type'],
            detail: event.detail,
          });
          return { id, deliveries: await delivered };
        },
      },
      timers: {
        pending: () => scheduler.pending(),
        deadLetters: () => scheduler.deadLetters(),
      },
      logs: {
        lines: (handler) => functionLogs.lines(handler),
        find: (predicate) => functionLogs.find(predicate),
      },
      stop,
    };
    if (meter) {
      runtime.metrics = () => ({ dynamodb: meter.metrics() });
      runtime.resetMetrics = () => meter.reset();
    }
    return runtime;
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The one queue functions send to (DELIVERY_QUEUE_URL): that of the only queue consumer. */
function deliveryQueueUrl(events: LocalEvents): string {
  const [consumer, ...others] = queueConsumers;
  if (!consumer || others.length > 0)
    throw new Error(
      `ResourceSettings has one deliveryQueueUrl, for one queue consumer; functions/consumers.ts has ${queueConsumers.length}`,
    );
  return events.queueUrl(consumer.name);
}

/** The platform operator: a Cognito user in the operators group, with a permanent password. */
async function seedOperator(cognito: LocalCognito, operator: { email: string; password: string }) {
  const client = new CognitoIdentityProviderClient({
    endpoint: cognito.endpoint,
    region: REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const username = operator.email.toLowerCase();
  await client.send(
    new AdminCreateUserCommand({
      UserPoolId: cognito.userPoolId,
      Username: username,
      MessageAction: 'SUPPRESS',
      UserAttributes: [
        { Name: 'email', Value: username },
        { Name: 'email_verified', Value: 'true' },
      ],
    }),
  );
  await client.send(
    new AdminSetUserPasswordCommand({
      UserPoolId: cognito.userPoolId,
      Username: username,
      Password: operator.password,
      Permanent: true,
    }),
  );
  await client.send(
    new AdminAddUserToGroupCommand({
      UserPoolId: cognito.userPoolId,
      Username: username,
      GroupName: OPERATORS_GROUP,
    }),
  );
  client.destroy();
}

/** The offer catalog, through the same domain code PUT /operator/offers/{offerId} runs. */
async function seedOffers(offers: ReadonlyArray<Omit<OfferRecord, 'updatedAt'>>) {
  const { offerDeps } = await import('../../functions/commerce/wiring.ts');
  const { putOffer } = await import('../../functions/commerce/domain/offers.ts');
  for (const { offerId, ...offer } of offers) await putOffer(offerDeps(), offerId, offer);
}

async function seedPartnerNetwork(profiles: NonNullable<LocalRuntimeOptions['partnerNetwork']>) {
  const { enrollmentDeps } = await import('../../functions/enrollment/wiring.ts');
  const { putPartnerProfile } = await import('../../functions/enrollment/domain/enrollments.ts');
  for (const { mpnId, ...profile } of profiles) await putPartnerProfile(enrollmentDeps(), mpnId, profile);
}

/** Seeds through the same domain code POST /operator/indirect-providers runs, with a permanent password. */
async function seedProvider(p: SampleProvider) {
  const { identityDeps } = await import('../../functions/identity/wiring.ts');
  const { cognitoDirectory } = await import('../../functions/identity/directory.ts');
  const { createIndirectProvider } = await import('../../functions/identity/domain/accounts.ts');
  const { password, ...admin } = p.admin;
  await createIndirectProvider(
    identityDeps({ directory: cognitoDirectory }),
    { organization: { name: p.name, domain: p.domain, country: p.country }, admin },
    { value: password, permanent: true },
  );
}
