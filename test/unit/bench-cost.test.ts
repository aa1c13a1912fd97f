import { describe, expect, it } from 'vitest';
import {
  accessLogLine,
  consumerInvocations,
  costOf,
  PRICES,
  platformLogBytes,
  usageLines,
} from '../bench/cost.ts';
import {
  accessLogFormat,
  dashboardCustomMetrics,
  idleFloor,
  METHOD_METRICS,
  type Template,
} from '../bench/floor.ts';
import { isMetricsLine, isStructuredLogLine } from '../bench/log-meter.ts';

const metricStat = (metricName: string, period: number) => ({
  Id: metricName.toLowerCase(),
  MetricStat: { Metric: { Namespace: 'AWS/Lambda', MetricName: metricName }, Period: period, Stat: 'Sum' },
  ReturnData: false,
});

/** A dashboard body as CDK writes it: a Fn::Join whose parts include references. */
const dashboardBody = {
  'Fn::Join': [
    '',
    [
      '{"widgets":[{"type":"metric","properties":{"region":"',
      { Ref: 'AWS::Region' },
      '","metrics":[["AWS/Lambda","Invocations"],["CspPartnerPlatform","OrdersPlaced","service","csp-partner-platform",{"stat":"Sum"}],',
      '["CspPartnerPlatform","EnrollmentsApproved","service","csp-partner-platform"],[{"expression":"SUM([m0])","id":"e1"}]]}},',
      '{"type":"metric","properties":{"metrics":[["CspPartnerPlatform","OrdersPlaced","service","csp-partner-platform"]]}}]}',
    ],
  ],
};

const stack: Template = {
  Resources: {
    Single: { Type: 'AWS::CloudWatch::Alarm', Properties: { MetricName: 'Throttles', Period: 300 } },
    Math: {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        Metrics: [
          { Id: 'e', Expression: 'a + b + c', ReturnData: true },
          metricStat('Errors', 300),
          metricStat('Invocations', 300),
          metricStat('Throttles', 300),
        ],
      },
    },
    Fast: { Type: 'AWS::CloudWatch::Alarm', Properties: { MetricName: 'Errors', Period: 10 } },
    Rollup: { Type: 'AWS::CloudWatch::CompositeAlarm', Properties: {} },
    Board: { Type: 'AWS::CloudWatch::Dashboard', Properties: { DashboardBody: dashboardBody } },
    Key: { Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true } },
    Secret: { Type: 'AWS::SecretsManager::Secret', Properties: {} },
    Acl: { Type: 'AWS::WAFv2::WebACL', Properties: { Rules: [{}, {}, {}, {}] } },
    Topic: { Type: 'AWS::SNS::Subscription', Properties: { Protocol: 'email' } },
    Stage: {
      Type: 'AWS::ApiGateway::Stage',
      Properties: {
        AccessLogSetting: { Format: '{"requestId":"$context.requestId","status":"$context.status"}' },
        MethodSettings: [{ HttpMethod: '*', ResourcePath: '/*', MetricsEnabled: true }],
      },
    },
    Get: { Type: 'AWS::ApiGateway::Method', Properties: { HttpMethod: 'GET' } },
    Options: { Type: 'AWS::ApiGateway::Method', Properties: { HttpMethod: 'OPTIONS' } },
  },
};
/** A nested stack's template: its methods count too. */
const nested: Template = {
  Resources: { Post: { Type: 'AWS::ApiGateway::Method', Properties: { HttpMethod: 'POST' } } },
};

describe('the idle monthly floor', () => {
  it('counts each alarm by the metrics it watches, and every other billed resource', () => {
    const { counts } = idleFloor([stack, nested]);

    expect(counts).toMatchObject({
      alarms: 3,
      alarmMetrics: 4,
      highResolutionAlarmMetrics: 1,
      compositeAlarms: 1,
      dashboards: 1,
      kmsKeys: 1,
      rotatedKmsKeys: 1,
      secrets: 1,
      webAcls: 1,
      wafRules: 4,
      snsEmailSubscriptions: 1,
      metricsEnabledMethods: 2,
    });
  });

  it('prices the idle resources per month', () => {
    const { idle } = idleFloor([stack, nested]);

    const total = idle.reduce((sum, line) => sum + costOf(line), 0);
    // ACL 5 + 4 rules + key 1 + secret 0.4 + 4 × 0.1 + 1 × 0.3 + composite 0.5 + dashboard 3
    expect(total).toBeCloseTo(5 + 4 + 1 + 0.4 + 0.4 + 0.3 + 0.5 + 3, 10);
  });

  it('prices per-method and custom metrics apart, as costs once in use', () => {
    const { whenUsed, counts } = idleFloor([stack, nested]);

    expect(counts.customMetrics).toEqual([
      'CspPartnerPlatform EnrollmentsApproved service=csp-partner-platform',
      'CspPartnerPlatform OrdersPlaced service=csp-partner-platform',
    ]);
    expect(whenUsed.map((l) => l.quantity)).toEqual([2 * METHOD_METRICS.length, 2]);
    expect(whenUsed.every((l) => l.price === PRICES.customMetric)).toBe(true);
  });

  it('is nothing for a template without billed resources', () => {
    const floor = idleFloor([{ Resources: { T: { Type: 'AWS::DynamoDB::Table' } } }, {}]);

    expect(floor.idle).toEqual([]);
    expect(floor.whenUsed).toEqual([]);
  });

  it('does not count per-method metrics when the stage has them off', () => {
    const off: Template = {
      Resources: {
        Stage: {
          Type: 'AWS::ApiGateway::Stage',
          Properties: { MethodSettings: [{ MetricsEnabled: false }] },
        },
        Get: { Type: 'AWS::ApiGateway::Method', Properties: { HttpMethod: 'GET' } },
      },
    };

    expect(idleFloor([off]).counts.metricsEnabledMethods).toBe(0);
  });

  it('finds no custom metric in a dashboard body it cannot read', () => {
    expect(dashboardCustomMetrics({ 'Fn::Join': ['', ['{"widgets":', { Ref: 'X' }]] })).toEqual([]);
  });
});

describe('usage and its price', () => {
  it('prices each line by its unit and leaves out lines that do not apply', () => {
    const lines = usageLines({
      apiRequests: 2,
      lambdaRequests: 3,
      lambdaGbSeconds: 0.1,
      readRequestUnits: 4,
      writeRequestUnits: 10,
      emails: 2,
      timers: 2,
      traces: 3,
      logBytes: 1024 ** 3,
    });

    expect(lines.map((l) => l.name)).not.toContain('Step Functions transitions');
    expect(lines.map((l) => l.name)).not.toContain('EventBridge events');
    const byName = new Map(lines.map((l) => [l.name, costOf(l)]));
    expect(byName.get('API Gateway requests')).toBeCloseTo(7e-6, 12);
    expect(byName.get('WAF requests')).toBeCloseTo(1.2e-6, 12);
    expect(byName.get('SES emails')).toBeCloseTo(2e-4, 12);
    expect(byName.get('CloudWatch Logs (bytes)')).toBeCloseTo(0.5, 12);
    expect(byName.get('DynamoDB write request units')).toBeCloseTo(6.25e-6, 12);
  });

  it('counts a stream consumer invocation per activity record its filter matches', () => {
    const invocations = consumerInvocations([
      { operation: 'ORDER_PLACED' },
      { operation: 'INVITATION_ACCEPTED' },
      { operation: 'ENROLLMENT_APPROVED' },
    ]);

    expect(Object.fromEntries(invocations)).toEqual({
      'publish-events': 3,
      'default-admin-relationships': 1,
      'leads-won': 1,
      'existing-customers': 1,
    });
  });

  it("renders an access log line from the stage's format with the request's values", () => {
    const format = accessLogFormat([stack]) ?? '';

    expect(
      accessLogLine(format, { method: 'GET', resourcePath: '/me', status: 200, responseLength: 321 }),
    ).toBe('{"requestId":"c0ffee00-1234-4abc-8def-0123456789ab","status":"200"}');
    expect(
      accessLogLine('$context.httpMethod $context.unknownThing.', {
        method: 'PATCH',
        resourcePath: '/x',
        status: 204,
        responseLength: 0,
      }),
    ).toBe('PATCH -.');
  });

  it("sizes Lambda's own lines of an invocation", () => {
    expect(platformLogBytes()).toBeGreaterThan(250);
    expect(platformLogBytes()).toBeLessThan(400);
  });
});

describe('the log meter', () => {
  it('takes logger and metrics lines, and nothing else', () => {
    expect(
      isStructuredLogLine('{"level":"INFO","message":"mail sent","service":"csp-partner-platform"}'),
    ).toBe(true);
    expect(isStructuredLogLine('{"_aws":{"Timestamp":1,"CloudWatchMetrics":[]},"OrdersPlaced":1}')).toBe(
      true,
    );
    expect(isStructuredLogLine('{"level":"INFO"}')).toBe(false);
    expect(isStructuredLogLine('| item | quantity |')).toBe(false);
    expect(isStructuredLogLine('{not json')).toBe(false);
  });

  it('tells metrics lines from logger lines', () => {
    expect(isMetricsLine('{"_aws":{"Timestamp":1,"CloudWatchMetrics":[]},"OrdersPlaced":1}')).toBe(true);
    expect(isMetricsLine('{"level":"ERROR","message":"boom","service":"csp-partner-platform"}')).toBe(false);
  });
});
