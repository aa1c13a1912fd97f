/**
 * The single table: its shape (shared by CDK and the local runtime) and the one
 * place that builds keys. Handlers and adapters never write a key by hand.
 */
export const TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAt',
  /** Generic overloaded GSIs; each entity documents what it puts in them. */
  indexes: [
    { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    { name: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
  ],
} as const;

export type IndexName = (typeof TABLE.indexes)[number]['name'];

/** Every item has these; `type` names the entity and `v` its schema version. */
export interface ItemBase {
  pk: string;
  sk: string;
  type: string;
  v: number;
  gsi1pk?: string;
  gsi1sk?: string;
  gsi2pk?: string;
  gsi2sk?: string;
  /** Epoch seconds; DynamoDB TTL deletes eventually, so readers still check it. */
  expiresAt?: number;
}

/** Key builders, one per access pattern. Ids are opaque strings made elsewhere. */
export const keys = {
  /** Test and benchmark probe item; also used by the health of the local runtime. */
  probe: (id: string) => ({ pk: `PROBE#${id}`, sk: 'PROBE' }),
} as const;
