import type { ActivityRecord } from '../../functions/platform/audit.ts';
import { activities } from '../../functions/platform/data/activity.ts';

/**
 * An item's size as DynamoDB counts it (UTF-8 attribute names and strings, numbers by their
 * digits, 3 bytes per map or list plus 1 per element), close enough to tell whole kilobytes apart.
 */
export function itemBytes(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  if (typeof value === 'number') return Math.ceil(String(value).replace(/[-.]/g, '').length / 2) + 1;
  if (typeof value === 'boolean' || value === null || value === undefined) return 1;
  if (Array.isArray(value)) return 3 + value.reduce((n: number, v) => n + 1 + itemBytes(v), 0);
  return (
    3 +
    Object.entries(value as Record<string, unknown>).reduce(
      (n, [name, v]) => n + 1 + Buffer.byteLength(name, 'utf8') + itemBytes(v),
      0,
    )
  );
}

/** Write units of one activity record: its item (and its inbound index copy), doubled as in a transaction. */
export const activityWriteUnits = (record: ActivityRecord) => {
  const units = Math.ceil(itemBytes(activities.item({ ...record, expiresAt: 0 })) / 1024);
  return 2 * units * (record.customerId ? 2 : 1);
};
