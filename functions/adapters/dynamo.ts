import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { requireEnv } from '../config.ts';
import { awsClientConfig } from './aws.ts';

/** The table name and the one document client, built once per cold start. */
export const tableName = requireEnv('TABLE_NAME');
export const db = DynamoDBDocumentClient.from(new DynamoDBClient(awsClientConfig), {
  marshallOptions: { removeUndefinedValues: true },
});
