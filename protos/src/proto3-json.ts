// Proto3 JSON as Envoy prints it in config dumps: proto field names (snake_case), `@type` on
// Any, "1.5s" durations, 64-bit integers as strings, enums by name, defaults left out.
import protobuf from 'protobufjs';
import type { Enum, Field, Message, Type } from 'protobufjs';
import { checkedFromObject, type ProtoOptions } from './checked-from-object.ts';
import { ProtosError } from './errors.ts';
import { isJsonObject, isLong, isRecord, setOwn, type JsonObject, type JsonValue } from './json.ts';
import { is64BitType, isDefaultScalar, toBase64, toBigInt } from './scalars.ts';
import { findMessageType, typeNameFromUrl, typeNameOf } from './type-url.ts';
import * as wkt from './wkt.ts';

/** A decoded or fromObject-built message in proto3 JSON form. */
export function toProto3Json(message: Message): JsonValue {
  return messageToJson(message.$type, message);
}

/** checkedFromObject, then toProto3Json; throws ProtosError INVALID_OBJECT on problems. */
export function objectToProto3Json(
  typeName: string,
  object: unknown,
  options: ProtoOptions = {},
): JsonValue {
  const checked = checkedFromObject(typeName, object, options);
  if (!checked.ok) {
    const first = checked.problems.slice(0, 3).map((p) => `${p.path || '(root)'}: ${p.message}`);
    throw new ProtosError('INVALID_OBJECT', `invalid ${typeName}: ${first.join('; ')}`, {
      problems: checked.problems,
    });
  }
  return toProto3Json(checked.message);
}

function get(message: object, name: string): unknown {
  return Object.hasOwn(message, name) ? Reflect.get(message, name) : undefined;
}

/** Proto3 JSON of a message-shaped object (a Message or the protobufjs object form). */
export function messageToJson(type: Type, message: object): JsonValue {
  const name = typeNameOf(type);
  if (wkt.hasSpecialJson(name)) return specialJson(type, name, message);
  const out: JsonObject = {};
  const fields = [...type.fieldsArray].sort((a, b) => a.id - b.id);
  for (const field of fields) {
    const value = get(message, field.name);
    if (value === null || value === undefined) continue;
    if (field.map) {
      if (!isRecord(value) || Object.keys(value).length === 0) continue;
      const entries: JsonObject = {};
      for (const key of Object.keys(value).sort()) {
        setOwn(entries, mapKeyJson(field, key), singleJson(field, value[key]));
      }
      out[field.name] = entries;
    } else if (field.repeated) {
      if (!Array.isArray(value) || value.length === 0) continue;
      out[field.name] = value.map((item: unknown) => singleJson(field, item));
    } else {
      const resolved = field.resolvedType;
      const isMessage = resolved instanceof protobuf.Type;
      if (!isMessage && !field.hasPresence && isDefaultScalar(value)) continue;
      out[field.name] = singleJson(field, value);
    }
  }
  return out;
}

function mapKeyJson(field: Field, key: string): string {
  const keyType = 'keyType' in field && typeof field.keyType === 'string' ? field.keyType : '';
  // protobufjs keys 64-bit maps by an 8-character hash of the Long.
  if (is64BitType(keyType) && !/^-?\d+$/.test(key)) {
    return String(
      protobuf.util.longFromHash(key, keyType.startsWith('u') || keyType === 'fixed64'),
    );
  }
  return key;
}

function singleJson(field: Field, value: unknown): JsonValue {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) {
    return isRecord(value) ? messageToJson(resolved, value) : {};
  }
  if (resolved instanceof protobuf.Enum) return enumJson(resolved, value);
  return scalarJson(field.type, value);
}

function enumJson(type: Enum, value: unknown): JsonValue {
  if (typeof value !== 'number') return typeof value === 'string' ? value : 0;
  if (type.fullName === `.${wkt.NULL_VALUE}`) return null;
  return type.valuesById[value] ?? value;
}

export function scalarJson(type: string, value: unknown): JsonValue {
  if (is64BitType(type)) return (toBigInt(value) ?? 0n).toString();
  if (value instanceof Uint8Array) return toBase64(value);
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    if (value === Infinity) return 'Infinity';
    if (value === -Infinity) return '-Infinity';
    return type === 'float' ? shortestFloat(value) : value;
  }
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (isLong(value)) return value.toString();
  return null;
}

/** The shortest decimal that is the same float32, as protobuf prints floats (0.1, not 0.10000000149). */
function shortestFloat(value: number): number {
  for (let digits = 1; digits <= 9; digits += 1) {
    const candidate = Number(value.toPrecision(digits));
    if (Math.fround(candidate) === value) return candidate;
  }
  return value;
}

function specialJson(type: Type, name: string, message: object): JsonValue {
  const wrapped = wkt.WRAPPERS.get(name);
  if (wrapped !== undefined) {
    const value = get(message, 'value');
    return scalarJson(
      wrapped,
      value ?? (wrapped === 'bool' ? false : wrapped === 'string' ? '' : 0),
    );
  }
  switch (name) {
    case wkt.ANY:
      return anyJson(type, message);
    case wkt.DURATION:
    case wkt.TIMESTAMP: {
      const seconds = toBigInt(get(message, 'seconds') ?? 0) ?? 0n;
      const nanos = Number(get(message, 'nanos') ?? 0);
      return name === wkt.DURATION
        ? wkt.formatDuration(seconds, nanos)
        : wkt.formatTimestamp(seconds, nanos);
    }
    case wkt.FIELD_MASK: {
      const paths = get(message, 'paths');
      return Array.isArray(paths) ? paths.map((p) => wkt.snakeToCamel(String(p))).join(',') : '';
    }
    default:
      return structuredJson(type, name, message);
  }
}

function anyJson(type: Type, message: object): JsonValue {
  const url = get(message, 'type_url');
  if (typeof url !== 'string' || url === '') return {};
  const inner = findMessageType(type.root, typeNameFromUrl(url));
  if (inner === undefined) {
    throw new ProtosError('INVALID_ANY', `Any names ${url}, which is not loaded`);
  }
  const bytes = get(message, 'value');
  const decoded = inner.decode(bytes instanceof Uint8Array ? bytes : new Uint8Array());
  const json = messageToJson(inner, decoded);
  if (wkt.hasSpecialJson(typeNameOf(inner))) return { '@type': url, value: json };
  return isJsonObject(json) ? { '@type': url, ...json } : { '@type': url };
}

/** Struct, Value and ListValue become plain JSON. */
function structuredJson(type: Type, name: string, message: object): JsonValue {
  const at = (id: number): unknown => get(message, wkt.fieldNameById(type, id));
  const child = (id: number): Type => {
    const resolved = type.fieldsArray.find((f) => f.id === id)?.resolvedType;
    if (!(resolved instanceof protobuf.Type))
      throw new Error(`${name} field ${id} is not a message`);
    return resolved;
  };
  if (name === wkt.STRUCT) {
    const fields = at(1);
    const out: JsonObject = {};
    if (isRecord(fields)) {
      for (const key of Object.keys(fields).sort()) {
        const item = fields[key];
        setOwn(out, key, isRecord(item) ? messageToJson(child(1), item) : null);
      }
    }
    return out;
  }
  if (name === wkt.LIST_VALUE) {
    const values = at(1);
    return Array.isArray(values)
      ? values.map((item: unknown) => (isRecord(item) ? messageToJson(child(1), item) : null))
      : [];
  }
  // google.protobuf.Value: the one kind that is set.
  const number = at(2);
  const text = at(3);
  const flag = at(4);
  const struct = at(5);
  const list = at(6);
  if (typeof number === 'number') return Number.isFinite(number) ? number : String(number);
  if (typeof text === 'string') return text;
  if (typeof flag === 'boolean') return flag;
  if (isRecord(struct)) return messageToJson(child(5), struct);
  if (isRecord(list)) return messageToJson(child(6), list);
  return null;
}
