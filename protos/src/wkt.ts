// Well-known types whose proto3 JSON form differs from their message form.
import type { Type } from 'protobufjs';

export const ANY = 'google.protobuf.Any';
export const DURATION = 'google.protobuf.Duration';
export const TIMESTAMP = 'google.protobuf.Timestamp';
export const STRUCT = 'google.protobuf.Struct';
export const VALUE = 'google.protobuf.Value';
export const LIST_VALUE = 'google.protobuf.ListValue';
export const FIELD_MASK = 'google.protobuf.FieldMask';
export const NULL_VALUE = 'google.protobuf.NullValue';

/** Wrapper message → the scalar type of its `value` field. */
export const WRAPPERS: ReadonlyMap<string, string> = new Map([
  ['google.protobuf.DoubleValue', 'double'],
  ['google.protobuf.FloatValue', 'float'],
  ['google.protobuf.Int64Value', 'int64'],
  ['google.protobuf.UInt64Value', 'uint64'],
  ['google.protobuf.Int32Value', 'int32'],
  ['google.protobuf.UInt32Value', 'uint32'],
  ['google.protobuf.BoolValue', 'bool'],
  ['google.protobuf.StringValue', 'string'],
  ['google.protobuf.BytesValue', 'bytes'],
]);

const SPECIAL_JSON = new Set([ANY, DURATION, TIMESTAMP, STRUCT, VALUE, LIST_VALUE, FIELD_MASK]);

/** Types written in proto3 JSON as something other than an object of their fields. */
export function hasSpecialJson(typeName: string): boolean {
  return SPECIAL_JSON.has(typeName) || WRAPPERS.has(typeName);
}

/** Name of the field with that number; the bundled WKT definitions use camelCase names. */
export function fieldNameById(type: Type, id: number): string {
  const field = type.fieldsArray.find((candidate) => candidate.id === id);
  if (field === undefined) throw new Error(`${type.fullName} has no field ${id}`);
  return field.name;
}

export interface SecondsAndNanos {
  readonly seconds: bigint;
  readonly nanos: number;
}

const MAX_DURATION_SECONDS = 315_576_000_000n;

/** Parses proto3 JSON durations such as `5s`, `0.250s`, `-1.5s`. */
export function parseDuration(text: string): SecondsAndNanos | undefined {
  const match = /^(-)?(\d+)(?:\.(\d{1,9}))?s$/.exec(text);
  if (match === null) return undefined;
  const sign = match[1] === '-' ? -1n : 1n;
  const seconds = BigInt(match[2] ?? '0');
  const nanos = Number((match[3] ?? '').padEnd(9, '0'));
  if (seconds > MAX_DURATION_SECONDS) return undefined;
  return { seconds: sign * seconds, nanos: Number(sign) * nanos };
}

export function formatDuration(seconds: bigint, nanos: number): string {
  const negative = seconds < 0n || nanos < 0;
  const whole = seconds < 0n ? -seconds : seconds;
  return `${negative ? '-' : ''}${whole}${fraction(Math.abs(nanos))}s`;
}

/** Nanoseconds as 0, 3, 6 or 9 fractional digits, as protobuf's JSON printer does. */
function fraction(nanos: number): string {
  if (nanos === 0) return '';
  const digits = String(nanos).padStart(9, '0');
  if (nanos % 1_000_000 === 0) return `.${digits.slice(0, 3)}`;
  if (nanos % 1_000 === 0) return `.${digits.slice(0, 6)}`;
  return `.${digits}`;
}

const TIMESTAMP_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})$/;
const MIN_TIMESTAMP = -62_135_596_800n; // 0001-01-01T00:00:00Z
const MAX_TIMESTAMP = 253_402_300_799n; // 9999-12-31T23:59:59Z

/** Parses RFC 3339 timestamps, as proto3 JSON writes google.protobuf.Timestamp. */
export function parseTimestamp(text: string): SecondsAndNanos | undefined {
  const match = TIMESTAMP_PATTERN.exec(text);
  if (match === null) return undefined;
  const [, year, month, day, hour, minute, second, frac, zone] = match;
  // setUTCFullYear, unlike Date.UTC, does not map years 0-99 to 1900-1999.
  const date = new Date(0);
  date.setUTCFullYear(Number(year), Number(month) - 1, Number(day));
  date.setUTCHours(Number(hour), Number(minute), Number(second), 0);
  if (
    date.getUTCDate() !== Number(day) ||
    date.getUTCMonth() !== Number(month) - 1 ||
    date.getUTCHours() !== Number(hour) ||
    date.getUTCMinutes() !== Number(minute) ||
    date.getUTCSeconds() !== Number(second)
  ) {
    return undefined;
  }
  let seconds = BigInt(Math.floor(date.getTime() / 1000));
  if (zone !== undefined && zone.toUpperCase() !== 'Z') {
    const offset = Number(zone.slice(1, 3)) * 3600 + Number(zone.slice(4, 6)) * 60;
    seconds += BigInt(zone.startsWith('+') ? -offset : offset);
  }
  if (seconds < MIN_TIMESTAMP || seconds > MAX_TIMESTAMP) return undefined;
  return { seconds, nanos: Number((frac ?? '').padEnd(9, '0')) };
}

export function formatTimestamp(seconds: bigint, nanos: number): string {
  const iso = new Date(Number(seconds) * 1000).toISOString();
  return `${iso.slice(0, 19)}${fraction(nanos)}Z`;
}

/** `virtual_hosts.domains` → `virtualHosts.domains` (FieldMask JSON uses lowerCamelCase). */
export function snakeToCamel(path: string): string {
  return path.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

export function camelToSnake(path: string): string {
  return path.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}
