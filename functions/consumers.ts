import { EVENT_SOURCE } from './platform/events/event.ts';
import type { Resource } from './platform/resources.ts';

/**
 * The functions that are not called by a route or a workflow but fed by a stream or a queue,
 * and what feeds them. CDK and the local runtime both read this table: CDK makes the event
 * source mappings, the bus rule, the queue and its DLQ; the local runtime reads DynamoDB
 * Local's stream, runs a bus and a queue of its own and invokes the same bundles.
 *
 *   table stream ──(filter)──► publish-events ──PutEvents──► bus ──rule──► queue ──► deliver-webhooks
 */

export { EVENT_SOURCE };

export interface StreamConsumerSpec {
  name: string;
  handler: string;
  uses: ReadonlyArray<Resource>;
  /**
   * Lambda event filter (an EventBridge pattern over the stream record): only matching records
   * reach the function. Only exact-value lists are used, so the local reader can apply it too.
   */
  filter: { eventName: string[]; dynamodb: { NewImage: Record<string, { S: string[] }> } };
  batchSize: number;
}

export interface QueueConsumerSpec {
  name: string;
  handler: string;
  uses: ReadonlyArray<Resource>;
  /** The bus rule (an exact-value pattern) that sends events to this consumer's queue. */
  rule: { source: string[]; detail?: Record<string, boolean[]> };
  batchSize: number;
  /** The function's timeout: a batch may hold several 5-second deliveries in a row. */
  timeoutSeconds: number;
  /** A received message comes back after this long unless the function deletes it or changes it. */
  visibilityTimeoutSeconds: number;
  /** Receives before a message goes to the dead-letter queue. */
  maxReceiveCount: number;
  /** How long an unreceived message is kept. */
  retentionSeconds: number;
}

export const streamConsumers: ReadonlyArray<StreamConsumerSpec> = [
  {
    // Every activity record becomes an event; nothing else in the table does.
    name: 'publish-events',
    handler: 'activity/events/publish',
    uses: ['table', 'eventBus'],
    filter: { eventName: ['INSERT'], dynamodb: { NewImage: { type: { S: ['activity'] } } } },
    batchSize: 100,
  },
  {
    // The customer's acceptance of an invitation with delegatedAdmin is its approval: the
    // "Default" admin relationships of the partners it names (functions/on-behalf/domain/defaults.ts).
    name: 'default-admin-relationships',
    handler: 'on-behalf/events/default-relationships',
    uses: ['table', 'timers'],
    filter: {
      eventName: ['INSERT'],
      dynamodb: { NewImage: { type: { S: ['activity'] }, operation: { S: ['INVITATION_ACCEPTED'] } } },
    },
    batchSize: 10,
  },
  {
    // A customer's acceptance of an invitation made from a lead wins the lead: ACTIVE → WON by the
    // platform (functions/support/domain/leads.ts markLeadWon).
    name: 'leads-won',
    handler: 'support/events/leads-won',
    uses: ['table'],
    filter: {
      eventName: ['INSERT'],
      dynamodb: { NewImage: { type: { S: ['activity'] }, operation: { S: ['INVITATION_ACCEPTED'] } } },
    },
    batchSize: 10,
  },
  {
    // An approved enrollment's existing customers join the reseller's customer list
    // (functions/relationships/domain/existing.ts).
    name: 'existing-customers',
    handler: 'relationships/events/existing-customers',
    uses: ['table', 'mail'],
    filter: {
      eventName: ['INSERT'],
      dynamodb: { NewImage: { type: { S: ['activity'] }, operation: { S: ['ENROLLMENT_APPROVED'] } } },
    },
    batchSize: 1,
  },
];

export const queueConsumers: ReadonlyArray<QueueConsumerSpec> = [
  {
    name: 'deliver-webhooks',
    handler: 'activity/events/deliver',
    uses: ['table', 'webhookSecrets', 'deliveryQueue'],
    // Only events some webhook wants (platform/events/event.ts BusDetail).
    rule: { source: [EVENT_SOURCE], detail: { queuedForWebhooks: [true] } },
    batchSize: 10,
    timeoutSeconds: 60,
    // Six times the function's timeout, as AWS advises for a queue feeding a function.
    visibilityTimeoutSeconds: 360,
    // Retries are timed by the function (ChangeMessageVisibility) over 24 hours; a message that
    // comes back this often has failed for another reason (the function itself failing).
    maxReceiveCount: 60,
    retentionSeconds: 4 * 86_400,
  },
];

/**
 * Functions called by one-time timers (EventBridge Scheduler `at()` schedules, see
 * functions/platform/events/timers.ts): CDK makes the schedule group, the role Scheduler invokes
 * them with and the dead-letter queue; locally a Scheduler stand-in calls the same bundles after
 * (due − now) ÷ LOCAL_TIME_SCALE.
 */
export interface TimerTaskSpec {
  name: string;
  handler: string;
  uses: ReadonlyArray<Resource>;
  timeoutSeconds: number;
}

export const timerTasks: ReadonlyArray<TimerTaskSpec> = [
  {
    // Subscriptions' 7-day notices, renewals and expiries (functions/commerce/domain/renewals.ts).
    name: 'subscription-terms',
    handler: 'commerce/tasks/subscription-terms',
    uses: ['table', 'mail', 'timers'],
    timeoutSeconds: 30,
  },
  {
    // Admin relationships' request expiry, 30/7/1-day notices, auto-extension and expiry
    // (functions/on-behalf/domain/terms.ts).
    name: 'admin-relationship-terms',
    handler: 'on-behalf/tasks/admin-relationship-terms',
    uses: ['table', 'mail', 'timers'],
    timeoutSeconds: 30,
  },
];

/**
 * Functions fed by SES's sending events of the platform's configuration set (bounces and
 * complaints). On AWS the configuration set sends them to the account's default EventBridge bus
 * (source `aws.ses`) and a rule there invokes the function, with a dead-letter queue; locally the
 * mailbox's simulator addresses (bounce@simulator.amazonses.com, complaint@…) raise the same events.
 */
export interface MailEventConsumerSpec {
  name: string;
  handler: string;
  uses: ReadonlyArray<Resource>;
  /** The rule on the default bus: SES's detail types for the events the function wants. */
  rule: { source: ['aws.ses']; detailType: string[] };
}

export const mailEventConsumers: ReadonlyArray<MailEventConsumerSpec> = [
  {
    // A permanent bounce or a complaint suppresses the address and is recorded in the platform's log
    // (functions/platform/mail/suppression.ts); the mailer then skips that address.
    name: 'mail-feedback',
    handler: 'platform/events/mail-feedback',
    uses: ['table'],
    rule: { source: ['aws.ses'], detailType: ['Email Bounced', 'Email Complaint Received'] },
  },
];
