// Small readers over proto3-JSON resources: the simulator only trusts what it checks.
import type { JsonObject, JsonValue } from '@crossway/protos';

export function asObject(value: JsonValue | undefined): JsonObject | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;
}

export function objectAt(value: JsonObject | undefined, key: string): JsonObject | undefined {
  return asObject(value?.[key]);
}

export function objectsAt(value: JsonObject | undefined, key: string): JsonObject[] {
  const list = value?.[key];
  if (!Array.isArray(list)) return [];
  return list.flatMap((item) => {
    const obj = asObject(item);
    return obj ? [obj] : [];
  });
}

export function stringAt(value: JsonObject | undefined, key: string): string | undefined {
  const field = value?.[key];
  return typeof field === 'string' ? field : undefined;
}

export function stringsAt(value: JsonObject | undefined, key: string): string[] {
  const list = value?.[key];
  if (!Array.isArray(list)) return [];
  return list.filter((item): item is string => typeof item === 'string');
}

/** proto3 JSON may carry 32-bit integers as numbers or strings. */
export function numberAt(value: JsonObject | undefined, key: string): number | undefined {
  const field = value?.[key];
  if (typeof field === 'number') return field;
  if (typeof field === 'string' && /^-?\d+$/.test(field)) return Number(field);
  return undefined;
}

export function boolAt(value: JsonObject | undefined, key: string): boolean {
  return value?.[key] === true;
}
