import { Logger } from '@aws-lambda-powertools/logger';
import type { LogItemExtraInput, LogItemMessage } from '@aws-lambda-powertools/logger/types';
import { correlationId } from './correlation.ts';

/**
 * Powertools' logger, plus `correlation_id` (Powertools' own key) on every line written inside a
 * correlation scope (correlation.ts). Read per line from the async context rather than set with
 * `setCorrelationId`, whose key is one per process: records handled in parallel in one invocation
 * would take each other's.
 */
class CorrelatedLogger extends Logger {
  protected override createAndPopulateLogItem(
    logLevel: number,
    input: LogItemMessage,
    extraInput: LogItemExtraInput,
  ) {
    const item = super.createAndPopulateLogItem(logLevel, input, extraInput);
    const id = correlationId();
    return id === undefined ? item : item.addAttributes({ correlation_id: id });
  }

  override getCorrelationId(): unknown {
    return correlationId() ?? super.getCorrelationId();
  }
}

/** The one structured JSON logger. Never log tokens, passwords or raw request bodies. */
export const logger: Logger = new CorrelatedLogger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'csp-partner-platform',
});
