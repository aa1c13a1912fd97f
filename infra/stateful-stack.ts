import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import {
  AccountRecovery,
  CfnUserPoolGroup,
  FeaturePlan,
  UserPool,
  type UserPoolClient,
} from 'aws-cdk-lib/aws-cognito';
import { AttributeType, BillingMode, ProjectionType, StreamViewType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import {
  ConfigurationSet,
  ConfigurationSetTlsPolicy,
  EmailSendingEvent,
  EventDestination,
  SuppressionReasons,
} from 'aws-cdk-lib/aws-ses';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { OPERATORS_GROUP } from '../functions/platform/auth-groups.ts';
import { TABLE } from '../functions/platform/data/table.ts';

export interface StatefulStackProps extends StackProps {
  /** Subscribed to the alarm topic (infra/settings.ts `alarmEmail`). */
  readonly alarmEmail: string;
}

/**
 * What holds data or identities and must survive redeploys: the table, the user pool
 * and its client, the operators group, the SES configuration set and the alarm topic (its
 * email subscription is confirmed once by a person). Kept apart from the functions and the API
 * so that those can be replaced freely.
 */
export class StatefulStack extends Stack {
  readonly table: Table;
  readonly userPool: UserPool;
  readonly userPoolClient: UserPoolClient;
  readonly operatorsGroup: CfnUserPoolGroup;
  readonly configurationSet: ConfigurationSet;
  readonly linkSecret: Secret;
  readonly webhookKey: Key;
  /** Where every alarm goes (infra/monitoring.ts). */
  readonly alarmTopic: Topic;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);

    this.table = new Table(this, 'Table', {
      partitionKey: { name: TABLE.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      timeToLiveAttribute: TABLE.ttlAttribute,
      // Activity records become events from here (functions/consumers.ts).
      stream: StreamViewType[TABLE.streamViewType],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of TABLE.indexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        projectionType: ProjectionType.ALL,
      });
    }

    this.userPool = new UserPool(this, 'UserPool', {
      // Accounts come from our API (work accounts, invited users), never from Cognito's own sign-up.
      selfSignUpEnabled: false,
      // Usernames are our user ids (functions/adapters/directory.ts): the API signs in by
      // email by looking the id up in the table, as the local pool does. Email as the
      // username attribute would reject those ids; an email alias would add a second
      // uniqueness check the local pool does not have.
      signInAliases: { username: true },
      signInCaseSensitive: false,
      standardAttributes: { email: { required: true, mutable: true } },
      // The API contract's policy (API.md): at least 12 characters, upper, lower, digit.
      passwordPolicy: {
        minLength: 12,
        requireUppercase: true,
        requireLowercase: true,
        requireDigits: true,
        requireSymbols: false,
        tempPasswordValidity: Duration.days(7),
      },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      featurePlan: FeaturePlan.ESSENTIALS,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.userPool).acknowledge(
      {
        id: 'AwsSolutions-COG1',
        reason:
          'Symbols are not required: the published API contract (API.md) fixes the policy at 12+ characters with upper, lower and digit, and the API validates the same rule; the length outweighs a symbol.',
      },
      {
        id: 'AwsSolutions-COG2',
        reason:
          'Sign-in is API-driven (USER_PASSWORD_AUTH, NEW_PASSWORD_REQUIRED) and the contract has no MFA challenge yet; MFA is a planned change of the contract, not of this pool alone.',
      },
      {
        id: 'AwsSolutions-COG8',
        reason:
          'Essentials tier on purpose: the Plus tier (threat protection) is billed per active user; to be enabled once the platform has real traffic and a budget for it.',
      },
    );

    // The handlers check membership of this group for `operator` routes.
    this.operatorsGroup = new CfnUserPoolGroup(this, 'OperatorsGroup', {
      userPoolId: this.userPool.userPoolId,
      groupName: OPERATORS_GROUP,
      description:
        'Platform operators: review enrollments, manage indirect providers and partner network data.',
    });

    this.userPoolClient = this.userPool.addClient('ApiClient', {
      // The API signs users in on their behalf (InitiateAuth), so no hosted UI, no OAuth flows, no secret.
      authFlows: { userPassword: true },
      disableOAuth: true,
      generateSecret: false,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
    });

    this.configurationSet = new ConfigurationSet(this, 'MailConfigurationSet', {
      reputationMetrics: true,
      sendingEnabled: true,
      // Stop mailing addresses that bounced or complained: they hurt the sender's reputation.
      suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
      tlsPolicy: ConfigurationSetTlsPolicy.REQUIRE,
    });
    // Bounces and complaints go to the account's default bus (SES publishes to no other), where the
    // mail-feedback function's rule (functions/consumers.ts mailEventConsumers) picks them up.
    this.configurationSet.addEventDestination('Feedback', {
      destination: EventDestination.eventBus(EventBus.fromEventBusName(this, 'DefaultBus', 'default')),
      events: [EmailSendingEvent.BOUNCE, EmailSendingEvent.COMPLAINT],
    });

    this.alarmTopic = new Topic(this, 'AlarmTopic', {
      displayName: 'CSP partner platform alarms',
      enforceSSL: true,
    });
    this.alarmTopic.addSubscription(new EmailSubscription(props.alarmEmail));
    Validations.of(this.alarmTopic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'Alarm notifications carry alarm names and states, no partner data; CloudWatch cannot publish to a topic encrypted with the AWS-managed SNS key, and a customer-managed key for this alone costs more than it protects.',
    });

    // Idempotent creates derive their link tokens from it (functions/adapters/link-secret.ts).
    // Retained: deleting it would change every replay's link, not break stored data.
    this.linkSecret = new Secret(this, 'LinkSecret', {
      description:
        'CSP partner platform: derives the link tokens of creates sent with an Idempotency-Key (HMAC-SHA256 key)',
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.linkSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Not rotated on a schedule: it only derives the id and link of a create sent with an Idempotency-Key, and nothing stored depends on it (only the token’s SHA-256 is stored). A new value kills no link; a replay of a key used before it would make a new invitation with a new link instead of answering the first. Rotate it by hand if it may have leaked.',
    });

    // Seals webhook signing secrets (functions/platform/crypto/kms-seal.ts); retained with the data it opens.
    this.webhookKey = new Key(this, 'WebhookKey', {
      description: "CSP partner platform: seals the signing secrets of partners' webhooks",
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.userPoolClient.userPoolClientId });
    new CfnOutput(this, 'ConfigurationSetName', { value: this.configurationSet.configurationSetName });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarmTopic.topicArn });
  }
}
