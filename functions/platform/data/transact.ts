import { randomInt } from 'node:crypto';
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { DomainError } from '../errors.ts';
import { db, tableName } from './dynamo.ts';

/**
 * TransactWriteItems with the cancellation reasons turned into domain errors.
 * `onConditionFailed[i]` builds the error for a failed condition of item i. Conflicts
 * with a concurrent transaction are retried with jittered backoff: after a retry the
 * loser's condition fails properly (e.g. DOMAIN_TAKEN instead of a vague conflict).
 */
export async function transactWrite(
  items: NonNullable<TransactWriteCommandInput['TransactItems']>,
  onConditionFailed: Array<(() => Error) | undefined> = [],
): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await db.send(new TransactWriteCommand({ TransactItems: items }));
      return;
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      const failed = reasons.findIndex((r) => r.Code === 'ConditionalCheckFailed');
      if (failed >= 0) {
        const build = onConditionFailed[failed];
        throw build ? build() : new DomainError('CONFLICT', 'The data changed meanwhile; reload and retry.');
      }
      const conflict = reasons.some((r) => r.Code === 'TransactionConflict');
      if (!conflict || attempt >= 6) throw error;
      await new Promise((r) => setTimeout(r, randomInt(20 * 2 ** attempt)));
    }
  }
}

/** A failed condition that the caller answers with `false`. */
const FALSE = Symbol('condition failed');

/**
 * transactWrite that answers false (writing nothing) when the condition of one of the items at
 * `falseOn` fails, e.g. "no longer pending" or "not there"; other failed conditions throw as
 * `onConditionFailed` says.
 */
export async function transactWriteIf(
  items: NonNullable<TransactWriteCommandInput['TransactItems']>,
  falseOn: readonly number[],
  onConditionFailed: Array<(() => Error) | undefined> = [],
): Promise<boolean> {
  const handlers = items.map((_, i) =>
    falseOn.includes(i)
      ? () => Object.assign(new Error('condition failed'), { [FALSE]: true })
      : onConditionFailed[i],
  );
  try {
    await transactWrite(items, handlers);
    return true;
  } catch (error) {
    if (error instanceof Error && FALSE in error) return false;
    throw error;
  }
}

/** One UpdateItem on the table (a failed condition throws). */
export async function updateItem(input: Omit<UpdateCommandInput, 'TableName'>): Promise<void> {
  await db.send(new UpdateCommand({ TableName: tableName(), ...input }));
}

/** A conditional update that answers false instead of throwing when its condition fails. */
export async function updateIf(input: ConstructorParameters<typeof UpdateCommand>[0]): Promise<boolean> {
  try {
    await db.send(new UpdateCommand(input));
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/** One more in a counter item (rate limits), refused at `limit`; the item expires through TTL. */
export function countUpTo(
  key: { pk: string; sk: string },
  type: string,
  limit: number,
  expiresAt: number,
): Promise<boolean> {
  return updateIf({
    TableName: tableName(),
    Key: key,
    UpdateExpression: 'ADD sent :one SET expiresAt = :exp, #t = :type, v = :v',
    ConditionExpression: 'attribute_not_exists(sent) OR sent < :limit',
    ExpressionAttributeNames: { '#t': 'type' },
    ExpressionAttributeValues: { ':one': 1, ':limit': limit, ':exp': expiresAt, ':type': type, ':v': 1 },
  });
}
