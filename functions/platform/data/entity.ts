import { TABLE } from './table.ts';

type Item = Record<string, unknown>;
type Keys = Record<string, string>;

/**
 * One kind of item in the single table, described in one place: its `type`, its schema version
 * `v`, the keys it is stored under (table and index keys, built with `keys` of table.ts) and how
 * its record becomes an item and back. Stores declare their entities with `entity()` and never
 * spell `type`, `v` or a key attribute elsewhere.
 */
export interface Entity<R extends object> {
  readonly type: string;
  readonly version: number;
  /** The whole item: its keys (from the record, or `at` for an entity whose keys are not in its record), `type`, `v` and the record's fields. */
  item(record: R, at?: Keys): Item;
  /** The record an item holds, or undefined when there is none; refuses another entity's item or an unknown version. */
  record(item: Item | undefined): R | undefined;
}

/** The key and bookkeeping attributes of an item; everything else is the record. */
const BOOKKEEPING = new Set<string>([
  TABLE.partitionKey,
  TABLE.sortKey,
  ...TABLE.indexes.flatMap((i) => [i.partitionKey, i.sortKey]),
  'type',
  'v',
]);

export function entity<R extends object>(spec: {
  type: string;
  /** Bump when the stored shape changes, and teach `upgrade` the older one. */
  version?: number;
  /** The table and index keys of a record; without it, `item` takes them from its caller. */
  keys?: (record: R) => Keys;
  /** Reads an item written at an older version (none yet: every entity is at version 1). */
  upgrade?: (record: Item, from: number) => R;
}): Entity<R> {
  const version = spec.version ?? 1;
  return {
    type: spec.type,
    version,
    item(record, at) {
      // A record field named like a key or `type`/`v` would be overwritten here and dropped on read.
      for (const name of Object.keys(record))
        if (BOOKKEEPING.has(name)) throw new Error(`A ${spec.type} record cannot hold a field named ${name}`);
      const keys = at ?? spec.keys?.(record);
      if (!keys) throw new Error(`A ${spec.type} item needs its keys`);
      return { ...record, ...keys, type: spec.type, v: version };
    },
    record(item) {
      if (!item) return undefined;
      if (item.type !== spec.type)
        throw new Error(`Expected a ${spec.type} item, read a ${String(item.type)} item`);
      const record: Item = {};
      for (const [name, value] of Object.entries(item)) if (!BOOKKEEPING.has(name)) record[name] = value;
      const v = Number(item.v);
      if (v === version) return record as R;
      if (v < version && spec.upgrade) return spec.upgrade(record, v);
      throw new Error(`A ${spec.type} item of schema version ${item.v}; this code reads version ${version}`);
    },
  };
}
