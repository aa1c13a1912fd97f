import { NodeHttpHandler } from '@smithy/node-http-handler';

/**
 * Settings every AWS SDK client shares. Endpoints are never set here: locally the
 * SDK reads AWS_ENDPOINT_URL_<SERVICE>, on AWS the defaults apply. Timeouts keep a
 * stuck dependency from holding a request for the whole Lambda timeout.
 */
export const awsClientConfig = {
  maxAttempts: 3,
  requestHandler: new NodeHttpHandler({ connectionTimeout: 2_000, requestTimeout: 5_000 }),
};
