import { join } from 'node:path';
import {
  ArnFormat,
  CrossStackReferences,
  Duration,
  NestedStack,
  ReferenceStrength,
  RemovalPolicy,
  Stack,
  type StackProps,
  Validations,
} from 'aws-cdk-lib';
import {
  AccessLogFormat,
  AuthorizationType,
  CognitoUserPoolsAuthorizer,
  EndpointType,
  Integration,
  IntegrationType,
  LogGroupLogDestination,
  type Method,
  MethodLoggingLevel,
  ResponseType,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import type { IUserPool, IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction as LambdaTarget, SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { Grant, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { FilterCriteria, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { ScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IConfigurationSet } from 'aws-cdk-lib/aws-ses';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';
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
import { TABLE } from '../functions/platform/data/table.ts';
import {
  functionEnvironment,
  type Resource,
  type ResourceSettings,
} from '../functions/platform/resources.ts';
import { type RouteSpec, routeList } from '../functions/routes.ts';
import { functionArnPlaceholder, type WorkflowSpec, workflows } from '../functions/workflows.ts';
import { PlatformFunction, pascal, REPO_ROOT, SERVICE_NAME } from './function.ts';
import { GATEWAY_HEADERS, GATEWAY_RESPONSES } from './gateway-responses.ts';
import { contextOf, Monitoring, type WatchedQueue } from './monitoring.ts';
import type { DeploySettings } from './settings.ts';

/** The scope Cognito puts in access tokens; requiring it makes the authorizer accept access tokens. */
const ACCESS_TOKEN_SCOPE = 'aws.cognito.signin.user.admin';

/** What a `userPool` function may do: manage users and sign them in server-side, nothing else. */
const USER_POOL_ACTIONS = [
  'cognito-idp:AdminCreateUser',
  'cognito-idp:AdminGetUser',
  'cognito-idp:AdminUpdateUserAttributes',
  'cognito-idp:AdminDeleteUser',
  'cognito-idp:AdminDisableUser',
  'cognito-idp:AdminEnableUser',
  'cognito-idp:AdminSetUserPassword',
  'cognito-idp:AdminAddUserToGroup',
  'cognito-idp:AdminRemoveUserFromGroup',
  'cognito-idp:AdminListGroupsForUser',
  'cognito-idp:AdminInitiateAuth',
  'cognito-idp:AdminRespondToAuthChallenge',
  'cognito-idp:AdminUserGlobalSignOut',
];

/** Item reads and writes, single and batched, and queries; no Scan, no streams. */
const TABLE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
];

export interface StatelessStackProps extends StackProps {
  readonly table: ITable;
  readonly userPool: IUserPool;
  readonly userPoolClient: IUserPoolClient;
  readonly configurationSet: IConfigurationSet;
  /** The secret idempotent creates derive link tokens from. */
  readonly linkSecret: ISecret;
  /** The KMS key that seals webhook signing secrets. */
  readonly webhookKey: IKey;
  /** @default the route table of `functions/routes.ts`; tests pass a fixture */
  readonly routes?: ReadonlyArray<RouteSpec & { id: string }>;
  /** @default the workflows of `functions/workflows.ts`; tests pass a fixture */
  readonly workflows?: ReadonlyArray<WorkflowSpec>;
  /** @default the tables of `functions/consumers.ts` */
  readonly consumers?: {
    stream: ReadonlyArray<StreamConsumerSpec>;
    queue: ReadonlyArray<QueueConsumerSpec>;
    timer: ReadonlyArray<TimerTaskSpec>;
    mail: ReadonlyArray<MailEventConsumerSpec>;
  };
  /** Handler module → the folder infra/bundle.ts built for it; deployed as it is. */
  readonly bundleDirs: ReadonlyMap<string, string>;
  /** Sender, public URL and operators' address of this deployment (infra/settings.ts). */
  readonly settings: DeploySettings;
  /** Where the alarms go (the stateful stack's topic). */
  readonly alarmTopic: ITopic;
}

/** Emailed link pages answer HEAD like GET (mail scanners probe links); nothing changes either way. */
const answersHead = (route: RouteSpec) =>
  route.auth === 'public' && route.method === 'GET' && route.response.contentType === 'text/html';

interface Workflow {
  readonly name: string;
  readonly stateMachine: StateMachine;
  /** Executions of this machine, for Describe/Stop; the machine name is known at synth time. */
  readonly executionArn: string;
}

/**
 * Everything that can be replaced on a deploy: one Lambda function per route of the
 * route table behind a REST API with the Cognito authorizer and a WAF, and the state
 * machines of the workflow table with their task functions. Access to the stateful
 * resources is granted per function from the `uses` of its route or task.
 */
export class StatelessStack extends Stack {
  readonly api: RestApi;
  /** Route id → its function. */
  readonly routeFunctions: ReadonlyMap<string, PlatformFunction>;
  /** Workflow name → its state machine. */
  readonly stateMachines: ReadonlyMap<string, StateMachine>;
  /** The platform's event bus: every activity record becomes an event on it. */
  readonly bus: EventBus;
  /** The queue webhook deliveries wait in (between attempts too), and its dead-letter queue. */
  readonly deliveryQueue: Queue;
  readonly deliveryDeadLetters: Queue;
  /** Consumer name → its function. */
  readonly consumerFunctions: ReadonlyMap<string, PlatformFunction>;
  /** One-time timers: their schedule group, the role Scheduler calls targets with, the dead-letter queue. */
  readonly timerGroup: ScheduleGroup;
  readonly timerRole: Role;
  readonly timerDeadLetters: Queue;
  /** Timer task name → its function. */
  readonly timerFunctions: ReadonlyMap<string, PlatformFunction>;

  /** The alarms and the dashboard (infra/monitoring.ts). */
  readonly monitoring: Monitoring;

  private readonly props: StatelessStackProps;
  /** Dead-letter and failed-records queues: each gets an alarm on its depth. */
  private readonly watchedQueues: WatchedQueue[] = [];
  private readonly mailFrom: string;
  private readonly workflows: Workflow[] = [];
  /** Business context → the nested stack of its route functions. */
  private readonly routeStacks = new Map<string, NestedStack>();
  /** Timer task name → its function's fixed name (its ARN is in the environment of the functions that arm timers). */
  private readonly timerTaskNames: ReadonlyMap<string, string>;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    // Strong (CloudFormation exports) on purpose: the stateful stack then cannot drop or
    // replace a table or pool this stack still uses. Set before any child exists.
    CrossStackReferences.of(this).consume(ReferenceStrength.STRONG);
    this.props = props;
    this.mailFrom = props.settings.mailFrom;

    const consumers = props.consumers ?? {
      stream: streamConsumers,
      queue: queueConsumers,
      timer: timerTasks,
      mail: mailEventConsumers,
    };
    // One queue consumer: functions are told one DELIVERY_QUEUE_URL (the `deliveryQueue` resource).
    const [delivery, ...others] = consumers.queue;
    if (!delivery || others.length > 0)
      throw new Error('Exactly one queue consumer is expected (deliver-webhooks)');
    this.bus = new EventBus(this, 'EventBus', {
      description: 'CSP partner platform events (one per activity record)',
    });
    this.deliveryDeadLetters = this.makeQueue(`${pascal(delivery.name)}DeadLetters`, {
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deliveryDeadLetters).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This is the dead-letter queue of the delivery queue; its depth has an alarm.',
    });
    this.deliveryQueue = this.makeQueue(pascal(delivery.name), {
      visibilityTimeout: Duration.seconds(delivery.visibilityTimeoutSeconds),
      retentionPeriod: Duration.seconds(delivery.retentionSeconds),
      deadLetterQueue: { queue: this.deliveryDeadLetters, maxReceiveCount: delivery.maxReceiveCount },
    });

    // Before any function: those using `timers` are told the group, role and queue.
    // A literal name: functions in the nested route stacks name it in their policies and nag findings.
    this.timerGroup = new ScheduleGroup(this, 'Timers', { scheduleGroupName: `${this.stackName}-timers` });
    this.timerRole = new Role(this, 'TimerRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
      description: 'EventBridge Scheduler calls the timer tasks with it',
    });
    this.timerDeadLetters = this.makeQueue('TimerDeadLetters', { retentionPeriod: Duration.days(14) });
    Validations.of(this.timerDeadLetters).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This is the dead-letter queue of the timers (Scheduler targets); its depth has an alarm.',
    });
    this.timerDeadLetters.grantSendMessages(this.timerRole);
    this.timerTaskNames = new Map(
      consumers.timer.map((t) => [t.name, `${this.stackName}-${t.name}`.slice(0, 64)]),
    );

    const machines = new Map<string, StateMachine>();
    for (const workflow of props.workflows ?? workflows) {
      machines.set(workflow.name, this.addWorkflow(workflow));
    }
    this.stateMachines = machines;

    this.api = this.makeApi();
    const functions = new Map<string, PlatformFunction>();
    let authorizer: CognitoUserPoolsAuthorizer | undefined;
    for (const route of props.routes ?? routeList) {
      const fn = this.makeFunction(
        `${pascal(route.id)}Route`,
        {
          handler: route.handler,
          description: `${route.method} ${route.path} (${route.id})`,
          uses: route.uses ?? [],
        },
        this.routeStack(route),
      );
      functions.set(route.id, fn);
      const integration = this.routeIntegration(route, fn);
      const resource = this.api.root.resourceForPath(route.path);
      if (route.auth === 'public') {
        const method = resource.addMethod(route.method, integration, {
          authorizationType: AuthorizationType.NONE,
        });
        acknowledgePublic(method, route);
        if (answersHead(route)) {
          acknowledgePublic(
            resource.addMethod('HEAD', integration, { authorizationType: AuthorizationType.NONE }),
            route,
          );
        }
      } else {
        // Only made when a route needs it: an authorizer attached to no method fails synthesis.
        authorizer ??= new CognitoUserPoolsAuthorizer(this, 'Authorizer', {
          cognitoUserPools: [props.userPool],
        });
        // The authorizer verifies the token; the operators group and the permission are
        // checked by the handler against the verified claims and the stored roles.
        resource.addMethod(route.method, integration, {
          authorizationType: AuthorizationType.COGNITO,
          authorizer,
          authorizationScopes: [ACCESS_TOKEN_SCOPE],
        });
      }
    }
    this.routeFunctions = functions;

    this.consumerFunctions = new Map([
      ...this.addConsumers(consumers.stream, delivery),
      ...this.addMailEventConsumers(consumers.mail),
    ]);
    this.timerFunctions = this.addTimerTasks(consumers.timer);
    const webAclName = this.protectWithWaf();

    this.monitoring = new Monitoring(this, 'Monitoring', {
      topic: props.alarmTopic,
      api: this.api,
      routes: props.routes ?? routeList,
      stateMachines: this.stateMachines,
      table: props.table,
      queues: this.watchedQueues,
      timerGroupName: this.timerGroup.scheduleGroupName,
      webAclName,
      deliveryQueue: this.deliveryQueue,
    });
  }

  /**
   * The Lambda proxy integration of a route, with the permission that lets API Gateway invoke its
   * function for that method and path only (a page's HEAD too). LambdaIntegration would put one
   * permission per method in this stack, beside the methods (100 resources of its 500); here it
   * goes with the function, in its context's nested stack.
   */
  private routeIntegration(route: RouteSpec, fn: PlatformFunction) {
    const path = route.path.replace(/\{[^}]*\}/g, '*');
    for (const method of answersHead(route) ? [route.method, 'HEAD'] : [route.method])
      fn.function.addPermission(`ApiInvoke${method}`, {
        principal: new ServicePrincipal('apigateway.amazonaws.com'),
        sourceArn: this.api.arnForExecuteApi(method, path, '*'),
      });
    return new Integration({
      type: IntegrationType.AWS_PROXY,
      integrationHttpMethod: 'POST',
      uri: Stack.of(this).formatArn({
        service: 'apigateway',
        account: 'lambda',
        resource: 'path/2015-03-31/functions',
        resourceName: `${fn.function.functionArn}/invocations`,
        arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
      }),
    });
  }

  /**
   * The nested stack that holds the route functions of one business context (the first folder of
   * the handler: `commerce/api/place-order` → `commerce`). A stack holds 500 resources at most and a
   * route function takes five (function, role, policy, log group, invoke permission): one stack per
   * context keeps each well below, and the API with its methods stays here.
   */
  private routeStack(route: RouteSpec): NestedStack {
    const context = contextOf(route);
    let stack = this.routeStacks.get(context);
    if (!stack) {
      stack = new NestedStack(this, `${pascal(context)}Routes`, {
        description: `CSP partner platform: the route functions of ${context}`,
      });
      this.routeStacks.set(context, stack);
    }
    return stack;
  }

  /** An encrypted queue that takes TLS only. */
  private makeQueue(id: string, props: ConstructorParameters<typeof Queue>[2]) {
    return new Queue(this, id, { ...props, encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true });
  }

  /**
   * table stream ─► stream consumers ─► bus ─► rule ─► delivery queue ─► queue consumer, with
   * a dead-letter queue at each hop that can fail for good, and an alarm on each.
   */
  private addConsumers(stream: ReadonlyArray<StreamConsumerSpec>, delivery: QueueConsumerSpec) {
    const made = new Map<string, PlatformFunction>();
    for (const spec of stream) {
      const id = pascal(spec.name);
      const fn = this.makeFunction(`${id}Consumer`, {
        handler: spec.handler,
        description: `stream consumer ${spec.name}`,
        uses: spec.uses,
      });
      const failed = this.makeQueue(`${id}FailedBatches`, { retentionPeriod: Duration.days(14) });
      Validations.of(failed).acknowledge({
        id: 'AwsSolutions-SQS3',
        reason: 'This queue is itself where failed stream batches are recorded; its depth has an alarm.',
      });
      fn.function.addEventSource(
        new DynamoEventSource(this.props.table, {
          startingPosition: StartingPosition.TRIM_HORIZON,
          batchSize: spec.batchSize,
          filters: [FilterCriteria.filter(spec.filter)],
          reportBatchItemFailures: true,
          // Retried for a day (records stay 24 hours in the stream), then recorded in the queue.
          retryAttempts: 1000,
          maxRecordAge: Duration.hours(24),
          onFailure: new SqsDlq(failed),
          parallelizationFactor: 1,
        }),
      );
      this.watchedQueues.push({
        id: `${id}FailedBatches`,
        queue: failed,
        meaning: `${spec.name} gave up on table stream records after 24 hours of retries: their events were not handled.`,
        anchor: 'stream-consumer-failed',
      });
      made.set(spec.name, fn);
    }

    const fn = this.makeFunction(`${pascal(delivery.name)}Consumer`, {
      handler: delivery.handler,
      description: `queue consumer ${delivery.name}`,
      uses: delivery.uses,
      timeout: Duration.seconds(delivery.timeoutSeconds),
    });
    fn.function.addEventSource(
      new SqsEventSource(this.deliveryQueue, {
        batchSize: delivery.batchSize,
        reportBatchItemFailures: true,
      }),
    );
    new Rule(this, `${pascal(delivery.name)}Rule`, {
      eventBus: this.bus,
      description: `Every platform event to the ${delivery.name} queue`,
      eventPattern: {
        source: delivery.rule.source,
        ...(delivery.rule.detail ? { detail: delivery.rule.detail } : {}),
      },
      targets: [new SqsQueue(this.deliveryQueue, { deadLetterQueue: this.deliveryDeadLetters })],
    });
    this.watchedQueues.push({
      id: `${pascal(delivery.name)}DeadLetters`,
      queue: this.deliveryDeadLetters,
      meaning:
        'Webhook deliveries failed for another reason than the endpoint (see the delivery function logs).',
      anchor: 'webhook-delivery-dead-letters',
    });
    made.set(delivery.name, fn);
    return made;
  }

  /**
   * SES's bounces and complaints of the configuration set arrive on the account's default bus (the
   * stateful stack's event destination): a rule there invokes each mail event consumer, retried, then
   * kept in a dead-letter queue with an alarm.
   */
  private addMailEventConsumers(specs: ReadonlyArray<MailEventConsumerSpec>) {
    const made = new Map<string, PlatformFunction>();
    const defaultBus = EventBus.fromEventBusName(this, 'DefaultBus', 'default');
    for (const spec of specs) {
      const id = pascal(spec.name);
      const fn = this.makeFunction(`${id}Consumer`, {
        handler: spec.handler,
        description: `mail event consumer ${spec.name}`,
        uses: spec.uses,
      });
      const deadLetters = this.makeQueue(`${id}DeadLetters`, { retentionPeriod: Duration.days(14) });
      Validations.of(deadLetters).acknowledge({
        id: 'AwsSolutions-SQS3',
        reason: `This is the dead-letter queue of the ${spec.name} rule; its depth has an alarm.`,
      });
      new Rule(this, `${id}Rule`, {
        eventBus: defaultBus,
        description: `SES ${spec.rule.detailType.join(', ')} events to ${spec.name}`,
        eventPattern: { source: spec.rule.source, detailType: spec.rule.detailType },
        targets: [
          new LambdaTarget(fn.function, {
            deadLetterQueue: deadLetters,
            retryAttempts: 185,
            maxEventAge: Duration.hours(24),
          }),
        ],
      });
      this.watchedQueues.push({
        id: `${id}DeadLetters`,
        queue: deadLetters,
        meaning: `${spec.name} failed on SES events for a day: bounced or complaining addresses were not suppressed.`,
        anchor: `${spec.name}-dead-letters`,
      });
      made.set(spec.name, fn);
    }
    return made;
  }

  /** The timer tasks: functions with fixed names that Scheduler calls through the timer role; an alarm on the timers' dead letters. */
  private addTimerTasks(tasks: ReadonlyArray<TimerTaskSpec>) {
    const made = new Map<string, PlatformFunction>();
    for (const task of tasks) {
      const fn = this.makeFunction(`${pascal(task.name)}TimerTask`, {
        handler: task.handler,
        description: `timer task ${task.name}`,
        uses: task.uses,
        timeout: Duration.seconds(task.timeoutSeconds),
        functionName: this.timerTaskNames.get(task.name) ?? task.name,
      });
      // The function itself, not its versions (grantInvoke would add `:*`): timers call $LATEST.
      this.timerRole.addToPolicy(
        new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [fn.function.functionArn] }),
      );
      made.set(task.name, fn);
    }
    this.watchedQueues.push({
      id: 'TimerDeadLetters',
      queue: this.timerDeadLetters,
      meaning:
        'A timer task failed for a day (a renewal, expiry or notice did not happen); see the timer task logs.',
      anchor: 'timer-dead-letters',
    });
    return made;
  }

  /** One function through the one construct, with the grants and variables its `uses` need. */
  private makeFunction(
    id: string,
    spec: {
      handler: string;
      description: string;
      uses: ReadonlyArray<Resource>;
      timeout?: Duration;
      functionName?: string;
    },
    scope: Construct = this,
  ) {
    const bundleDir = this.props.bundleDirs.get(spec.handler);
    if (!bundleDir) throw new Error(`No bundle was built for functions/${spec.handler}.ts`);
    const fn = new PlatformFunction(scope, id, {
      handler: spec.handler,
      bundleDir,
      description: spec.description,
      ...(spec.timeout ? { timeout: spec.timeout } : {}),
      ...(spec.functionName ? { functionName: spec.functionName } : {}),
      environment: functionEnvironment(spec.uses, this.resourceSettings(), {
        publicBaseUrl: this.props.settings.publicBaseUrl,
        serviceName: SERVICE_NAME,
      }),
    });
    for (const use of new Set(spec.uses)) this.grant(fn, use);
    return fn;
  }

  /** What the resource declarations tell functions, as CloudFormation references. */
  private resourceSettings(): ResourceSettings {
    const { table, userPool, userPoolClient, configurationSet, linkSecret, webhookKey, settings } =
      this.props;
    return {
      tableName: table.tableName,
      mailFrom: settings.mailFrom,
      configurationSetName: configurationSet.configurationSetName,
      operatorAlertEmail: settings.operatorAlertEmail,
      userPoolId: userPool.userPoolId,
      userPoolClientId: userPoolClient.userPoolClientId,
      userPoolIssuer: `https://${userPool.userPoolProviderName}`,
      stateMachineArns: Object.fromEntries(
        this.workflows.map((w) => [w.name, w.stateMachine.stateMachineArn]),
      ),
      linkSecretArn: linkSecret.secretArn,
      webhookKeyArn: webhookKey.keyArn,
      eventBusName: this.bus.eventBusName,
      deliveryQueueUrl: this.deliveryQueue.queueUrl,
      timers: {
        groupName: `${this.stackName}-timers`,
        roleArn: this.timerRole.roleArn,
        deadLetterArn: this.timerDeadLetters.queueArn,
        targetArns: Object.fromEntries(
          [...this.timerTaskNames].map(([task, name]) => [
            task,
            this.formatArn({
              service: 'lambda',
              resource: 'function',
              resourceName: name,
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          ]),
        ),
      },
    };
  }

  private grant(fn: PlatformFunction, use: Resource): void {
    const { table, userPool, configurationSet, linkSecret, webhookKey } = this.props;
    const lambda = fn.function;
    switch (use) {
      case 'table': {
        // Not grantReadWriteData: that adds Scan (which the design rules out) and
        // `index/*`; this names the table's own indexes and the item actions only.
        Grant.addToPrincipal({
          grantee: lambda,
          actions: TABLE_ACTIONS,
          resourceArns: [
            table.tableArn,
            ...TABLE.indexes.map((index) => `${table.tableArn}/index/${index.name}`),
          ],
        });
        return;
      }
      case 'mail': {
        const domain = this.mailFrom.slice(this.mailFrom.indexOf('@') + 1);
        lambda.addToRolePolicy(
          new PolicyStatement({
            actions: ['ses:SendEmail'],
            // SES authorizes against whichever identity is verified (the address or its
            // domain) and against the configuration set; the sender is pinned by condition.
            resources: [
              this.formatArn({ service: 'ses', resource: 'identity', resourceName: this.mailFrom }),
              this.formatArn({ service: 'ses', resource: 'identity', resourceName: domain }),
              this.formatArn({
                service: 'ses',
                resource: 'configuration-set',
                resourceName: configurationSet.configurationSetName,
              }),
            ],
            conditions: { StringEquals: { 'ses:FromAddress': this.mailFrom } },
          }),
        );
        return;
      }
      case 'userPool': {
        userPool.grant(lambda, ...USER_POOL_ACTIONS);
        return;
      }
      case 'linkSecret': {
        linkSecret.grantRead(lambda);
        return;
      }
      case 'webhookKey': {
        // What functions/platform/crypto/kms-seal.ts calls, no more: sealing only.
        webhookKey.grant(lambda, 'kms:Encrypt');
        return;
      }
      case 'webhookSecrets': {
        // What functions/platform/crypto/kms-open.ts calls: only the delivery function opens secrets.
        webhookKey.grant(lambda, 'kms:Decrypt');
        return;
      }
      case 'eventBus': {
        this.bus.grantPutEventsTo(lambda);
        return;
      }
      case 'deliveryQueue': {
        // What functions/platform/events/queue.ts calls (the event source mapping grants the receiving).
        this.deliveryQueue.grant(lambda, 'sqs:ChangeMessageVisibility');
        return;
      }
      case 'timers': {
        // What functions/platform/events/timers.ts calls, in the platform's group only.
        const schedules = this.formatArn({
          service: 'scheduler',
          resource: 'schedule',
          resourceName: `${this.stackName}-timers/*`,
        });
        lambda.addToRolePolicy(
          new PolicyStatement({
            actions: ['scheduler:CreateSchedule', 'scheduler:DeleteSchedule'],
            resources: [schedules],
          }),
        );
        this.timerRole.grantPassRole(lambda.grantPrincipal);
        Validations.of(fn.role).acknowledge({
          id: `AwsSolutions-IAM5[Resource::${nagSpelling(this.resolve(schedules))}]`,
          reason:
            'Timers get generated names; the wildcard covers schedules of the platform’s own group only.',
        });
        return;
      }
      case 'stateMachine': {
        for (const workflow of this.workflows) {
          workflow.stateMachine.grantStartExecution(lambda);
          workflow.stateMachine.grantTaskResponse(lambda);
          lambda.addToRolePolicy(
            new PolicyStatement({
              actions: ['states:DescribeExecution'],
              resources: [workflow.executionArn],
            }),
          );
          Validations.of(fn.role).acknowledge({
            id: `AwsSolutions-IAM5[Resource::${nagSpelling(this.resolve(workflow.executionArn))}]`,
            reason: `Executions get generated names; the wildcard covers executions of the ${workflow.name} state machine only.`,
          });
        }
        return;
      }
    }
  }

  /** A state machine from its ASL file, with each `${<Task>FunctionArn}` filled by its task function. */
  private addWorkflow(workflow: WorkflowSpec): StateMachine {
    const id = pascal(workflow.name);
    const taskArns: Record<string, string> = {};
    const taskFunctions: PlatformFunction[] = [];
    for (const [task, spec] of Object.entries(workflow.tasks)) {
      if (spec.uses.includes('stateMachine')) {
        // The machine's definition holds the task's ARN; the task holding the machine's
        // ARN as well would be a dependency cycle CloudFormation cannot deploy.
        throw new Error(`Workflow ${workflow.name}: task ${task} cannot use 'stateMachine'`);
      }
      const fn = this.makeFunction(`${id}${pascal(task)}Task`, {
        handler: spec.handler,
        description: `${workflow.name} task ${task}`,
        uses: spec.uses,
      });
      taskArns[functionArnPlaceholder(task)] = fn.function.functionArn;
      taskFunctions.push(fn);
    }

    const stateMachineName = `${this.stackName}-${workflow.name}`;
    const stateMachine = new StateMachine(this, `${id}StateMachine`, {
      stateMachineName,
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromFile(join(REPO_ROOT, workflow.definitionFile)),
      definitionSubstitutions: taskArns,
      tracingEnabled: true,
      logs: {
        destination: new LogGroup(this, `${id}StateMachineLogs`, { retention: RetentionDays.ONE_MONTH }),
        level: LogLevel.ALL,
        // Execution data carries emails and contact details: log the flow, not the data.
        includeExecutionData: false,
      },
    });
    for (const fn of taskFunctions) {
      // The definition invokes the unqualified ARN, so no `:*` for versions and aliases.
      stateMachine.addToRolePolicy(
        new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [fn.function.functionArn] }),
      );
    }
    Validations.of(stateMachine).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Step Functions log delivery (logs:CreateLogDelivery and related) and X-Ray tracing support no resource-level permissions.',
    });

    this.workflows.push({
      name: workflow.name,
      stateMachine,
      executionArn: this.formatArn({
        service: 'states',
        resource: 'execution',
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        resourceName: `${stateMachineName}:*`,
      }),
    });
    return stateMachine;
  }

  private makeApi(): RestApi {
    const accessLogs = new LogGroup(this, 'ApiAccessLogs', { retention: RetentionDays.ONE_YEAR });
    const api = new RestApi(this, 'Api', {
      // Named for the dashboard and the alarms (API Gateway's metrics have the API's name as dimension).
      restApiName: `${this.stackName}-api`,
      description: 'CSP partner platform API',
      endpointConfiguration: { types: [EndpointType.REGIONAL] },
      // Execution logging needs the account-level CloudWatch role; retained because it is
      // shared by every REST API of the account and region.
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
      deployOptions: {
        throttlingRateLimit: 50,
        throttlingBurstLimit: 100,
        accessLogDestination: new LogGroupLogDestination(accessLogs),
        accessLogFormat: AccessLogFormat.jsonWithStandardFields(),
        tracingEnabled: true,
        metricsEnabled: true,
        loggingLevel: MethodLoggingLevel.ERROR,
        // Bodies carry passwords and tokens: never log them.
        dataTraceEnabled: false,
      },
    });
    const cloudWatchRole = api.node.tryFindChild('CloudWatchRole');
    if (cloudWatchRole) {
      Validations.of(cloudWatchRole).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        reason:
          'The AWS-managed policy is the documented one for the account-level API Gateway logging role.',
      });
    }
    Validations.of(api).acknowledge({
      id: 'AwsSolutions-APIG2',
      reason:
        'Requests are validated in each handler with the zod schemas of the route table, which answer with the contract’s problem+json errors listing every bad field; API Gateway validators answer in their own format.',
    });

    // Errors raised by API Gateway itself answer like the functions: problem+json, the same
    // security headers, the same table as the local gateway.
    const quoted = (headers: Readonly<Record<string, string>>) =>
      Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, `'${value}'`]));
    for (const response of Object.values(GATEWAY_RESPONSES)) {
      api.addGatewayResponse(response.id, {
        type: ResponseType.of(response.type),
        statusCode: String(response.status),
        responseHeaders: quoted({ ...GATEWAY_HEADERS, ...('headers' in response ? response.headers : {}) }),
        templates: { 'application/json': JSON.stringify(response.body(REQUEST_ID)) },
      });
    }
    return api;
  }

  /** AWS managed rules and a per-IP rate limit in front of the API stage. */
  /** Puts the web ACL in front of the API stage and answers its name (its metrics' WebACL dimension). */
  private protectWithWaf(): string {
    const name = `${this.stackName}-api`;
    const managedRule = (name: string, priority: number): CfnWebACL.RuleProperty => ({
      name,
      priority,
      statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
      overrideAction: { none: {} },
      visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: name, sampledRequestsEnabled: true },
    });
    const webAcl = new CfnWebACL(this, 'WebAcl', {
      name,
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: 'api', sampledRequestsEnabled: true },
      rules: [
        managedRule('AWSManagedRulesAmazonIpReputationList', 0),
        managedRule('AWSManagedRulesCommonRuleSet', 1),
        managedRule('AWSManagedRulesKnownBadInputsRuleSet', 2),
        {
          // Sign-in and public link pages are the targets of guessing; slow down any one address.
          name: 'RateLimitPerIp',
          priority: 3,
          statement: { rateBasedStatement: { limit: 1000, aggregateKeyType: 'IP' } },
          action: { block: {} },
          visibilityConfig: {
            cloudWatchMetricsEnabled: true,
            metricName: 'RateLimitPerIp',
            sampledRequestsEnabled: true,
          },
        },
      ],
    });
    new CfnWebACLAssociation(this, 'WebAclAssociation', {
      resourceArn: this.api.deploymentStage.stageArn,
      webAclArn: webAcl.attrArn,
    });
    return name;
  }
}

/** API Gateway fills `$context.requestId` in gateway response templates. */
const REQUEST_ID = '$context.requestId';

/** Public routes have no authorizer by design; say so where cdk-nag looks, naming the route. */
function acknowledgePublic(method: Method, route: RouteSpec & { id: string }): void {
  const reason = `Public by design in functions/routes.ts (${route.id}: ${route.summary}); the handler applies its own checks, e.g. link tokens.`;
  Validations.of(method).acknowledge(
    { id: 'AwsSolutions-APIG4', reason },
    { id: 'AwsSolutions-COG4', reason },
  );
}

/**
 * A resolved ARN spelled the way cdk-nag names it in a finding id (`Fn::Join` flattened,
 * `Ref` as `<Name>`, `Fn::GetAtt` as `<Name.Attr>`), so an acknowledgement can name
 * exactly the one wildcard resource it accepts.
 */
function nagSpelling(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null) {
    const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
    if (join) return join[1].map(nagSpelling).join(join[0]);
    const ref = (value as { Ref?: string }).Ref;
    if (ref !== undefined) return `<${ref}>`;
    const getAtt = (value as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
    if (getAtt) return `<${getAtt[0]}.${getAtt[1]}>`;
  }
  throw new Error(`Cannot spell ${JSON.stringify(value)} as a cdk-nag finding`);
}
