import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, NestedStack, type Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  EVENT_SOURCE,
  mailEventConsumers,
  queueConsumers,
  streamConsumers,
  timerTasks,
} from '../../functions/consumers.ts';
import { OPERATORS_GROUP } from '../../functions/platform/auth-groups.ts';
import { BUSINESS_METRICS, METRICS_NAMESPACE } from '../../functions/platform/business-metrics.ts';
import { TABLE } from '../../functions/platform/data/table.ts';
import { stateMachineArnEnvName, timerTargetEnvName } from '../../functions/platform/resources.ts';
import { type RouteSpec, routeList } from '../../functions/routes.ts';
import { functionArnPlaceholder, type WorkflowSpec, workflows } from '../../functions/workflows.ts';
import { pascal, REPO_ROOT, SERVICE_NAME } from '../../infra/function.ts';
import { buildPlatformBundles, platformFunctions as functionSpecs } from '../../infra/functions.ts';
import { contextOf, DASHBOARD_NAME, RUNBOOK, THRESHOLDS } from '../../infra/monitoring.ts';
import type { DeploySettings } from '../../infra/settings.ts';
import { StatefulStack } from '../../infra/stateful-stack.ts';
import { StatelessStack } from '../../infra/stateless-stack.ts';

type Route = RouteSpec & { id: string };
type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

const SETTINGS: DeploySettings = {
  mailFrom: 'no-reply@platform.example',
  publicBaseUrl: 'https://api.platform.example',
  operatorAlertEmail: 'operators@platform.example',
  alarmEmail: 'on-call@platform.example',
};

/** One empty bundle folder standing in for every handler: for apps whose assertions do not look at the code. */
function placeholderBundles(routes?: Route[], flows?: WorkflowSpec[]): ReadonlyMap<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'csp-placeholder-bundle-'));
  writeFileSync(join(dir, 'index.mjs'), 'export const handler = async () => ({});\n');
  return new Map(functionSpecs(routes, flows).map((f) => [f.handler, dir]));
}

/** The same wiring as infra/platform.ts, with the route and workflow tables and the bundles as parameters. */
function buildApp(options: {
  routes?: Route[];
  workflows?: WorkflowSpec[];
  bundleDirs?: ReadonlyMap<string, string>;
  nag: boolean;
}) {
  const app = new App();
  const stateful = new StatefulStack(app, 'Stateful', { alarmEmail: SETTINGS.alarmEmail });
  const stateless = new StatelessStack(app, 'Stateless', {
    table: stateful.table,
    userPool: stateful.userPool,
    userPoolClient: stateful.userPoolClient,
    configurationSet: stateful.configurationSet,
    linkSecret: stateful.linkSecret,
    webhookKey: stateful.webhookKey,
    alarmTopic: stateful.alarmTopic,
    routes: options.routes,
    workflows: options.workflows,
    bundleDirs: options.bundleDirs ?? placeholderBundles(options.routes, options.workflows),
    settings: SETTINGS,
  });
  if (options.nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stateful, stateless };
}

/**
 * The stack and its nested stacks (the route functions of each context) as one template, with
 * every reference between them put back as it would be in one stack: a nested stack's parameter
 * by the value its parent passes, a parent's `Outputs.X` of a nested stack by that output's value.
 * The assertions below then read the deployment as a whole, whichever stack holds what.
 */
function flattened(stack: Stack): Template {
  const parent = Template.fromStack(stack).toJSON() as { Resources: Resources };
  const nested = stack.node
    .findAll()
    .filter((c): c is NestedStack => c instanceof NestedStack && c.nestedStackParent === stack);
  const children = nested.map((n) => {
    const resource = n.nestedStackResource;
    if (!resource) throw new Error(`${n.node.path} has no stack resource`);
    const id = stack.getLogicalId(resource);
    const json = Template.fromStack(n).toJSON() as {
      Resources: Resources;
      Outputs?: Record<string, { Value: unknown }>;
    };
    const parameters = (parent.Resources[id]?.Properties?.Parameters ?? {}) as Record<string, unknown>;
    return { id, json, parameters };
  });
  const byId = new Map(children.map((c) => [c.id, c]));
  const resolve = (value: unknown, parameters: Record<string, unknown>): unknown => {
    if (Array.isArray(value)) return value.map((v) => resolve(v, parameters));
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, unknown>);
    const [only] = entries;
    if (entries.length === 1 && only) {
      const [fn, arg] = only;
      if (fn === 'Ref' && typeof arg === 'string' && arg in parameters) return resolve(parameters[arg], {});
      if (
        fn === 'Fn::GetAtt' &&
        Array.isArray(arg) &&
        typeof arg[1] === 'string' &&
        arg[1].startsWith('Outputs.')
      ) {
        const child = byId.get(String(arg[0]));
        const output = child?.json.Outputs?.[arg[1].slice('Outputs.'.length)];
        if (child && output) return resolve(output.Value, child.parameters);
      }
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, resolve(v, parameters)]));
  };
  const resources: Resources = {};
  for (const [id, r] of Object.entries(parent.Resources))
    if (!byId.has(id)) resources[id] = resolve(r, {}) as Resources[string];
  for (const child of children)
    for (const [id, r] of Object.entries(child.json.Resources)) {
      if (id in resources) throw new Error(`Logical id ${id} is in two stacks`);
      resources[id] = resolve(r, child.parameters) as Resources[string];
    }
  return Template.fromJSON({ ...parent, Resources: resources });
}

/** Functions made by the platform construct (CDK helper functions carry no service name). */
function platformFunctions(template: Template): Resources {
  return template.findResources('AWS::Lambda::Function', {
    Properties: { Environment: { Variables: { POWERTOOLS_SERVICE_NAME: Match.anyValue() } } },
  }) as Resources;
}

const describeRoute = (route: Route) => `${route.method} ${route.path} (${route.id})`;

/** The logical id of the one function serving `route`; fails unless there is exactly one. */
function functionIdOf(template: Template, route: Route): string {
  const ids = Object.entries(platformFunctions(template))
    .filter(([, fn]) => fn.Properties?.Description === describeRoute(route))
    .map(([id]) => id);
  expect(ids, `functions for ${route.id}`).toHaveLength(1);
  return ids[0] as string;
}

/** `/users/{id}` back from the chain of AWS::ApiGateway::Resource parents. */
function pathOf(resources: Resources, resourceId: unknown): string {
  const ref = (resourceId as { Ref?: string }).Ref;
  if (ref === undefined) return ''; // the API's root resource (Fn::GetAtt RootResourceId)
  const resource = resources[ref];
  if (!resource) throw new Error(`No resource ${ref}`);
  return `${pathOf(resources, resource.Properties?.ParentId)}/${String(resource.Properties?.PathPart)}`;
}

/** The API method that invokes `functionId`, with its path rebuilt from the resource tree. */
function methodOf(
  template: Template,
  functionId: string,
  httpMethod: string,
): Record<string, unknown> & { path: string } {
  const resources = template.toJSON().Resources as Resources;
  const methods = Object.values(template.findResources('AWS::ApiGateway::Method') as Resources).filter(
    (m) =>
      JSON.stringify(m.Properties?.Integration).includes(`"${functionId}"`) &&
      m.Properties?.HttpMethod === httpMethod,
  );
  expect(methods, `${httpMethod} methods invoking ${functionId}`).toHaveLength(1);
  const props = methods[0]?.Properties ?? {};
  return { ...props, path: pathOf(resources, props.ResourceId) };
}

const placeholdersIn = (definitionFile: string) =>
  [...readFileSync(join(REPO_ROOT, definitionFile), 'utf8').matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]).sort();

const fixtureRoutes: Route[] = [
  {
    id: 'getPing',
    method: 'GET',
    path: '/ping',
    handler: 'platform/api/get-health',
    auth: 'public',
    summary: 'Fixture: a public route',
    response: { status: 200 },
  },
  {
    id: 'postReviewDecision',
    method: 'POST',
    path: '/operator/reviews/{id}/decision',
    handler: 'platform/api/get-session',
    auth: 'operator',
    summary: 'Fixture: an operator route touching every resource kind',
    response: { status: 202 },
    uses: ['table', 'mail', 'userPool', 'stateMachine'],
  },
  {
    id: 'getReview',
    method: 'GET',
    path: '/operator/reviews/{id}',
    handler: 'platform/api/get-session',
    auth: 'signed-in',
    summary: 'Fixture: a sibling path reusing /operator/reviews',
    response: { status: 200 },
    uses: ['table'],
  },
];

// Task handlers are existing modules: the fixture exercises wiring, not behaviour.
const fixtureWorkflows: WorkflowSpec[] = [
  {
    name: 'sample-review',
    definitionFile: 'test/infra/fixtures/sample-review.asl.json',
    tasks: { Notify: { handler: 'platform/api/get-health', uses: ['table', 'mail'] } },
  },
];

describe('the stacks of the real route and workflow tables', () => {
  let stateful: Template;
  let stateless: Template;
  /** Resources per stack (the stateless one and each nested stack of route functions). */
  let resourceCounts: Record<string, number>;

  beforeAll(async () => {
    // Bundled for real once: proves every entry resolves and its declared uses match its code.
    const bundles = await buildPlatformBundles(
      functionSpecs(),
      mkdtempSync(join(tmpdir(), 'csp-stack-bundles-')),
    );
    const built = buildApp({ bundleDirs: new Map([...bundles].map(([h, b]) => [h, b.dir])), nag: false });
    stateful = Template.fromStack(built.stateful);
    stateless = flattened(built.stateless);
    const stacks: Stack[] = [
      built.stateful,
      built.stateless,
      ...built.stateless.node.findAll().filter((c) => c instanceof NestedStack),
    ];
    resourceCounts = Object.fromEntries(
      stacks.map((st) => [st.node.path, Object.keys(Template.fromStack(st).toJSON().Resources ?? {}).length]),
    );
  }, 120_000);

  it('keeps every stack far below CloudFormation’s 500 resources: route functions go in one nested stack per context', () => {
    expect(Object.keys(resourceCounts).some((path) => path.endsWith('CommerceRoutes'))).toBe(true);
    // A context's stack grows by five resources a route (function, role, policy, log group, invoke
    // permission); the stateless stack by one or two (method, path part), from ~330 today.
    for (const [path, count] of Object.entries(resourceCounts))
      expect(count, path).toBeLessThan(path.endsWith('Routes') ? 300 : 400);
  });

  it('makes exactly one function per route, per workflow task and per consumer', () => {
    const tasks = workflows.reduce((n, w) => n + Object.keys(w.tasks).length, 0);

    const functions = platformFunctions(stateless);

    expect(Object.keys(functions)).toHaveLength(
      routeList.length +
        tasks +
        streamConsumers.length +
        queueConsumers.length +
        timerTasks.length +
        mailEventConsumers.length,
    );
    for (const route of routeList) functionIdOf(stateless, route);
  });

  it('runs every function on Node.js 22, ARM64, with active tracing and the defaults', () => {
    const functions = Object.values(platformFunctions(stateless));

    expect(functions.length).toBeGreaterThan(0);
    for (const fn of functions) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        MemorySize: 512,
        // A delivery batch may hold several 5-second POSTs in a row, a timer task emails several
        // admins; every other function: 10 s.
        Timeout:
          fn.Properties?.Description === 'queue consumer deliver-webhooks'
            ? 60
            : (timerTasks.find((t) => fn.Properties?.Description === `timer task ${t.name}`)
                ?.timeoutSeconds ?? 10),
        Handler: 'index.handler',
        Environment: {
          Variables: { NODE_OPTIONS: '--enable-source-maps', PUBLIC_BASE_URL: SETTINGS.publicBaseUrl },
        },
      });
      expect(fn.Properties?.LoggingConfig).toMatchObject({ LogGroup: { Ref: expect.any(String) } });
    }
  });

  it('puts the Cognito authorizer on every non-public route and none on public ones', () => {
    for (const route of routeList) {
      const method = methodOf(stateless, functionIdOf(stateless, route), route.method);

      expect(method.HttpMethod).toBe(route.method);
      expect(method.path).toBe(route.path);
      if (route.auth === 'public') {
        expect(method.AuthorizationType, route.id).toBe('NONE');
        expect(method.AuthorizerId, route.id).toBeUndefined();
      } else {
        expect(method.AuthorizationType, route.id).toBe('COGNITO_USER_POOLS');
        expect(method.AuthorizerId, route.id).toBeDefined();
        expect(method.AuthorizationScopes, route.id).toEqual(['aws.cognito.signin.user.admin']);
      }
    }
  });

  it('answers HEAD on the emailed link pages with the same public function', () => {
    const pages = routeList.filter((r) => r.method === 'GET' && r.response.contentType === 'text/html');
    expect(pages.length).toBeGreaterThan(0);
    for (const route of pages) {
      const head = methodOf(stateless, functionIdOf(stateless, route), 'HEAD');
      expect(head.path).toBe(route.path);
      expect(head.AuthorizationType, route.id).toBe('NONE');
    }
  });

  it("lets API Gateway invoke each route's function for that route's method and path only", () => {
    const permissions = Object.values(stateless.findResources('AWS::Lambda::Permission') as Resources);
    for (const route of routeList) {
      const id = functionIdOf(stateless, route);
      const granted = permissions
        .filter((p) => JSON.stringify(p.Properties?.FunctionName).includes(`"${id}"`))
        .map((p) => {
          expect(p.Properties?.Principal, route.id).toBe('apigateway.amazonaws.com');
          const arn = JSON.stringify(p.Properties?.SourceArn);
          expect(arn, route.id).toContain(':execute-api:');
          return arn
            .match(/\/\*\/([A-Z]+)(\/[^"]*)"\]\]\}$/)
            ?.slice(1)
            .join(' ');
        });
      const path = route.path.replace(/\{[^}]*\}/g, '*');
      const methods =
        route.auth === 'public' && route.method === 'GET' && route.response.contentType === 'text/html'
          ? [route.method, 'HEAD']
          : [route.method];
      expect(granted.sort(), route.id).toEqual(methods.map((m) => `${m} ${path}`).sort());
    }
  });

  it('logs, traces and throttles the API stage, behind a WAF', () => {
    stateless.hasResourceProperties('AWS::ApiGateway::Stage', {
      TracingEnabled: true,
      AccessLogSetting: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('requestId') },
      MethodSettings: [
        Match.objectLike({
          MetricsEnabled: true,
          LoggingLevel: 'ERROR',
          DataTraceEnabled: false,
          ThrottlingRateLimit: 50,
          ThrottlingBurstLimit: 100,
        }),
      ],
    });
    stateless.resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
  });

  it('answers API Gateway’s own errors in problem+json', () => {
    stateless.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'UNAUTHORIZED',
      StatusCode: '401',
      ResponseParameters: Match.objectLike({
        'gatewayresponse.header.Content-Type': "'application/problem+json'",
        'gatewayresponse.header.X-Content-Type-Options': "'nosniff'",
      }),
      ResponseTemplates: { 'application/json': Match.stringLikeRegexp('"code":"UNAUTHENTICATED"') },
    });
    // An unknown path or method is 404 NOT_FOUND, as the local gateway answers; a 429 says when to retry.
    stateless.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'MISSING_AUTHENTICATION_TOKEN',
      StatusCode: '404',
      ResponseTemplates: { 'application/json': Match.stringLikeRegexp('"code":"NOT_FOUND"') },
    });
    stateless.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'THROTTLED',
      StatusCode: '429',
      ResponseParameters: Match.objectLike({ 'gatewayresponse.header.Retry-After': "'1'" }),
    });
  });

  it('keeps one on-demand table with PITR, deletion protection and TTL, retained on delete', () => {
    stateful.resourceCountIs('AWS::DynamoDB::Table', 1);
    stateful.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
        TimeToLiveSpecification: { AttributeName: TABLE.ttlAttribute, Enabled: true },
        KeySchema: [
          { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
          { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: TABLE.indexes.map((index) =>
          Match.objectLike({
            IndexName: index.name,
            KeySchema: [
              { AttributeName: index.partitionKey, KeyType: 'HASH' },
              { AttributeName: index.sortKey, KeyType: 'RANGE' },
            ],
          }),
        ),
      },
    });
  });

  it('keeps a user pool with the contract’s password policy, an operators group and a secretless client', () => {
    stateful.hasResource('AWS::Cognito::UserPool', {
      DeletionPolicy: 'Retain',
      Properties: {
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
        UsernameAttributes: Match.absent(),
        AliasAttributes: Match.absent(),
        Policies: {
          PasswordPolicy: {
            MinimumLength: 12,
            RequireUppercase: true,
            RequireLowercase: true,
            RequireNumbers: true,
          },
        },
        AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
        DeletionProtection: 'ACTIVE',
      },
    });
    stateful.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: OPERATORS_GROUP });
    stateful.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      ExplicitAuthFlows: Match.arrayEquals(['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']),
      GenerateSecret: false,
    });
    stateful.resourceCountIs('AWS::SES::ConfigurationSet', 1);
  });

  /**
   * Every platform function: whether it serves one of `routes` (or is one of the consumers
   * named), its variables, and the policies attached to the role it runs as (as JSON, to look
   * for actions).
   */
  const functionsOfRoutes = (routes: ReadonlyArray<(typeof routeList)[number]>, consumers: string[] = []) => {
    const policies = Object.values(stateless.findResources('AWS::IAM::Policy') as Resources);
    const descriptions = new Set([...routes.map(describeRoute), ...consumers]);
    return Object.entries(platformFunctions(stateless)).map(([id, fn]) => {
      const props = fn.Properties ?? {};
      const roleId = (props.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      return {
        id,
        uses: descriptions.has(String(props.Description)),
        variables: (props.Environment as { Variables: Record<string, unknown> }).Variables,
        policy: JSON.stringify(
          policies.filter((p) =>
            ((p.Properties?.Roles ?? []) as unknown[]).some((r) => (r as { Ref?: string }).Ref === roleId),
          ),
        ),
      };
    });
  };

  it('keeps a generated link secret, retained on delete, readable by exactly the routes that use it', () => {
    stateful.resourceCountIs('AWS::SecretsManager::Secret', 1);
    stateful.hasResource('AWS::SecretsManager::Secret', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        GenerateSecretString: Match.objectLike({ PasswordLength: 64, ExcludePunctuation: true }),
        SecretString: Match.absent(),
      },
    });
    const users = routeList.filter((r) => r.uses?.includes('linkSecret'));
    expect(users.map((r) => r.id).sort()).toEqual([
      'inviteCustomerWithProvider',
      'inviteExistingCustomer',
      'requestAdminRelationship',
      'requestCustomerRelationship',
    ]);
    for (const { id, uses, variables, policy } of functionsOfRoutes(users)) {
      expect('LINK_SECRET_ARN' in variables, id).toBe(uses);
      expect(policy.includes('secretsmanager:GetSecretValue'), id).toBe(uses);
      if (uses) {
        expect(variables.LINK_SECRET_ARN).toEqual({ 'Fn::ImportValue': expect.any(String) });
        expect(policy).not.toContain('secretsmanager:PutSecretValue');
      }
    }
  });

  it('keeps a rotated KMS key for webhook secrets, retained: the create route seals, the delivery consumer opens, nobody else', () => {
    stateful.resourceCountIs('AWS::KMS::Key', 1);
    stateful.hasResource('AWS::KMS::Key', {
      DeletionPolicy: 'Retain',
      Properties: { EnableKeyRotation: true },
    });
    const sealers = routeList.filter((r) => r.uses?.includes('webhookKey'));
    expect(sealers.map((r) => r.id)).toEqual(['createWebhook']);
    expect(routeList.filter((r) => r.uses?.includes('webhookSecrets'))).toEqual([]);
    const seal = functionsOfRoutes(sealers);
    const open = functionsOfRoutes([], ['queue consumer deliver-webhooks']);
    for (const [i, { id, uses, variables, policy }] of seal.entries()) {
      const opens = open[i]?.uses ?? false;
      expect('WEBHOOK_KEY_ARN' in variables, id).toBe(uses || opens);
      expect(policy.includes('kms:Encrypt'), id).toBe(uses);
      expect(policy.includes('kms:Decrypt'), id).toBe(opens);
      expect(policy, id).not.toMatch(/kms:(ReEncrypt|GenerateDataKey|\*)/);
    }
    expect(open.filter((f) => f.uses)).toHaveLength(1);
  });

  it('turns activity records into events: the stream, filtered, to publish-events, the bus, a rule, the queue, deliver-webhooks', () => {
    stateful.hasResourceProperties('AWS::DynamoDB::Table', {
      StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
    });
    const [publisher] = streamConsumers;
    const [delivery] = queueConsumers;
    expect(publisher?.name).toBe('publish-events');
    expect(delivery?.name).toBe('deliver-webhooks');
    // Every stream consumer reads the table's stream through its own filter, failed batches to a queue.
    for (const consumer of streamConsumers)
      stateless.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: { 'Fn::ImportValue': Match.stringLikeRegexp('Table.*StreamArn') },
        StartingPosition: 'TRIM_HORIZON',
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        FilterCriteria: { Filters: [{ Pattern: JSON.stringify(consumer.filter) }] },
        MaximumRecordAgeInSeconds: 86_400,
        DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
      });
    stateless.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: Match.anyValue(),
      BatchSize: delivery?.batchSize,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    stateless.resourceCountIs('AWS::Events::EventBus', 1);
    stateless.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: Match.anyValue(),
      EventPattern: { source: [EVENT_SOURCE], detail: { queuedForWebhooks: [true] } },
      Targets: [Match.objectLike({ DeadLetterConfig: Match.anyValue() })],
    });
    // The delivery queue, its DLQ, each stream consumer's failed batches, the timers' DLQ and each
    // mail event consumer's: encrypted, TLS only.
    const queues = Object.values(stateless.findResources('AWS::SQS::Queue') as Resources);
    expect(queues).toHaveLength(3 + streamConsumers.length + mailEventConsumers.length);
    for (const q of queues) expect(q.Properties?.SqsManagedSseEnabled).toBe(true);
    stateless.hasResourceProperties('AWS::SQS::Queue', {
      VisibilityTimeout: delivery?.visibilityTimeoutSeconds,
      RedrivePolicy: { maxReceiveCount: delivery?.maxReceiveCount, deadLetterTargetArn: Match.anyValue() },
    });
    // One alarm per dead-letter or failed-batches queue: the delivery DLQ, each stream consumer's,
    // the timers', each mail event consumer's (the alarms' own test below checks each).
    const depthAlarms = Object.values(stateless.findResources('AWS::CloudWatch::Alarm') as Resources).filter(
      (a) => a.Properties?.MetricName === 'ApproximateNumberOfMessagesVisible',
    );
    expect(depthAlarms).toHaveLength(2 + streamConsumers.length + mailEventConsumers.length);

    // Loopback receivers are the local runtime's only.
    expect(JSON.stringify(stateless.toJSON())).not.toContain('WEBHOOKS_ALLOW_LOOPBACK');

    const putters = routeList.filter((r) => r.uses?.includes('eventBus'));
    expect(putters.map((r) => r.id)).toEqual(['testWebhook']);
    for (const { id, uses, variables, policy } of functionsOfRoutes(putters, [
      'stream consumer publish-events',
    ])) {
      expect('EVENT_BUS_NAME' in variables, id).toBe(uses);
      expect(policy.includes('events:PutEvents'), id).toBe(uses);
    }
    for (const { id, uses, variables, policy } of functionsOfRoutes(
      [],
      ['queue consumer deliver-webhooks'],
    )) {
      expect('DELIVERY_QUEUE_URL' in variables, id).toBe(uses);
      expect(policy.includes('sqs:ChangeMessageVisibility'), id).toBe(uses);
      if (uses) expect(policy).not.toContain('sqs:SendMessage');
    }
  });

  it('runs timers on EventBridge Scheduler: a group, a role that invokes only the timer tasks, a DLQ with an alarm', () => {
    stateless.resourceCountIs('AWS::Scheduler::ScheduleGroup', 1);
    expect(timerTasks.length).toBeGreaterThan(0);
    // Each timer task has a fixed name: the functions that arm its timers are told its ARN without a
    // reference to it (it arms its own next timers: a reference would be a cycle).
    const tasks = timerTasks.map((task) => {
      const found = Object.entries(platformFunctions(stateless)).find(
        ([, fn]) => fn.Properties?.Description === `timer task ${task.name}`,
      );
      expect(found, task.name).toBeDefined();
      const [id, fn] = found ?? ['', {}];
      const functionName = String(fn.Properties?.FunctionName);
      expect(functionName).toMatch(new RegExp(`-${task.name}$`));
      return { task, id, functionName };
    });
    // The role Scheduler assumes (same-account only) may invoke the timer tasks and send to the DLQ, nothing else.
    const roles = stateless.findResources('AWS::IAM::Role', {
      Properties: {
        AssumeRolePolicyDocument: {
          Statement: [Match.objectLike({ Principal: { Service: 'scheduler.amazonaws.com' } })],
        },
      },
    }) as Resources;
    const [roleId, ...otherRoles] = Object.keys(roles);
    expect(otherRoles).toEqual([]);
    expect(JSON.stringify(roles)).toContain('aws:SourceAccount');
    const rolePolicies = Object.values(stateless.findResources('AWS::IAM::Policy') as Resources).filter((p) =>
      ((p.Properties?.Roles ?? []) as Array<{ Ref?: string }>).some((r) => r.Ref === roleId),
    );
    type Statement = { Action: unknown; Resource: unknown };
    const statements = rolePolicies.flatMap(
      (p) => (p.Properties?.PolicyDocument as { Statement: Statement[] } | undefined)?.Statement ?? [],
    );
    expect([...new Set(statements.flatMap((st) => [st.Action].flat()))].sort()).toEqual([
      'lambda:InvokeFunction',
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:SendMessage',
    ]);
    const invoked = statements
      .filter((st) => st.Action === 'lambda:InvokeFunction')
      .flatMap((st) => [st.Resource].flat());
    expect(invoked).toEqual(expect.arrayContaining(tasks.map(({ id }) => ({ 'Fn::GetAtt': [id, 'Arn'] }))));
    expect(invoked).toHaveLength(tasks.length);

    // Exactly the functions that arm or delete timers may, in the group only, passing that role.
    const armers = routeList.filter((r) => r.uses?.includes('timers'));
    expect(armers.map((r) => r.id).sort()).toEqual([
      'approveAdminRelationship',
      'cancelSubscription',
      'endCustomerRelationship',
      'endIndirectProviderRelationship',
      'endIndirectResellerRelationship',
      'endPartnerRelationship',
      'migrateDefaultRelationships',
      'placeOrder',
      'requestAdminRelationship',
      'terminateAdminRelationship',
    ]);
    const armingConsumers = streamConsumers.filter((c) => c.uses.includes('timers'));
    expect(armingConsumers.map((c) => c.name)).toEqual(['default-admin-relationships']);
    for (const { id, uses, variables, policy } of functionsOfRoutes(armers, [
      ...tasks.map(({ task }) => `timer task ${task.name}`),
      ...armingConsumers.map((c) => `stream consumer ${c.name}`),
    ])) {
      expect('TIMER_GROUP_NAME' in variables, id).toBe(uses);
      expect(policy.includes('scheduler:CreateSchedule'), id).toBe(uses);
      expect(policy.includes('iam:PassRole'), id).toBe(uses);
      for (const { task, functionName } of tasks) {
        const name = timerTargetEnvName(task.name);
        expect(name in variables, `${id} ${name}`).toBe(uses);
        if (uses) expect(JSON.stringify(variables[name])).toContain(functionName);
      }
    }
  });

  it('sends SES bounces and complaints to the default bus, where a rule hands them to mail-feedback (retried, then a DLQ)', () => {
    stateful.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      EventDestination: {
        Enabled: true,
        MatchingEventTypes: ['bounce', 'complaint'],
        EventBridgeDestination: { EventBusArn: Match.anyValue() },
      },
    });
    expect(JSON.stringify(stateful.findResources('AWS::SES::ConfigurationSetEventDestination'))).toContain(
      ':event-bus/default',
    );
    expect(mailEventConsumers.map((c) => c.name)).toEqual(['mail-feedback']);
    for (const consumer of mailEventConsumers) {
      const [id] = Object.entries(platformFunctions(stateless)).find(
        ([, fn]) => fn.Properties?.Description === `mail event consumer ${consumer.name}`,
      ) ?? [''];
      expect(id, consumer.name).not.toBe('');
      stateless.hasResourceProperties('AWS::Events::Rule', {
        EventBusName: 'default',
        EventPattern: { source: ['aws.ses'], 'detail-type': consumer.rule.detailType },
        Targets: [
          Match.objectLike({
            Arn: { 'Fn::GetAtt': [id, 'Arn'] },
            DeadLetterConfig: Match.anyValue(),
            RetryPolicy: { MaximumEventAgeInSeconds: 86_400, MaximumRetryAttempts: 185 },
          }),
        ],
      });
    }
  });

  it('alarms to the one topic subscribed by alarmEmail, each naming its runbook section', () => {
    stateful.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: SETTINGS.alarmEmail,
    });
    const alarms = stateless.findResources('AWS::CloudWatch::Alarm') as Resources;
    const byName = new Map(
      Object.values(alarms).map((a) => [
        String(a.Properties?.AlarmName).replace(/^Stateless-/, ''),
        a.Properties ?? {},
      ]),
    );
    const anchors = new Set(
      [
        ...readFileSync(join(REPO_ROOT, RUNBOOK), 'utf8')
          // Headings only: a `#` comment in a fenced shell block is not one.
          .replace(/^```[\s\S]*?^```/gm, '')
          .matchAll(/^#+ (.+)$/gm),
      ].map((m) =>
        (m[1] ?? '')
          .trim()
          .toLowerCase()
          .replace(/[^\p{L}\p{N}\s-]/gu, '')
          .replace(/\s/g, '-'),
      ),
    );
    for (const [name, alarm] of byName) {
      // Every alarm goes to the topic, and says so when it is over.
      const topic = JSON.stringify(alarm.AlarmActions);
      expect(topic, name).toContain('AlarmTopic');
      expect(alarm.AlarmActions, name).toHaveLength(1);
      expect(alarm.OKActions, name).toEqual(alarm.AlarmActions);
      expect(alarm.ComparisonOperator, name).toBe('GreaterThanOrEqualToThreshold');
      expect(alarm.TreatMissingData, name).toBe('notBreaching');
      const anchor = /Runbook: docs\/runbook\.md#([a-z-]+)$/.exec(String(alarm.AlarmDescription))?.[1];
      expect(anchor && anchors.has(anchor), `${name}: runbook section ${anchor}`).toBe(true);
    }

    /** The alarm's single metric, or the metrics of its math expression by id. */
    const metricsOf = (name: string) => {
      const alarm = byName.get(name);
      expect(alarm, name).toBeDefined();
      const math = (alarm?.Metrics ?? []) as Array<{
        Id: string;
        Expression?: string;
        MetricStat?: {
          Metric: { MetricName: string; Namespace: string; Dimensions?: unknown[] };
          Stat: string;
        };
      }>;
      return { alarm: alarm ?? {}, math, expression: math.find((m) => m.Expression)?.Expression };
    };
    const single = (name: string, expected: Record<string, unknown>) =>
      expect(metricsOf(name).alarm, name).toMatchObject(expected);
    const mathOf = (name: string) => {
      const { alarm, math, expression } = metricsOf(name);
      return {
        threshold: alarm.Threshold,
        expression,
        metrics: math
          .filter((m) => m.MetricStat)
          .map(
            (m) =>
              `${m.MetricStat?.Metric.Namespace} ${m.MetricStat?.Metric.MetricName} ${m.MetricStat?.Stat}`,
          )
          .sort(),
      };
    };

    single('ApiServerErrors', {
      Namespace: 'AWS/ApiGateway',
      MetricName: '5XXError',
      Statistic: 'Average',
      Period: 300,
      Threshold: THRESHOLDS.apiServerErrorRate,
    });
    single('ApiLatency', {
      Namespace: 'AWS/ApiGateway',
      MetricName: 'Latency',
      ExtendedStatistic: 'p99',
      Threshold: 2500,
      EvaluationPeriods: 3,
    });
    expect(mathOf('FunctionErrors')).toEqual({
      threshold: 1,
      expression: 'IF(invocations > 0, 100 * errors / invocations, 0)',
      metrics: ['AWS/Lambda Errors Sum', 'AWS/Lambda Invocations Sum'],
    });
    single('FunctionThrottles', { Namespace: 'AWS/Lambda', MetricName: 'Throttles', Threshold: 1 });
    expect(workflows.map((w) => w.name)).toEqual(['enrollment-review']);
    expect(mathOf('WorkflowFailuresEnrollmentReview')).toEqual({
      threshold: 1,
      expression: 'failed + timedOut + aborted',
      metrics: [
        'AWS/States ExecutionsAborted Sum',
        'AWS/States ExecutionsFailed Sum',
        'AWS/States ExecutionsTimedOut Sum',
      ],
    });
    expect(mathOf('TimerInvocationsDropped')).toMatchObject({
      threshold: 1,
      metrics: [
        'AWS/Scheduler InvocationDroppedCount Sum',
        'AWS/Scheduler InvocationsFailedToBeSentToDeadLetterCount Sum',
      ],
    });
    expect(JSON.stringify(metricsOf('TimerInvocationsDropped').math)).toContain('ScheduleGroup');
    for (const [name, metric] of [
      ['TableThrottles', 'ThrottledRequests'],
      ['TableSystemErrors', 'SystemErrors'],
    ] as const) {
      const { threshold, metrics } = mathOf(name);
      expect(threshold).toBe(1);
      expect(metrics.length).toBeGreaterThan(1);
      for (const m of metrics) expect(m).toBe(`AWS/DynamoDB ${metric} Sum`);
    }
    single('MailBounceRate', { Namespace: 'AWS/SES', MetricName: 'Reputation.BounceRate', Threshold: 0.02 });
    single('MailComplaintRate', {
      Namespace: 'AWS/SES',
      MetricName: 'Reputation.ComplaintRate',
      Threshold: 0.0005,
    });
    const [webAcl] = Object.values(stateless.findResources('AWS::WAFv2::WebACL') as Resources);
    single('WafBlockSpike', { Namespace: 'AWS/WAFV2', MetricName: 'BlockedRequests', Threshold: 500 });
    expect(metricsOf('WafBlockSpike').alarm.Dimensions).toEqual(
      expect.arrayContaining([
        { Name: 'WebACL', Value: webAcl?.Properties?.Name },
        { Name: 'Rule', Value: 'ALL' },
      ]),
    );

    // Every dead-letter and failed-records queue: any message is a lost change or notice.
    const queueIds = Object.keys(stateless.findResources('AWS::SQS::Queue'));
    const watched = [
      ...streamConsumers.map((c) => `${pascal(c.name)}FailedBatches`),
      `${pascal(queueConsumers[0]?.name ?? '')}DeadLetters`,
      'TimerDeadLetters',
      ...mailEventConsumers.map((c) => `${pascal(c.name)}DeadLetters`),
    ];
    for (const name of watched) {
      single(name, { MetricName: 'ApproximateNumberOfMessagesVisible', Statistic: 'Maximum', Threshold: 1 });
      const queueRef = JSON.stringify(metricsOf(name).alarm.Dimensions);
      expect(
        queueIds.some((q) => queueRef.includes(q) && q.startsWith(name)),
        name,
      ).toBe(true);
    }
    expect([...byName.keys()].sort()).toEqual(
      [
        'ApiServerErrors',
        'ApiLatency',
        'FunctionErrors',
        'FunctionThrottles',
        'WorkflowFailuresEnrollmentReview',
        'TimerInvocationsDropped',
        'TableThrottles',
        'TableSystemErrors',
        'MailBounceRate',
        'MailComplaintRate',
        'WafBlockSpike',
        ...watched,
      ].sort(),
    );
  });

  it('draws one dashboard: alarms, requests, errors and latency per business context, workflows, deliveries, mail, business counts', () => {
    const dashboards = stateless.findResources('AWS::CloudWatch::Dashboard') as Resources;
    expect(Object.keys(dashboards)).toHaveLength(1);
    const [dashboard] = Object.values(dashboards);
    expect(dashboard?.Properties?.DashboardName).toBe(DASHBOARD_NAME);
    const body = JSON.stringify(dashboard?.Properties?.DashboardBody);
    for (const context of new Set(routeList.map(contextOf)))
      for (const label of ['requests', '5xx', 'p99']) expect(body).toContain(`${context} ${label}`);
    for (const metric of Object.values(BUSINESS_METRICS))
      expect(body).toContain(
        `[\\"${METRICS_NAMESPACE}\\",\\"${metric}\\",\\"service\\",\\"${SERVICE_NAME}\\"`,
      );
    for (const text of ['enrollment-review started', 'ApproximateAgeOfOldestMessage', 'Bounce', 'Complaint'])
      expect(body).toContain(text);
  });

  it('fills every placeholder of each definition with a task function and nothing else', () => {
    for (const workflow of [...workflows, ...fixtureWorkflows]) {
      const tasks = Object.keys(workflow.tasks).map(functionArnPlaceholder).sort();

      expect([...new Set(placeholdersIn(workflow.definitionFile))].sort(), workflow.name).toEqual(tasks);
    }
  });
});

describe('cdk-nag AwsSolutions checks', () => {
  it.each([
    ['the real tables', {}],
    [
      'the fixture tables with a workflow and every kind of grant',
      { routes: fixtureRoutes, workflows: fixtureWorkflows },
    ],
  ])('leave no unacknowledged finding for %s', (_name, tables) => {
    const { app } = buildApp({ ...tables, nag: true });

    // cdk-nag v3 runs as a policy validation plugin: synthesis throws on a finding.
    expect(() => app.synth()).not.toThrow();
    // The same check walked directly, so a failure names the rules and resources.
    const findings = new AwsSolutionsChecks().validateScope(app).violations.map((v) => ({
      rule: v.ruleName,
      severity: v.severity,
      resources: v.violatingResources.map((r) => r.constructPath),
    }));
    expect(findings).toEqual([]);
  });
});

describe('the stateless stack with a fixture workflow', () => {
  let template: Template;

  beforeAll(() => {
    const { stateless } = buildApp({
      routes: fixtureRoutes,
      workflows: fixtureWorkflows,
      nag: false,
    });
    template = flattened(stateless);
  });

  it('makes one function per route, per task and per consumer through the one construct', () => {
    expect(Object.keys(platformFunctions(template))).toHaveLength(
      fixtureRoutes.length +
        1 +
        streamConsumers.length +
        queueConsumers.length +
        timerTasks.length +
        mailEventConsumers.length,
    );
  });

  it('reuses API resources for shared path prefixes', () => {
    const resources = Object.values(template.findResources('AWS::ApiGateway::Resource') as Resources);
    const paths = resources.map((r) => r.Properties?.PathPart);

    expect(paths.sort()).toEqual(['decision', 'operator', 'ping', 'reviews', '{id}'].sort());
    expect(
      methodOf(
        template,
        functionIdOf(template, fixtureRoutes[1] as Route),
        (fixtureRoutes[1] as Route).method,
      ).path,
    ).toBe('/operator/reviews/{id}/decision');
  });

  it('fills the task ARN into the definition and logs without execution data, traced', () => {
    const [task] = Object.entries(platformFunctions(template)).find(
      ([, fn]) => fn.Properties?.Description === 'sample-review task Notify',
    ) ?? [''];

    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineName: 'Stateless-sample-review',
      DefinitionSubstitutions: { NotifyFunctionArn: { 'Fn::GetAtt': [task, 'Arn'] } },
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false },
      TracingConfiguration: { Enabled: true },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: 'lambda:InvokeFunction', Resource: { 'Fn::GetAtt': [task, 'Arn'] } }),
        ]),
      },
    });
  });

  it('gives a route that uses the state machine its ARN and the rights to start and answer it', () => {
    const fnId = functionIdOf(template, fixtureRoutes[1] as Route);
    const fn = platformFunctions(template)[fnId];

    expect(fn?.Properties?.Environment).toMatchObject({
      Variables: {
        [stateMachineArnEnvName('sample-review')]: { Ref: expect.any(String) },
        TABLE_NAME: expect.anything(),
        MAIL_FROM: SETTINGS.mailFrom,
        OPERATOR_ALERT_EMAIL: SETTINGS.operatorAlertEmail,
        SES_CONFIGURATION_SET: expect.anything(),
        USER_POOL_ID: expect.anything(),
        USER_POOL_CLIENT_ID: expect.anything(),
      },
    });
    const policy = JSON.stringify(template.findResources('AWS::IAM::Policy'));
    for (const action of ['states:StartExecution', 'states:SendTaskSuccess', 'states:DescribeExecution']) {
      expect(policy).toContain(action);
    }
    expect(policy).not.toContain('dynamodb:Scan');
  });

  it('rejects a task that would use its own state machine', () => {
    const cyclic: WorkflowSpec = {
      ...(fixtureWorkflows[0] as WorkflowSpec),
      tasks: { Notify: { handler: 'platform/api/get-health', uses: ['stateMachine'] } },
    };

    expect(() => buildApp({ routes: fixtureRoutes, workflows: [cyclic], nag: false })).toThrow(
      /cannot use 'stateMachine'/,
    );
  });
});
