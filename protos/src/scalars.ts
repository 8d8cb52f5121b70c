// Scalar field values: which JavaScript values fit which proto scalar type, without coercion.
import { describe, isLong } from './json.ts';

const INT32 = new Set(['int32', 'sint32', 'sfixed32']);
const UINT32 = new Set(['uint32', 'fixed32']);
const INT64 = new Set(['int64', 'sint64', 'sfixed64']);
const UINT64 = new Set(['uint64', 'fixed64']);

const RANGES: ReadonlyMap<string, readonly [bigint, bigint]> = new Map([
  ...[...INT32].map((t) => [t, [-(2n ** 31n), 2n ** 31n - 1n]] as const),
  ...[...UINT32].map((t) => [t, [0n, 2n ** 32n - 1n]] as const),
  ...[...INT64].map((t) => [t, [-(2n ** 63n), 2n ** 63n - 1n]] as const),
  ...[...UINT64].map((t) => [t, [0n, 2n ** 64n - 1n]] as const),
]);

const FLOAT_MAX = 3.4028234663852886e38;

export function isIntegerType(type: string): boolean {
  return RANGES.has(type);
}

export function is64BitType(type: string): boolean {
  return INT64.has(type) || UINT64.has(type);
}

/** An integer given as number, decimal string, bigint or Long; undefined otherwise. */
export function toBigInt(value: unknown): bigint | undefined {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : undefined;
  if (typeof value === 'string') return /^-?\d+$/.test(value) ? BigInt(value) : undefined;
  if (isLong(value)) return BigInt(value.toString());
  return undefined;
}

/** A number given as number or as the proto3 JSON strings ("1.5", "NaN", "Infinity"). */
export function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return undefined;
  if (value === 'NaN') return NaN;
  if (value === 'Infinity') return Infinity;
  if (value === '-Infinity') return -Infinity;
  if (!/^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(value)) return undefined;
  return Number(value);
}

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

/** Bytes given as Uint8Array or as standard or URL-safe base64. */
export function toBytes(value: unknown): Uint8Array | undefined {
  if (value instanceof Uint8Array) return value;
  if (typeof value !== 'string' || !BASE64.test(value)) return undefined;
  return new Uint8Array(Buffer.from(value, 'base64'));
}

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

export type ScalarResult = { ok: true; value: unknown } | { ok: false; message: string };

/**
 * Checks a value against a scalar type and returns what protobufjs fromObject should get:
 * 64-bit integers as decimal strings, bytes as Uint8Array.
 */
export function normalizeScalar(type: string, value: unknown): ScalarResult {
  const range = RANGES.get(type);
  if (range !== undefined) {
    const integer = toBigInt(value);
    if (integer === undefined) return fail(`expected an integer (${type}), got ${describe(value)}`);
    if (integer < range[0] || integer > range[1]) {
      return fail(`${integer} is out of range for ${type}`);
    }
    return { ok: true, value: is64BitType(type) ? integer.toString() : Number(integer) };
  }
  switch (type) {
    case 'string':
      return typeof value === 'string' ? { ok: true, value } : fail(expected('a string', value));
    case 'bool':
      return typeof value === 'boolean' ? { ok: true, value } : fail(expected('a boolean', value));
    case 'double':
    case 'float': {
      const number = toNumber(value);
      if (number === undefined) return fail(expected(`a number (${type})`, value));
      if (type === 'float' && Number.isFinite(number) && Math.abs(number) > FLOAT_MAX) {
        return fail(`${number} is out of range for float`);
      }
      return { ok: true, value: number };
    }
    case 'bytes': {
      const bytes = toBytes(value);
      return bytes === undefined ? fail(expected('base64 text or bytes', value)) : ok(bytes);
    }
    default:
      return fail(`unsupported scalar type ${type}`);
  }
}

function ok(value: unknown): ScalarResult {
  return { ok: true, value };
}

function fail(message: string): ScalarResult {
  return { ok: false, message };
}

function expected(what: string, value: unknown): string {
  return `expected ${what}, got ${describe(value)}`;
}

/** Whether a decoded scalar holds its type's default (proto3 leaves those off the wire). */
export function isDefaultScalar(value: unknown): boolean {
  if (value === 0 || value === '' || value === false) return true;
  if (value instanceof Uint8Array) return value.length === 0;
  if (isLong(value)) return value.low === 0 && value.high === 0;
  return false;
}
