import { Logger } from '@aws-lambda-powertools/logger';

/** The one structured JSON logger. Never log tokens, passwords or raw request bodies. */
export const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'csp-partner-platform',
});
