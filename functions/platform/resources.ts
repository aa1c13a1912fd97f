/**
 * One declaration per resource a function may use. From it come a function's environment
 * variables (here, for CDK and the local runtime alike) and its IAM grants (infra/, keyed
 * by the same names). A route or task lists what it uses in `uses`; the bundle test checks
 * that list against the adapter modules its bundle actually holds, both ways.
 */

/** Values of one deployment (CDK tokens on AWS, strings locally). */
export interface ResourceSettings {
  tableName: string;
  mailFrom: string;
  configurationSetName: string;
  operatorAlertEmail: string;
  userPoolId: string;
  userPoolClientId: string;
  userPoolIssuer: string;
  /** Workflow name → state machine ARN. */
  stateMachineArns: Readonly<Record<string, string>>;
  /** The Secrets Manager secret that idempotent link tokens are derived from. */
  linkSecretArn: string;
  /** The KMS key that seals webhook signing secrets. */
  webhookKeyArn: string;
  /** The platform's EventBridge bus: every activity record becomes an event on it. */
  eventBusName: string;
  /** The SQS queue the bus feeds webhook deliveries through (retries are timed on it). */
  deliveryQueueUrl: string;
  /** One-time timers (EventBridge Scheduler): the group, the role Scheduler calls targets with, the dead-letter queue, and each timer task's function. */
  timers: {
    groupName: string;
    roleArn: string;
    deadLetterArn: string;
    /** Timer task name (functions/consumers.ts) → its function's ARN. */
    targetArns: Readonly<Record<string, string>>;
  };
}

interface ResourceDeclaration {
  /** What the function is told about the resource. */
  environment(settings: ResourceSettings): Record<string, string>;
  /**
   * Modules (from the repository root) that talk to the resource: a bundle holding one of
   * them uses the resource, and a function using the resource holds one of them.
   */
  modules: readonly string[];
}

/** The env var that carries a state machine's ARN to functions, e.g. ENROLLMENT_REVIEW_STATE_MACHINE_ARN. */
export const stateMachineArnEnvName = (name: string) =>
  `${name.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_STATE_MACHINE_ARN`;

/** The env var that carries a timer task's function ARN, e.g. SUBSCRIPTION_TERMS_TIMER_TARGET_ARN. */
export const timerTargetEnvName = (task: string) =>
  `${task.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_TIMER_TARGET_ARN`;

export const RESOURCES = {
  table: {
    environment: (s) => ({ TABLE_NAME: s.tableName }),
    modules: ['functions/platform/data/dynamo.ts', 'functions/platform/http/idempotency.ts'],
  },
  mail: {
    environment: (s) => ({
      MAIL_FROM: s.mailFrom,
      SES_CONFIGURATION_SET: s.configurationSetName,
      // Where mail for operators goes (overdue reviews); only functions that send mail can send it.
      OPERATOR_ALERT_EMAIL: s.operatorAlertEmail,
    }),
    modules: ['functions/platform/mail/ses.ts'],
  },
  userPool: {
    environment: (s) => ({
      USER_POOL_ID: s.userPoolId,
      USER_POOL_CLIENT_ID: s.userPoolClientId,
      // Public routes that also take a Bearer token verify it themselves against this issuer's JWKS.
      USER_POOL_ISSUER: s.userPoolIssuer,
    }),
    modules: ['functions/identity/directory.ts', 'functions/identity/link-principal.ts'],
  },
  stateMachine: {
    environment: (s) =>
      Object.fromEntries(
        Object.entries(s.stateMachineArns).map(([name, arn]) => [stateMachineArnEnvName(name), arn]),
      ),
    modules: ['functions/enrollment/workflow.ts'],
  },
  linkSecret: {
    // Only its ARN: the value is read from Secrets Manager at the first derived link, never put in the environment.
    environment: (s) => ({ LINK_SECRET_ARN: s.linkSecretArn }),
    modules: ['functions/platform/links/link-secret.ts'],
  },
  webhookKey: {
    environment: (s) => ({ WEBHOOK_KEY_ARN: s.webhookKeyArn }),
    modules: ['functions/platform/crypto/kms-seal.ts'],
  },
  /** The same key, to open sealed webhook secrets: only the delivery function signs with them. */
  webhookSecrets: {
    environment: (s) => ({ WEBHOOK_KEY_ARN: s.webhookKeyArn }),
    modules: ['functions/platform/crypto/kms-open.ts'],
  },
  eventBus: {
    environment: (s) => ({ EVENT_BUS_NAME: s.eventBusName }),
    modules: ['functions/platform/events/bus.ts'],
  },
  deliveryQueue: {
    environment: (s) => ({ DELIVERY_QUEUE_URL: s.deliveryQueueUrl }),
    modules: ['functions/platform/events/queue.ts'],
  },
  /** Creating and deleting one-time timers (functions/platform/events/timers.ts). */
  timers: {
    environment: (s) => ({
      TIMER_GROUP_NAME: s.timers.groupName,
      TIMER_ROLE_ARN: s.timers.roleArn,
      TIMER_DEAD_LETTER_ARN: s.timers.deadLetterArn,
      ...Object.fromEntries(
        Object.entries(s.timers.targetArns).map(([task, arn]) => [timerTargetEnvName(task), arn]),
      ),
    }),
    modules: ['functions/platform/events/timers.ts'],
  },
} as const satisfies Record<string, ResourceDeclaration>;

export type Resource = keyof typeof RESOURCES;
export const RESOURCE_NAMES = Object.keys(RESOURCES) as Resource[];

/** Settings every function gets, whatever it uses. */
export interface FunctionSettings {
  /** Where emailed links point (the API's public URL). */
  publicBaseUrl: string;
  serviceName: string;
}

/**
 * The whole environment of one function: the common settings plus what each resource it
 * uses declares. CDK sets exactly this on the Lambda function; the local runtime gives
 * exactly this to the function's own worker.
 */
export function functionEnvironment(
  uses: ReadonlyArray<Resource>,
  resources: ResourceSettings,
  settings: FunctionSettings,
): Record<string, string> {
  const env: Record<string, string> = {
    POWERTOOLS_SERVICE_NAME: settings.serviceName,
    PUBLIC_BASE_URL: settings.publicBaseUrl,
    NODE_OPTIONS: '--enable-source-maps',
  };
  for (const use of new Set(uses)) Object.assign(env, RESOURCES[use].environment(resources));
  return env;
}

/** The resources whose modules a bundle holds (its esbuild metafile inputs, relative to the repository root). */
export function resourcesHeldBy(inputs: Iterable<string>): Resource[] {
  const held = new Set(inputs);
  return RESOURCE_NAMES.filter((name) => RESOURCES[name].modules.some((m) => held.has(m)));
}
