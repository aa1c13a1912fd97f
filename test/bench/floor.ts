/**
 * The idle monthly floor of a deployment: what the synthesized templates cost per month with no
 * traffic at all (web ACL and its rules, KMS keys, secrets, alarms by the metrics they watch,
 * dashboards), counted from the templates so that it follows the stacks. Also what some resources
 * cost per month once they get traffic (API Gateway's per-method metrics, custom metrics on the
 * dashboard), which is not idle but not per request either.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type CostLine, costOf, count, PRICES, printRows, usd } from './cost.ts';

export interface TemplateResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
}

export interface Template {
  Resources?: Record<string, TemplateResource>;
}

export interface Floor {
  /** Monthly quantities with no traffic. */
  idle: CostLine[];
  /** Monthly quantities once every method and metric gets data (prorated by the hour otherwise). */
  whenUsed: CostLine[];
  /** What was counted, for the printout. */
  counts: {
    alarms: number;
    alarmMetrics: number;
    highResolutionAlarmMetrics: number;
    compositeAlarms: number;
    dashboards: number;
    kmsKeys: number;
    rotatedKmsKeys: number;
    secrets: number;
    webAcls: number;
    wafRules: number;
    snsEmailSubscriptions: number;
    metricsEnabledMethods: number;
    customMetrics: string[];
  };
}

/** REST API per-method metrics API Gateway publishes with detailed metrics on (cache metrics only with a cache). */
export const METHOD_METRICS = ['Count', '4XXError', '5XXError', 'Latency', 'IntegrationLatency'] as const;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A period under a minute makes an alarm high-resolution. */
const HIGH_RESOLUTION_SECONDS = 60;

/** Metrics an alarm is billed for: its one metric, or each `MetricStat` of its metric math, by resolution. */
function alarmMetrics(props: Record<string, unknown>): { standard: number; high: number } {
  const periods = Array.isArray(props.Metrics)
    ? props.Metrics.flatMap((m) =>
        isRecord(m) && isRecord(m.MetricStat) ? [Number(m.MetricStat.Period ?? HIGH_RESOLUTION_SECONDS)] : [],
      )
    : [Number(props.Period ?? HIGH_RESOLUTION_SECONDS)];
  const high = periods.filter((p) => p < HIGH_RESOLUTION_SECONDS).length;
  return { standard: periods.length - high, high };
}

/**
 * A CloudFormation string value as text: literals as they are, `Fn::Join` joined, any other
 * intrinsic (a reference) as a placeholder that keeps a JSON document parseable.
 */
function flatten(value: unknown): string {
  if (typeof value === 'string') return value;
  if (isRecord(value) && Array.isArray(value['Fn::Join'])) {
    const [separator, parts] = value['Fn::Join'] as [string, unknown[]];
    return (Array.isArray(parts) ? parts : []).map(flatten).join(separator);
  }
  return 'ref';
}

/**
 * Metrics of namespaces other than `AWS/…` that a dashboard body shows (custom metrics, e.g.
 * Powertools Metrics' business counts), each as `namespace metric dimension=value…`.
 */
export function dashboardCustomMetrics(body: unknown): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(flatten(body));
  } catch {
    return [];
  }
  const found = new Set<string>();
  const widgets = isRecord(parsed) && Array.isArray(parsed.widgets) ? parsed.widgets : [];
  for (const widget of widgets) {
    const metrics = isRecord(widget) && isRecord(widget.properties) ? widget.properties.metrics : undefined;
    for (const entry of Array.isArray(metrics) ? metrics : []) {
      if (!Array.isArray(entry)) continue;
      const [namespace, name, ...rest] = entry;
      if (typeof namespace !== 'string' || typeof name !== 'string' || namespace.startsWith('AWS/')) continue;
      if (namespace === '...' || namespace === '.') continue;
      const dimensions: string[] = [];
      for (let i = 0; i + 1 < rest.length && typeof rest[i] === 'string'; i += 2)
        dimensions.push(`${rest[i]}=${String(rest[i + 1])}`);
      found.add([namespace, name, ...dimensions].join(' '));
    }
  }
  return [...found].sort();
}

/** Counts the billable idle resources of `templates` (every stack's, nested ones included). */
export function idleFloor(templates: ReadonlyArray<Template>): Floor {
  const resources = templates.flatMap((t) => Object.values(t.Resources ?? {}));
  const ofType = (type: string) => resources.filter((r) => r.Type === type);
  const props = (r: TemplateResource) => r.Properties ?? {};

  const alarms = ofType('AWS::CloudWatch::Alarm');
  const metrics = alarms.map((a) => alarmMetrics(props(a)));
  const keys = ofType('AWS::KMS::Key');
  const webAcls = ofType('AWS::WAFv2::WebACL');
  const wafRules = webAcls.reduce(
    (n, acl) => n + (Array.isArray(props(acl).Rules) ? (props(acl).Rules as []).length : 0),
    0,
  );
  const metricsOn = ofType('AWS::ApiGateway::Stage').some(
    (stage) =>
      Array.isArray(props(stage).MethodSettings) &&
      (props(stage).MethodSettings as unknown[]).some((s) => isRecord(s) && s.MetricsEnabled === true),
  );
  const methods = ofType('AWS::ApiGateway::Method').filter((m) => props(m).HttpMethod !== 'OPTIONS').length;
  const customMetrics = [
    ...new Set(
      ofType('AWS::CloudWatch::Dashboard').flatMap((d) => dashboardCustomMetrics(props(d).DashboardBody)),
    ),
  ].sort();

  const counts: Floor['counts'] = {
    alarms: alarms.length,
    alarmMetrics: metrics.reduce((n, m) => n + m.standard, 0),
    highResolutionAlarmMetrics: metrics.reduce((n, m) => n + m.high, 0),
    compositeAlarms: ofType('AWS::CloudWatch::CompositeAlarm').length,
    dashboards: ofType('AWS::CloudWatch::Dashboard').length,
    kmsKeys: keys.length,
    rotatedKmsKeys: keys.filter((k) => props(k).EnableKeyRotation === true).length,
    secrets: ofType('AWS::SecretsManager::Secret').length,
    webAcls: webAcls.length,
    wafRules,
    snsEmailSubscriptions: ofType('AWS::SNS::Subscription').filter((s) => props(s).Protocol === 'email')
      .length,
    metricsEnabledMethods: metricsOn ? methods : 0,
    customMetrics,
  };
  return {
    counts,
    idle: [
      { name: 'WAF web ACLs', quantity: counts.webAcls, price: PRICES.wafWebAcl },
      { name: 'WAF rules', quantity: counts.wafRules, price: PRICES.wafRule },
      { name: 'KMS keys', quantity: counts.kmsKeys, price: PRICES.kmsKey },
      { name: 'Secrets Manager secrets', quantity: counts.secrets, price: PRICES.secret },
      { name: 'alarm metrics (standard)', quantity: counts.alarmMetrics, price: PRICES.alarmMetric },
      {
        name: 'alarm metrics (high resolution)',
        quantity: counts.highResolutionAlarmMetrics,
        price: PRICES.highResolutionAlarmMetric,
      },
      { name: 'composite alarms', quantity: counts.compositeAlarms, price: PRICES.compositeAlarm },
      { name: 'dashboards', quantity: counts.dashboards, price: PRICES.dashboard },
    ].filter((line) => line.quantity > 0),
    whenUsed: [
      {
        name: `API Gateway per-method metrics (${counts.metricsEnabledMethods} methods × ${METHOD_METRICS.length})`,
        quantity: counts.metricsEnabledMethods * METHOD_METRICS.length,
        price: PRICES.customMetric,
      },
      { name: 'custom metrics on the dashboard', quantity: customMetrics.length, price: PRICES.customMetric },
    ].filter((line) => line.quantity > 0),
  };
}

/**
 * The templates of a cloud assembly (`cdk.out`): each stack's, and those of its nested stacks
 * (files named by their resource's `aws:asset:path`, written when asset metadata is on, as under
 * the CLI and test/support/synthesized.ts).
 */
export async function assemblyTemplates(dir: string): Promise<Template[]> {
  const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as {
    artifacts?: Record<string, { type: string; properties?: { templateFile?: string } }>;
  };
  const templates: Template[] = [];
  for (const artifact of Object.values(manifest.artifacts ?? {})) {
    const file = artifact.properties?.templateFile;
    if (artifact.type !== 'aws:cloudformation:stack' || !file) continue;
    const template = JSON.parse(await readFile(join(dir, file), 'utf8')) as Template;
    templates.push(template);
    for (const resource of Object.values(template.Resources ?? {})) {
      const nested = resource.Metadata?.['aws:asset:path'];
      if (resource.Type === 'AWS::CloudFormation::Stack' && typeof nested === 'string')
        templates.push(JSON.parse(await readFile(join(dir, nested), 'utf8')) as Template);
    }
  }
  return templates;
}

/** The access log format of the first API stage that has one (`$context.*` variables). */
export function accessLogFormat(templates: ReadonlyArray<Template>): string | undefined {
  for (const t of templates)
    for (const r of Object.values(t.Resources ?? {})) {
      const setting = r.Type === 'AWS::ApiGateway::Stage' ? r.Properties?.AccessLogSetting : undefined;
      if (isRecord(setting) && typeof setting.Format === 'string') return setting.Format;
    }
  return undefined;
}

/** The floor's two tables and what they leave out. */
export function printFloor(floor: Floor, source: string) {
  const { counts } = floor;
  const table = (lines: CostLine[]) => {
    const total = lines.reduce((sum, line) => sum + costOf(line), 0);
    printRows([
      ['item', 'quantity', 'price', 'per month'],
      ...lines.map((line) => [
        line.name,
        count(line.quantity),
        `$${line.price.usd} / ${line.price.unit}`,
        usd(costOf(line)),
      ]),
      ['total', '', '', usd(total)],
    ]);
    return total;
  };
  console.log(`Idle monthly floor, counted from ${source}:`);
  console.log(
    `  ${counts.alarms} alarms watching ${counts.alarmMetrics + counts.highResolutionAlarmMetrics} metrics ` +
      `(${counts.highResolutionAlarmMetrics} high-resolution), ${counts.compositeAlarms} composite alarms, ` +
      `${counts.dashboards} dashboards, ${counts.kmsKeys} KMS keys, ${counts.secrets} secrets, ` +
      `${counts.webAcls} web ACLs with ${counts.wafRules} rules`,
  );
  const idle = table(floor.idle);
  console.log(
    `Also monthly, once in use (custom metrics are billed by the hour in which they get data, so these are the most):`,
  );
  const used = table(floor.whenUsed);
  if (counts.customMetrics.length > 0) console.log(`  custom metrics: ${counts.customMetrics.join('; ')}`);
  console.log(
    `Not included: storage (DynamoDB with point-in-time recovery, logs kept), Cognito monthly active users, data transfer; ` +
      `${counts.snsEmailSubscriptions} SNS email subscription(s): alarm emails cost $${PRICES.snsEmails.usd} per ` +
      `${PRICES.snsEmails.per.toLocaleString('en-US')} (negligible)` +
      (counts.rotatedKmsKeys > 0
        ? `; ${counts.rotatedKmsKeys} KMS key(s) rotate yearly: each of the first two rotations adds $${PRICES.kmsKey.usd} a month.`
        : '.'),
  );
  return { idle, used };
}
