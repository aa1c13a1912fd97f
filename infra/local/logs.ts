/**
 * Local stand-in for CloudWatch Logs (see DESIGN.md, "Local runtime"), as small as reading the
 * functions' log groups needs: `FilterLogEvents` and `DescribeLogGroups` over what the local
 * functions printed (lambda.ts keeps the last lines of each), spoken as
 * `@aws-sdk/client-cloudwatch-logs` calls it (awsJson1_1: `POST /`,
 * `X-Amz-Target: Logs_20140328.<Action>`), so a test in another process reads a function's log
 * the way an operator does with `aws logs filter-log-events`. Filter patterns: terms (every one
 * must occur) or JSON conditions `{ $.a.b = "v" && $.c != 1 }`; anything else is refused rather
 * than answered wrongly.
 */
import { AwsJsonError as ApiError, serveAwsJson } from './aws-json.ts';
import { type LogLine, parseJsonLine } from './lambda.ts';

export interface LocalLogs {
  url: string;
  stop(): Promise<void>;
}

const TARGET_PREFIX = 'Logs_20140328.';
const MAX_REQUEST_BYTES = 64 * 1024;
/** FilterLogEvents answers at most this many events a page, as on AWS. */
const MAX_EVENTS = 10_000;

/** A function's log group, as Lambda names it. */
export const logGroupName = (functionName: string) => `/aws/lambda/${functionName}`;

export async function startLogs(opts: {
  port?: number;
  host?: string;
  region?: string;
  accountId?: string;
  /** Every function's name: each has its log group, whether it printed anything yet or not. */
  functionNames: () => Iterable<string>;
  /** The kept lines of every function, oldest first. */
  lines: () => LogLine[];
}): Promise<LocalLogs> {
  const region = opts.region ?? 'us-east-1';
  const accountId = opts.accountId ?? '000000000000';
  const groups = () => [...new Set(opts.functionNames())].map(logGroupName).sort();

  const dispatch = (action: string, body: Record<string, unknown>) => {
    if (action === 'DescribeLogGroups') {
      const prefix = typeof body.logGroupNamePrefix === 'string' ? body.logGroupNamePrefix : '';
      return {
        logGroups: groups()
          .filter((g) => g.startsWith(prefix))
          .map((g) => ({ logGroupName: g, arn: `arn:aws:logs:${region}:${accountId}:log-group:${g}:*` })),
      };
    }
    if (action !== 'FilterLogEvents') {
      throw new ApiError(
        'UnknownOperationException',
        `The local CloudWatch Logs answers FilterLogEvents and DescribeLogGroups only, not ${action}`,
      );
    }
    const group = body.logGroupName ?? body.logGroupIdentifier;
    if (typeof group !== 'string' || group === '')
      throw new ApiError('InvalidParameterException', 'logGroupName is required');
    if (!groups().includes(group))
      throw new ApiError('ResourceNotFoundException', `The specified log group does not exist: ${group}`);
    const matches = filterPattern(body.filterPattern);
    const streams = Array.isArray(body.logStreamNames) ? new Set(body.logStreamNames.map(String)) : undefined;
    const start = typeof body.startTime === 'number' ? body.startTime : 0;
    const end = typeof body.endTime === 'number' ? body.endTime : Number.POSITIVE_INFINITY;
    const limit = Math.min(typeof body.limit === 'number' ? body.limit : MAX_EVENTS, MAX_EVENTS);
    const offset = typeof body.nextToken === 'string' ? Number(body.nextToken) : 0;
    if (!Number.isInteger(offset) || offset < 0)
      throw new ApiError('InvalidParameterException', 'The nextToken is not one this service gave');
    const found = opts
      .lines()
      .filter((l) => logGroupName(l.functionName) === group)
      .filter((l) => l.at >= start && l.at <= end && (!streams || streams.has(l.stream)))
      .filter((l) => matches(l.message));
    const page = found.slice(offset, offset + limit);
    return {
      events: page.map((l, i) => ({
        logStreamName: l.stream,
        timestamp: l.at,
        ingestionTime: l.at,
        message: l.message,
        eventId: String(offset + i),
      })),
      searchedLogStreams: [],
      ...(offset + limit < found.length ? { nextToken: String(offset + limit) } : {}),
    };
  };

  const server = await serveAwsJson({
    name: 'CloudWatch Logs',
    targetPrefix: TARGET_PREFIX,
    contentType: 'application/x-amz-json-1.1',
    maxRequestBytes: MAX_REQUEST_BYTES,
    dispatch,
    ...(opts.port === undefined ? {} : { port: opts.port }),
    ...(opts.host === undefined ? {} : { host: opts.host }),
  });
  return { url: server.url, stop: server.close };
}

/** The part of CloudWatch's filter pattern syntax the local logs understand, as a predicate. */
export function filterPattern(pattern: unknown): (message: string) => boolean {
  if (pattern === undefined || pattern === null || pattern === '') return () => true;
  if (typeof pattern !== 'string')
    throw new ApiError('InvalidParameterException', 'filterPattern is a string');
  const text = pattern.trim();
  if (text.startsWith('{')) {
    if (!text.endsWith('}')) throw unsupported(pattern);
    const conditions = text
      .slice(1, -1)
      .split('&&')
      .map((c) => jsonCondition(c.trim(), pattern));
    return (message) => {
      const json = parseJsonLine(message);
      return json !== undefined && conditions.every((holds) => holds(json));
    };
  }
  const terms = [...text.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? '');
  // Exclusions (-t), alternatives (?t) and space-delimited patterns ([a, b]) are not understood here.
  if (terms.some((t) => /^[-?]|[{}()|&[\]]/.test(t))) throw unsupported(pattern);
  return (message) => terms.every((t) => message.includes(t));
}

/** `$.a.b = "v"`, `$.a = 12`, `$.a != "v"`: a string compares as text, a number as a number. */
function jsonCondition(condition: string, pattern: string) {
  const m = /^\$((?:\.[A-Za-z_][\w-]*)+)\s*(=|!=)\s*(?:"([^"]*)"|(-?\d+(?:\.\d+)?))$/.exec(condition);
  if (!m) throw unsupported(pattern);
  const path = (m[1] ?? '').slice(1).split('.');
  const [op, text, number] = [m[2], m[3], m[4]];
  return (json: Record<string, unknown>) => {
    let value: unknown = json;
    for (const key of path)
      value =
        typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
    const equal = text !== undefined ? value === text : typeof value === 'number' && value === Number(number);
    return op === '=' ? equal : value !== undefined && !equal;
  };
}

const unsupported = (pattern: string) =>
  new ApiError(
    'InvalidParameterException',
    `The local CloudWatch Logs understands terms and JSON conditions ({ $.a = "v" && $.b != 1 }), not: ${pattern}`,
  );
