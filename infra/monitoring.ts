import { Duration, Stack } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  SingleValueWidget,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { type ITable, Operation } from 'aws-cdk-lib/aws-dynamodb';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { BUSINESS_METRICS, METRICS_NAMESPACE } from '../functions/platform/business-metrics.ts';
import type { RouteSpec } from '../functions/platform/route-spec.ts';
import { pascal, SERVICE_NAME } from './function.ts';

/** The operators' dashboard, one per account and region. */
export const DASHBOARD_NAME = 'CspPartnerPlatform';

/** Where each alarm's description sends the operator: a section of docs/runbook.md. */
export const RUNBOOK = 'docs/runbook.md';

/** The thresholds of the alarms, in one place (docs/runbook.md explains each). */
export const THRESHOLDS = {
  /** API Gateway 5XXError averaged over 5 minutes: the share of requests answered 5xx. */
  apiServerErrorRate: 0.01,
  /** p99 latency in ms, for 3 periods of 5 minutes in a row. */
  apiLatencyP99Ms: 2500,
  /** Unhandled function errors (and timeouts) as a percentage of invocations over 5 minutes. */
  functionErrorPercent: 1,
  /** SES account reputation: review at 5 %, sending paused at 10 %. */
  bounceRate: 0.02,
  /** SES account reputation: review at 0.1 %, sending paused at 0.5 %. */
  complaintRate: 0.0005,
  /** WAF blocks in 5 minutes. */
  wafBlocks: 500,
} as const;

/** A dead-letter or failed-records queue: any message in it is a lost change or notice. */
export interface WatchedQueue {
  /** The alarm's construct id. */
  id: string;
  queue: IQueue;
  /** What a message in it means, for the alarm's description. */
  meaning: string;
  /** The runbook section (its anchor). */
  anchor: string;
}

export interface MonitoringProps {
  topic: ITopic;
  api: RestApi;
  /** Every route with its business context (the first folder of its handler). */
  routes: ReadonlyArray<RouteSpec & { id: string }>;
  stateMachines: ReadonlyMap<string, StateMachine>;
  table: ITable;
  queues: ReadonlyArray<WatchedQueue>;
  /** The schedule group of the one-time timers. */
  timerGroupName: string;
  /** The web ACL in front of the API, by name. */
  webAclName: string;
  /** The delivery queue and the function that empties it, for the deliveries row. */
  deliveryQueue: IQueue;
}

const FIVE_MINUTES = Duration.minutes(5);

/** `customers/api/list-customers` → `customers`; handlers at the root belong to the platform. */
export const contextOf = (route: Pick<RouteSpec, 'handler'>) =>
  route.handler.includes('/') ? (route.handler.split('/')[0] ?? 'platform') : 'platform';

/**
 * What tells operators something is wrong before a partner does: alarms to one SNS topic (each
 * description names its runbook section) and one dashboard. Function errors and throttles are the
 * account's Lambda totals (metric math over every function, not one alarm per function): the
 * platform is meant to have an account of its own.
 */
export class Monitoring extends Construct {
  readonly alarms: Alarm[] = [];
  readonly dashboard: Dashboard;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: MonitoringProps,
  ) {
    super(scope, id);
    const { api, table, topic } = props;

    this.alarm('ApiServerErrors', {
      anchor: 'api-server-errors',
      meaning: `1 % or more of API requests answered 5xx over 5 minutes.`,
      metric: api.metricServerError({ period: FIVE_MINUTES, statistic: 'Average' }),
      threshold: THRESHOLDS.apiServerErrorRate,
    });
    this.alarm('ApiLatency', {
      anchor: 'api-latency',
      meaning: `API p99 latency at or above ${THRESHOLDS.apiLatencyP99Ms} ms for 15 minutes.`,
      metric: api.metricLatency({ period: FIVE_MINUTES, statistic: 'p99' }),
      threshold: THRESHOLDS.apiLatencyP99Ms,
      evaluationPeriods: 3,
    });

    const lambda = (metricName: string) =>
      new Metric({ namespace: 'AWS/Lambda', metricName, statistic: 'Sum', period: FIVE_MINUTES });
    this.alarm('FunctionErrors', {
      anchor: 'function-errors',
      meaning: `Unhandled errors or timeouts in ${THRESHOLDS.functionErrorPercent} % or more of all function invocations over 5 minutes.`,
      metric: new MathExpression({
        expression: 'IF(invocations > 0, 100 * errors / invocations, 0)',
        usingMetrics: { errors: lambda('Errors'), invocations: lambda('Invocations') },
        label: 'Function error %',
        period: FIVE_MINUTES,
      }),
      threshold: THRESHOLDS.functionErrorPercent,
    });
    this.alarm('FunctionThrottles', {
      anchor: 'function-throttles',
      meaning: 'Lambda throttled function invocations (concurrency limits).',
      metric: lambda('Throttles'),
      threshold: 1,
    });

    for (const [name, machine] of props.stateMachines) {
      this.alarm(`WorkflowFailures${pascal(name)}`, {
        anchor: 'workflow-failures',
        meaning: `A ${name} execution failed, timed out or was aborted.`,
        metric: new MathExpression({
          expression: 'failed + timedOut + aborted',
          usingMetrics: {
            failed: machine.metricFailed({ period: FIVE_MINUTES, statistic: 'Sum' }),
            timedOut: machine.metricTimedOut({ period: FIVE_MINUTES, statistic: 'Sum' }),
            aborted: machine.metricAborted({ period: FIVE_MINUTES, statistic: 'Sum' }),
          },
          label: `${name} executions failed, timed out or aborted`,
          period: FIVE_MINUTES,
        }),
        threshold: 1,
      });
    }

    for (const watched of props.queues) {
      this.alarm(watched.id, {
        anchor: watched.anchor,
        meaning: watched.meaning,
        metric: watched.queue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(1),
          statistic: 'Maximum',
        }),
        threshold: 1,
      });
    }

    const scheduler = (metricName: string) =>
      new Metric({
        namespace: 'AWS/Scheduler',
        metricName,
        dimensionsMap: { ScheduleGroup: props.timerGroupName },
        statistic: 'Sum',
        period: FIVE_MINUTES,
      });
    this.alarm('TimerInvocationsDropped', {
      anchor: 'timer-invocations-dropped',
      meaning:
        'EventBridge Scheduler dropped timer invocations, or could not put them in the dead-letter queue.',
      metric: new MathExpression({
        expression: 'dropped + undeliverable',
        usingMetrics: {
          dropped: scheduler('InvocationDroppedCount'),
          undeliverable: scheduler('InvocationsFailedToBeSentToDeadLetterCount'),
        },
        label: 'Timer invocations lost',
        period: FIVE_MINUTES,
      }),
      threshold: 1,
    });

    const operations = [
      Operation.GET_ITEM,
      Operation.BATCH_GET_ITEM,
      Operation.QUERY,
      Operation.PUT_ITEM,
      Operation.UPDATE_ITEM,
      Operation.DELETE_ITEM,
      Operation.BATCH_WRITE_ITEM,
      Operation.TRANSACT_WRITE_ITEMS,
      Operation.TRANSACT_GET_ITEMS,
    ];
    this.alarm('TableThrottles', {
      anchor: 'table-throttles',
      meaning: 'DynamoDB throttled requests on the table.',
      metric: table.metricThrottledRequestsForOperations({ operations, period: FIVE_MINUTES }),
      threshold: 1,
    });
    this.alarm('TableSystemErrors', {
      anchor: 'table-system-errors',
      meaning: 'DynamoDB answered requests on the table with internal errors (500).',
      metric: table.metricSystemErrorsForOperations({ operations, period: FIVE_MINUTES }),
      threshold: 1,
    });

    const ses = (metricName: string) =>
      new Metric({ namespace: 'AWS/SES', metricName, statistic: 'Maximum', period: Duration.hours(1) });
    this.alarm('MailBounceRate', {
      anchor: 'mail-bounce-rate',
      meaning: `The account's SES bounce rate reached ${THRESHOLDS.bounceRate * 100} % (SES reviews at 5 % and may pause sending at 10 %).`,
      metric: ses('Reputation.BounceRate'),
      threshold: THRESHOLDS.bounceRate,
    });
    this.alarm('MailComplaintRate', {
      anchor: 'mail-complaint-rate',
      meaning: `The account's SES complaint rate reached ${THRESHOLDS.complaintRate * 100} % (SES reviews at 0.1 % and may pause sending at 0.5 %).`,
      metric: ses('Reputation.ComplaintRate'),
      threshold: THRESHOLDS.complaintRate,
    });

    this.alarm('WafBlockSpike', {
      anchor: 'waf-block-spike',
      meaning: `The WAF blocked ${THRESHOLDS.wafBlocks} or more requests in 5 minutes.`,
      metric: new Metric({
        namespace: 'AWS/WAFV2',
        metricName: 'BlockedRequests',
        dimensionsMap: { WebACL: props.webAclName, Region: Stack.of(this).region, Rule: 'ALL' },
        statistic: 'Sum',
        period: FIVE_MINUTES,
      }),
      threshold: THRESHOLDS.wafBlocks,
    });

    for (const alarm of this.alarms) {
      alarm.addAlarmAction(new SnsAction(topic));
      alarm.addOkAction(new SnsAction(topic));
    }
    this.dashboard = this.makeDashboard();
  }

  /** One alarm at or above `threshold`, its description naming its runbook section; missing data is fine. */
  private alarm(
    id: string,
    spec: { anchor: string; meaning: string; metric: IMetric; threshold: number; evaluationPeriods?: number },
  ) {
    const alarm = new Alarm(this, id, {
      alarmName: `${Stack.of(this).stackName}-${id}`,
      alarmDescription: `${spec.meaning} Runbook: ${RUNBOOK}#${spec.anchor}`,
      metric: spec.metric,
      threshold: spec.threshold,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: spec.evaluationPeriods ?? 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.alarms.push(alarm);
    return alarm;
  }

  private makeDashboard(): Dashboard {
    const { api, routes, stateMachines, table, deliveryQueue } = this.props;
    const dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: DASHBOARD_NAME,
      defaultInterval: Duration.hours(3),
    });
    dashboard.addWidgets(
      new AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24, height: 4 }),
    );

    // API Gateway's per-method metrics (detailed metrics are on), summed per business context.
    const stage = api.deploymentStage.stageName;
    const method = (route: RouteSpec, metricName: string, statistic: string) =>
      new Metric({
        namespace: 'AWS/ApiGateway',
        metricName,
        dimensionsMap: { ApiName: api.restApiName, Method: route.method, Resource: route.path, Stage: stage },
        statistic,
        period: FIVE_MINUTES,
      });
    const contexts = [...new Set(routes.map(contextOf))].sort();
    const perContext = (metricName: string, statistic: string, combine: 'SUM' | 'MAX', label: string) =>
      contexts.map((context) => {
        const inContext = routes.filter((r) => contextOf(r) === context);
        const usingMetrics = Object.fromEntries(
          // Ids are unique in a graph, whose expressions share one namespace of ids.
          inContext.map((r, i) => [`${context.replace(/\W/g, '_')}_${i}`, method(r, metricName, statistic)]),
        );
        return new MathExpression({
          expression: `${combine}([${Object.keys(usingMetrics).join(', ')}])`,
          usingMetrics,
          label: `${context} ${label}`,
          period: FIVE_MINUTES,
        });
      });
    dashboard.addWidgets(
      new GraphWidget({
        title: 'Requests per business context',
        left: perContext('Count', 'Sum', 'SUM', 'requests'),
        width: 8,
      }),
      new GraphWidget({
        title: 'Server errors (5xx) per business context',
        left: perContext('5XXError', 'Sum', 'SUM', '5xx'),
        width: 8,
      }),
      new GraphWidget({
        title: 'Slowest route p99 latency (ms) per business context',
        left: perContext('Latency', 'p99', 'MAX', 'p99'),
        width: 8,
      }),
    );

    dashboard.addWidgets(
      new GraphWidget({
        title: 'Workflow executions',
        left: [...stateMachines].flatMap(([name, machine]) => [
          machine.metricStarted({ period: FIVE_MINUTES, label: `${name} started` }),
          machine.metricSucceeded({ period: FIVE_MINUTES, label: `${name} succeeded` }),
          machine.metricFailed({ period: FIVE_MINUTES, label: `${name} failed` }),
          machine.metricTimedOut({ period: FIVE_MINUTES, label: `${name} timed out` }),
        ]),
        width: 8,
      }),
      new GraphWidget({
        title: 'Webhook deliveries waiting',
        left: [
          deliveryQueue.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, label: 'waiting' }),
        ],
        right: [
          deliveryQueue.metricApproximateAgeOfOldestMessage({ period: FIVE_MINUTES, label: 'oldest (s)' }),
        ],
        width: 8,
      }),
      new GraphWidget({
        title: 'Mail',
        left: ['Send', 'Delivery', 'Bounce', 'Complaint'].map(
          (metricName) =>
            new Metric({ namespace: 'AWS/SES', metricName, statistic: 'Sum', period: FIVE_MINUTES }),
        ),
        width: 8,
      }),
    );

    const business = Object.values(BUSINESS_METRICS).map(
      (metricName) =>
        new Metric({
          namespace: METRICS_NAMESPACE,
          metricName,
          dimensionsMap: { service: SERVICE_NAME },
          statistic: 'Sum',
          period: Duration.days(1),
        }),
    );
    dashboard.addWidgets(
      new SingleValueWidget({ title: 'Business counts (last day)', metrics: business, width: 24, height: 4 }),
    );
    dashboard.addWidgets(
      new GraphWidget({
        title: 'Functions (all of the account)',
        left: [
          new Metric({
            namespace: 'AWS/Lambda',
            metricName: 'Invocations',
            statistic: 'Sum',
            period: FIVE_MINUTES,
          }),
        ],
        right: [
          new Metric({
            namespace: 'AWS/Lambda',
            metricName: 'Errors',
            statistic: 'Sum',
            period: FIVE_MINUTES,
          }),
          new Metric({
            namespace: 'AWS/Lambda',
            metricName: 'Throttles',
            statistic: 'Sum',
            period: FIVE_MINUTES,
          }),
        ],
        width: 12,
      }),
      new GraphWidget({
        title: 'Table',
        left: [
          table.metricConsumedReadCapacityUnits({ period: FIVE_MINUTES }),
          table.metricConsumedWriteCapacityUnits({ period: FIVE_MINUTES }),
        ],
        width: 12,
      }),
      new TextWidget({
        markdown: `Each alarm's description names its section of \`${RUNBOOK}\`. One request's whole story: CloudWatch Logs Insights over the function log groups, \`filter correlation_id = "<request id>"\`.`,
        width: 24,
        height: 2,
      }),
    );
    return dashboard;
  }
}
