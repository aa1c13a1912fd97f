import { GetCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Page } from '../ports.ts';
import { db, tableName } from './dynamo.ts';
import type { Entity } from './entity.ts';
import { decodeCursor, decodeScanCursor, encodeCursor, type ListScope, TABLE } from './table.ts';

export interface PageQuery<R> extends ListScope {
  limit: number;
  cursor?: string | undefined;
  /** Sort-key order by default; newest first for lists whose sort key starts with a time. */
  newestFirst?: boolean;
  /** A strongly consistent read (the table only: an index is read eventually consistent). */
  consistent?: boolean;
  /** A filter expression over non-key attributes (its names as `#name`, its values as `:value`). */
  filter?: { expression: string; names?: Record<string, string>; values?: Record<string, unknown> };
  /** Each item's record (an entity's `record`). */
  read: (item: Record<string, unknown>) => R | undefined;
}

/**
 * One page of a list: one Query of one partition of the table or an index, with an optional
 * sort-key prefix, from the caller's cursor (checked whole against this very scope) to the
 * next one. Every list of the platform goes through here.
 */
export async function queryPage<R>(q: PageQuery<R>): Promise<Page<R>> {
  const index = q.index === undefined ? undefined : TABLE.indexes.find((i) => i.name === q.index);
  const partitionKey = index?.partitionKey ?? TABLE.partitionKey;
  const sortKey = index?.sortKey ?? TABLE.sortKey;
  const prefix = q.sortKeyPrefix;
  const range = q.sortKeyRange;
  const sortCondition =
    prefix !== undefined
      ? ' AND begins_with(#sk, :prefix)'
      : range
        ? ' AND #sk BETWEEN :first AND :last'
        : '';
  const result = await db.send(
    new QueryCommand({
      TableName: tableName(),
      ...(index ? { IndexName: index.name } : {}),
      KeyConditionExpression: `#pk = :pk${sortCondition}`,
      ExpressionAttributeNames: {
        '#pk': partitionKey,
        ...(sortCondition ? { '#sk': sortKey } : {}),
        ...q.filter?.names,
      },
      ExpressionAttributeValues: {
        ':pk': q.partition,
        ...(prefix !== undefined
          ? { ':prefix': prefix }
          : range
            ? { ':first': range[0], ':last': range[1] }
            : {}),
        ...q.filter?.values,
      },
      ...(q.filter ? { FilterExpression: q.filter.expression } : {}),
      ...(q.newestFirst ? { ScanIndexForward: false } : {}),
      ...(q.consistent && !index ? { ConsistentRead: true } : {}),
      Limit: q.limit,
      ExclusiveStartKey: decodeCursor(q.cursor, q),
    }),
  );
  const items = (result.Items ?? []).flatMap((item) => {
    const record = q.read(item);
    return record === undefined ? [] : [record];
  });
  const nextCursor = encodeCursor(result.LastEvaluatedKey);
  return nextCursor ? { items, nextCursor } : { items };
}

/** One item by its key, as its entity's record. */
export async function getRecord<R extends object>(
  of: Entity<R>,
  key: { pk: string; sk: string },
): Promise<R | undefined> {
  const { Item } = await db.send(new GetCommand({ TableName: tableName(), Key: key }));
  return of.record(Item);
}

/**
 * One page of a Scan of the whole table, filtered: for operators' one-off migrations over items
 * no index lists (never a request's list, which is always one Query). A page reads `limit` items
 * before the filter, so it may hold none and still have a next cursor.
 */
export async function scanPage<R>(q: {
  limit: number;
  cursor?: string | undefined;
  filter: { expression: string; names?: Record<string, string>; values?: Record<string, unknown> };
  read: (item: Record<string, unknown>) => R | undefined;
}): Promise<Page<R>> {
  const result = await db.send(
    new ScanCommand({
      TableName: tableName(),
      FilterExpression: q.filter.expression,
      ...(q.filter.names ? { ExpressionAttributeNames: q.filter.names } : {}),
      ...(q.filter.values ? { ExpressionAttributeValues: q.filter.values } : {}),
      Limit: q.limit,
      ExclusiveStartKey: decodeScanCursor(q.cursor),
    }),
  );
  const items = (result.Items ?? []).flatMap((item) => {
    const record = q.read(item);
    return record === undefined ? [] : [record];
  });
  const nextCursor = encodeCursor(result.LastEvaluatedKey);
  return nextCursor ? { items, nextCursor } : { items };
}
