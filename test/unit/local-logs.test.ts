import { describe, expect, it } from 'vitest';
import { FunctionLogs, functionLogLevel, type LogLine } from '../../infra/local/lambda.ts';
import { filterPattern } from '../../infra/local/logs.ts';

const line = (handler: string, at: number, message: string): LogLine => ({
  handler,
  functionName: `fn ${handler}`,
  stream: 'stream',
  at,
  output: 'stdout',
  message,
});

describe('the local functions’ log groups', () => {
  it('keep the last lines of each function, oldest dropped first, and read all of them in time order', () => {
    const logs = new FunctionLogs(2);

    logs.add(line('a', 1, 'a1'));
    logs.add(line('b', 2, 'b1'));
    logs.add(line('a', 3, 'a2'));
    logs.add(line('a', 4, 'a3'));

    expect(logs.lines('a').map((l) => l.message)).toEqual(['a2', 'a3']);
    expect(logs.lines().map((l) => l.message)).toEqual(['b1', 'a2', 'a3']);
    expect(logs.lines('none')).toEqual([]);
  });

  it('find lines by their parsed JSON', () => {
    const logs = new FunctionLogs(10);
    logs.add(line('a', 1, JSON.stringify({ level: 'INFO', correlation_id: 'r1' })));
    logs.add(line('a', 2, 'not json {'));
    logs.add(line('b', 3, JSON.stringify({ level: 'INFO', correlation_id: 'r2' })));

    expect(logs.find((_, json) => json?.correlation_id === 'r2').map((l) => l.handler)).toEqual(['b']);
    expect(logs.find((_, json) => json === undefined).map((l) => l.message)).toEqual(['not json {']);
  });

  it('are written at INFO at least, as on AWS, whatever the runtime prints; lower when asked', () => {
    expect([undefined, 'WARN', 'ERROR', 'INFO', 'debug', 'TRACE'].map((l) => functionLogLevel(l))).toEqual([
      'INFO',
      'INFO',
      'INFO',
      'INFO',
      'DEBUG',
      'TRACE',
    ]);
  });
});

describe('filterPattern (CloudWatch Logs stand-in)', () => {
  const info = JSON.stringify({
    level: 'INFO',
    message: 'mail sent',
    correlation_id: 'req-1',
    n: 2,
    a: { b: 'x' },
  });

  it('matches JSON conditions: strings as text, numbers as numbers, nested properties, all of them', () => {
    expect(filterPattern('{ $.correlation_id = "req-1" }')(info)).toBe(true);
    expect(filterPattern('{ $.correlation_id = "req-2" }')(info)).toBe(false);
    expect(filterPattern('{ $.a.b = "x" && $.n = 2 }')(info)).toBe(true);
    expect(filterPattern('{ $.a.b = "x" && $.n = 3 }')(info)).toBe(false);
    expect(filterPattern('{ $.n = "2" }')(info)).toBe(false);
    expect(filterPattern('{ $.level != "ERROR" }')(info)).toBe(true);
    expect(filterPattern('{ $.missing != "x" }')(info)).toBe(false);
    expect(filterPattern('{ $.correlation_id = "req-1" }')('req-1 but not JSON')).toBe(false);
  });

  it('matches terms, every one of them, and everything without a pattern', () => {
    expect(filterPattern('"mail sent" req-1')(info)).toBe(true);
    expect(filterPattern('"mail sent" req-9')(info)).toBe(false);
    expect(filterPattern(undefined)(info)).toBe(true);
    expect(filterPattern('')('anything')).toBe(true);
  });

  it('refuses what it does not understand rather than answering wrongly', () => {
    for (const pattern of [
      '{ $.a > 1 }',
      '{ $.a = "x" || $.b = "y" }',
      '?ERROR ?WARN',
      '-DEBUG',
      '[ip, user]',
    ])
      expect(() => filterPattern(pattern), pattern).toThrow(/understands terms and JSON conditions/);
  });
});
