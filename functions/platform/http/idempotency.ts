import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { makeHandlerIdempotent } from '@aws-lambda-powertools/idempotency/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { awsClientConfig } from '../aws.ts';
import { requireEnv } from '../config.ts';
import { DomainError } from '../errors.ts';
import { idempotencyKeyOf } from './idempotency-key.ts';

type Middleware = middy.MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult>;

/**
 * `Idempotency-Key` for creates (Powertools idempotency over our single table): a
 * replay by the same caller with the same key returns the first response; the same key
 * with another body is refused. Records live in one partition (`IDEMPOTENCY`) with the
 * route id in the sort key, and expire through the table's TTL attribute after a day.
 * Requests without the header are not tracked at all.
 */
export function idempotencyKey(routeId: string): Middleware {
  let inner: ReturnType<typeof makeHandlerIdempotent> | undefined;
  const middleware = () => {
    inner ??= makeHandlerIdempotent({
      persistenceStore: new DynamoDBPersistenceLayer({
        tableName: requireEnv('TABLE_NAME'),
        keyAttr: 'pk',
        sortKeyAttr: 'sk',
        staticPkValue: 'IDEMPOTENCY',
        expiryAttr: 'expiresAt',
        awsSdkV3Client: new DynamoDBClient(awsClientConfig),
      }),
      config: new IdempotencyConfig({
        eventKeyJmesPath: '[requestContext.authorizer.claims.sub, headers."idempotency-key"]',
        payloadValidationJmesPath: 'body',
        expiresAfterSeconds: 86_400,
      }),
      keyPrefix: routeId,
    });
    return inner;
  };
  const active = (request: middy.Request) =>
    (request.internal as Record<string, unknown>).idempotencyKeyActive === true;
  return {
    before: async (request) => {
      if (!idempotencyKeyOf(request.event.headers)) return;
      (request.internal as Record<string, unknown>).idempotencyKeyActive = true;
      try {
        return (await middleware().before?.(request as never)) as APIGatewayProxyResult | undefined;
      } catch (error) {
        throw translate(error);
      }
    },
    after: async (request) => {
      if (active(request)) await middleware().after?.(request as never);
    },
    onError: async (request) => {
      if (active(request)) await middleware().onError?.(request as never);
    },
  };
}

function translate(error: unknown): unknown {
  const name = (error as Error | undefined)?.name;
  if (name === 'IdempotencyValidationError') return new DomainError('IDEMPOTENCY_KEY_REUSED');
  if (name === 'IdempotencyAlreadyInProgressError') return new DomainError('IDEMPOTENCY_IN_PROGRESS');
  return error;
}
