/** JSON value types and the small guards the other files of the local Step Functions share. */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export function isJsonObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function jsonObject(value: Json | undefined, what: string): JsonObject {
  if (!isJsonObject(value)) throw new Error(`${what} must be a JSON object`);
  return value;
}

/** JSON text of a value, or undefined when it has none (a cycle, a BigInt). */
export function jsonText(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}
