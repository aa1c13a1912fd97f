import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { awsClientConfig } from '../aws.ts';
import { lazy, once, requireEnv } from '../config.ts';

/** The table's name, read on first use. */
export const tableName = once(() => requireEnv('TABLE_NAME'));

/** The one document client, built on first use. */
export const db = lazy(() =>
  DynamoDBDocumentClient.from(new DynamoDBClient(awsClientConfig), {
    marshallOptions: { removeUndefinedValues: true },
  }),
);
