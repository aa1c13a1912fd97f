/**
 * Counts what the functions log, for the CloudWatch Logs line of a cost: each local function's
 * stdout and stderr are piped into this process (infra/local/lambda.ts), so the structured lines
 * they write (Powertools Logger JSON and Powertools Metrics EMF, the same bytes Lambda would ingest)
 * pass through this process's streams. The meter counts their bytes and keeps them off the
 * console; any other output passes through.
 */

export interface LogMeter {
  /** Bytes of the structured lines since the start or the last reset, newlines included. */
  bytes(): number;
  lines(): number;
  reset(): void;
  /** Restores the streams (a partial line left over is written out as it was). */
  stop(): void;
}

/** A function's structured log line: a JSON object from the logger (`level`) or the metrics (`_aws`). */
export function isStructuredLogLine(line: string): boolean {
  if (!line.startsWith('{')) return false;
  try {
    const parsed = JSON.parse(line) as unknown;
    return (
      typeof parsed === 'object' &&
      parsed !== null &&
      ('_aws' in parsed || ('level' in parsed && 'service' in parsed))
    );
  } catch {
    return false;
  }
}

/** A Powertools Metrics (EMF) line: the business counts functions publish through their log. */
export function isMetricsLine(line: string): boolean {
  return isStructuredLogLine(line) && line.includes('"_aws"');
}

/** Starts counting (and hiding) the lines `take` accepts: by default every structured log line. */
export function startLogMeter(take: (line: string) => boolean = isStructuredLogLine): LogMeter {
  let bytes = 0;
  let lines = 0;
  const restores: Array<() => void> = [];
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write.bind(stream) as (chunk: string | Uint8Array) => boolean;
    let pending = '';
    const write = (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
      pending += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      const complete = pending.lastIndexOf('\n');
      if (complete >= 0) {
        const passed: string[] = [];
        for (const line of pending.slice(0, complete).split('\n')) {
          if (take(line)) {
            bytes += Buffer.byteLength(line) + 1;
            lines += 1;
          } else passed.push(line);
        }
        pending = pending.slice(complete + 1);
        if (passed.length > 0) original(`${passed.join('\n')}\n`);
      }
      const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      callback?.();
      return true;
    };
    stream.write = write as typeof stream.write;
    restores.push(() => {
      stream.write = original as typeof stream.write;
      if (pending) original(pending);
    });
  }
  return {
    bytes: () => bytes,
    lines: () => lines,
    reset() {
      bytes = 0;
      lines = 0;
    },
    stop() {
      for (const restore of restores.splice(0)) restore();
    },
  };
}
