/**
 * Local stand-in for Amazon EventBridge, as small as what the functions use: `PutEvents` on one
 * custom bus, spoken the way `@aws-sdk/client-eventbridge` v3 calls it (awsJson1_1: `POST /`,
 * `X-Amz-Target: AWSEvents.PutEvents`). Each accepted entry becomes the event AWS hands to rule
 * targets (`{ version, id, detail-type, source, account, time, region, resources, detail }`) and
 * goes, as JSON, to the target of every rule whose pattern (exact-value lists, see pattern.ts)
 * matches it, in the order of the entries. A failing target is logged; the entry still counts as
 * accepted, as on AWS, where target retries happen after PutEvents has answered.
 *
 * Entries fail one by one as on AWS (`FailedEntryCount`, `ErrorCode`, `ErrorMessage`): an unknown
 * bus, a missing field, a Detail that is not a JSON object. A request of more than 10 entries or
 * over 256 KB is refused whole (`ValidationException`).
 *
 * The account's `default` bus exists, as on AWS, where services put their own events (SES's
 * bounces and complaints: `putServiceEvent`, source `aws.…`, which PutEvents refuses to callers as
 * AWS does) and its rules (`defaultBusRules`) route them. An event of ours put there that no rule
 * matches goes nowhere, with a warning, as that is almost surely a missing EventBusName.
 */
import { randomUUID } from 'node:crypto';
import { AwsJsonError as ApiError, serveAwsJson } from '../aws-json.ts';
import { assertExactPattern, type ExactPattern, matchesPattern } from './pattern.ts';

export interface LocalBusRule {
  name: string;
  pattern: { source?: string[]; 'detail-type'?: string[] };
  /** Gets each matching event as AWS sends it to a target (JSON). */
  target(envelopeJson: string): void;
}

/** An event an AWS service puts on the account's default bus (not through PutEvents). */
export interface ServiceEvent {
  /** `aws.ses`. */
  source: string;
  detailType: string;
  detail: object;
  resources?: string[];
}

export interface LocalEventBridge {
  url: string;
  busArn: string;
  /** Puts a service's event on the default bus, to every default-bus rule it matches; answers the event's id. */
  putServiceEvent(event: ServiceEvent): string;
  stop(): Promise<void>;
}

const MAX_ENTRIES = 10;
/** PutEvents' limit on the entries of one request, counted as AWS documents it. */
const MAX_ENTRIES_BYTES = 256 * 1024;
/** The time an entry gives counts 14 bytes in that total, whether given or not. */
const TIME_BYTES = 14;

/** An entry that fails alone: `{ ErrorCode, ErrorMessage }` in the answer. */
class EntryError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const utf8Bytes = (value: unknown) => (typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : 0);

/** An entry's size as AWS counts it toward the 256 KB of a request. */
function entrySize(entry: Record<string, unknown>): number {
  const resources = Array.isArray(entry.Resources) ? entry.Resources : [];
  return (
    TIME_BYTES +
    utf8Bytes(entry.Source) +
    utf8Bytes(entry.DetailType) +
    utf8Bytes(entry.Detail) +
    resources.reduce((n: number, r) => n + utf8Bytes(r), 0)
  );
}

/** The entry's Time (epoch seconds, as the SDK sends timestamps) or now, as AWS writes it: seconds, UTC. */
function eventTime(time: unknown): string {
  const ms =
    typeof time === 'number' ? time * 1000 : typeof time === 'string' ? Date.parse(time) : Date.now();
  if (!Number.isFinite(ms)) throw new EntryError('InvalidArgument', 'Parameter Time is not valid.');
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export async function startEventBridge(opts: {
  region: string;
  accountId: string;
  busName: string;
  rules: LocalBusRule[];
  /** Rules on the account's default bus (where AWS services put their events). */
  defaultBusRules?: LocalBusRule[];
  port?: number;
}): Promise<LocalEventBridge> {
  const arnPrefix = `arn:aws:events:${opts.region}:${opts.accountId}:event-bus/`;
  const busArn = `${arnPrefix}${opts.busName}`;
  const checked = (rules: LocalBusRule[]) =>
    rules.map((rule) => {
      assertExactPattern(rule.pattern, `rule ${rule.name}`);
      return { ...rule, pattern: rule.pattern as ExactPattern };
    });
  const rulesOf = new Map([
    [opts.busName, checked(opts.rules)],
    ['default', checked(opts.defaultBusRules ?? [])],
  ]);
  let warnedDefault = false;

  /** The event as AWS hands it to rule targets. */
  const envelope = (e: {
    source: string;
    detailType: string;
    detail: unknown;
    resources: string[];
    time: string;
  }) => ({
    version: '0',
    id: randomUUID(),
    'detail-type': e.detailType,
    source: e.source,
    account: opts.accountId,
    time: e.time,
    region: opts.region,
    resources: e.resources,
    detail: e.detail,
  });

  /** Hands the event to the target of every rule of `bus` that matches it; answers how many did. */
  const route = (bus: string, event: ReturnType<typeof envelope>) => {
    const json = JSON.stringify(event);
    let matched = 0;
    for (const rule of rulesOf.get(bus) ?? []) {
      if (!matchesPattern(rule.pattern, event)) continue;
      matched++;
      try {
        rule.target(json);
      } catch (error) {
        console.error(`[EventBridge] rule ${rule.name}: its target failed:`, (error as Error).message);
      }
    }
    return matched;
  };

  /** The bus an entry names (a name or an ARN; `default` when none), or why it fails. */
  const busOf = (name: unknown): string => {
    const given = typeof name === 'string' && name !== '' ? name : 'default';
    const bus = given.startsWith(arnPrefix) ? given.slice(arnPrefix.length) : given;
    if (bus !== opts.busName && bus !== 'default')
      throw new EntryError('ResourceNotFoundException', `Event bus ${bus} does not exist.`);
    return bus;
  };

  const required = (entry: Record<string, unknown>, field: string): string => {
    const value = entry[field];
    if (typeof value !== 'string' || value === '')
      throw new EntryError(
        'InvalidArgument',
        `Parameter ${field} is not valid. Reason: ${field} is a required argument.`,
      );
    return value;
  };

  /** One entry: its event, delivered to the matching rules, or the error it fails with. */
  const putEntry = (entry: Record<string, unknown>) => {
    const bus = busOf(entry.EventBusName);
    const source = required(entry, 'Source');
    const detailType = required(entry, 'DetailType');
    let detail: unknown;
    try {
      detail = JSON.parse(required(entry, 'Detail'));
    } catch (error) {
      if (error instanceof EntryError) throw error;
      throw new EntryError('MalformedDetail', 'Detail is malformed.');
    }
    if (typeof detail !== 'object' || detail === null || Array.isArray(detail))
      throw new EntryError('MalformedDetail', 'Detail is malformed.');
    if (source.startsWith('aws.'))
      throw new EntryError('NotAuthorizedForSourceException', `Not authorized for the source ${source}.`);
    const resources = Array.isArray(entry.Resources)
      ? entry.Resources.filter((r): r is string => typeof r === 'string')
      : [];
    const event = envelope({ source, detailType, detail, resources, time: eventTime(entry.Time) });
    if (route(bus, event) === 0 && bus === 'default') {
      if (!warnedDefault)
        console.warn(`[EventBridge] an event from ${source} went to the default bus, where no rule listens`);
      warnedDefault = true;
    }
    return event.id;
  };

  const dispatch = (action: string, body: Record<string, unknown>) => {
    if (action !== 'PutEvents')
      throw new ApiError(
        'UnknownOperationException',
        `The local EventBridge answers PutEvents only, not ${action}`,
      );
    if (body.EndpointId !== undefined)
      throw new ApiError('ValidationException', 'Global endpoints (EndpointId) are not served locally');
    const entries = body.Entries;
    if (!Array.isArray(entries) || entries.length < 1 || entries.length > MAX_ENTRIES)
      throw new ApiError(
        'ValidationException',
        `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length between 1 and ${MAX_ENTRIES}`,
      );
    const records = entries.map((e) =>
      typeof e === 'object' && e !== null ? (e as Record<string, unknown>) : {},
    );
    if (records.reduce((n, e) => n + entrySize(e), 0) > MAX_ENTRIES_BYTES)
      throw new ApiError(
        'ValidationException',
        'Total size of the entries in the request is over the limit.',
      );
    const results = records.map((entry) => {
      try {
        return { EventId: putEntry(entry) };
      } catch (error) {
        if (!(error instanceof EntryError)) throw error;
        return { ErrorCode: error.code, ErrorMessage: error.message };
      }
    });
    return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
  };

  const server = await serveAwsJson({
    name: 'EventBridge',
    targetPrefix: 'AWSEvents.',
    contentType: 'application/x-amz-json-1.1',
    // The entries' 256 KB, escaped into JSON, with room for the envelope.
    maxRequestBytes: 2 * 1024 * 1024,
    ...(opts.port === undefined ? {} : { port: opts.port }),
    dispatch,
  });
  return {
    url: server.url,
    busArn,
    putServiceEvent(e) {
      const event = envelope({ ...e, resources: e.resources ?? [], time: eventTime(undefined) });
      route('default', event);
      return event.id;
    },
    stop: () => server.close(),
  };
}
