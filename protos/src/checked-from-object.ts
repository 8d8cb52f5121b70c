// protobufjs fromObject drops unknown keys and coerces wrong values silently. This walks an
// object against the reflection first and reports every key or value that does not fit.
// It accepts both the protobufjs object form and proto3 JSON forms (`@type` Anys, "5s"
// durations, bare wrapper values, plain JSON for Struct), always with snake_case field names.
import protobuf from 'protobufjs';
import type { Enum, Field, Message, Root, Type } from 'protobufjs';
import type { FieldProblem } from './errors.ts';
import { describe, isPlainRecord, setOwn } from './json.ts';
import { loadEnvoyProtos } from './load-envoy-protos.ts';
import { fieldPath, indexPath, keyPath } from './paths.ts';
import { normalizeScalar } from './scalars.ts';
import { findMessageType, lookupMessageType, typeNameFromUrl, typeNameOf } from './type-url.ts';
import * as wkt from './wkt.ts';

export interface ProtoOptions {
  /** The Root to resolve types in; defaults to loadEnvoyProtos(). */
  readonly root?: Root;
}

export type CheckedMessage =
  | { readonly ok: true; readonly message: Message }
  | { readonly ok: false; readonly problems: readonly FieldProblem[] };

/** fromObject that rejects, with field paths, anything the message type does not have. */
export function checkedFromObject(
  typeName: string | Type,
  object: unknown,
  options: ProtoOptions = {},
): CheckedMessage {
  const root = options.root ?? loadEnvoyProtos();
  const type = typeof typeName === 'string' ? lookupMessageType(root, typeName) : typeName;
  const problems: FieldProblem[] = [];
  const normalized = normalizeMessage({ root, problems }, type, object, '');
  if (problems.length > 0 || normalized === undefined) return { ok: false, problems };
  return { ok: true, message: type.fromObject(normalizeForFromObject(normalized)) };
}

function normalizeForFromObject(value: unknown): Record<string, unknown> | Message {
  return isPlainRecord(value) || value instanceof protobuf.Message ? value : {};
}

export interface NormalizeContext {
  readonly root: Root;
  readonly problems: FieldProblem[];
}

/** Returns the protobufjs object form of `input`, or undefined after recording problems. */
export function normalizeMessage(
  ctx: NormalizeContext,
  type: Type,
  input: unknown,
  path: string,
): unknown {
  if (input instanceof protobuf.Message) {
    if (input.$type === type) return input;
    return report(ctx, path, `expected ${typeNameOf(type)}, got ${typeNameOf(input.$type)}`);
  }
  const name = typeNameOf(type);
  if (wkt.hasSpecialJson(name)) {
    const special = normalizeSpecial(ctx, type, name, input, path);
    if (special !== NOT_SPECIAL) return special;
  }
  if (!isPlainRecord(input)) {
    return report(ctx, path, `expected an object (${name}), got ${describe(input)}`);
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    const field = Object.hasOwn(type.fields, key) ? type.fields[key] : undefined;
    if (field === undefined) {
      report(ctx, fieldPath(path, key), unknownFieldMessage(type, key));
      continue;
    }
    if (value === null || value === undefined) continue;
    const normalized = normalizeField(ctx, field, value, fieldPath(path, key));
    if (normalized !== undefined) out[key] = normalized;
  }
  for (const oneof of type.oneofsArray) {
    const set = oneof.oneof.filter(
      (member) => input[member] !== null && input[member] !== undefined,
    );
    for (const member of set.slice(1)) {
      report(
        ctx,
        fieldPath(path, member),
        `'${member}' and '${set[0] ?? ''}' are both in oneof '${oneof.name}': set only one`,
      );
    }
  }
  return out;
}

function unknownFieldMessage(type: Type, key: string): string {
  const base = `unknown field '${key}' in ${typeNameOf(type)}`;
  const snake = wkt.camelToSnake(key);
  if (snake !== key && Object.hasOwn(type.fields, snake))
    return `${base} (did you mean '${snake}'?)`;
  if (key === '@type') return `${base} ('@type' belongs only in google.protobuf.Any)`;
  return base;
}

function normalizeField(
  ctx: NormalizeContext,
  field: Field,
  value: unknown,
  path: string,
): unknown {
  if (field.map) {
    if (!isPlainRecord(value))
      return report(ctx, path, `expected a map object, got ${describe(value)}`);
    const keyType =
      'keyType' in field && typeof field.keyType === 'string' ? field.keyType : 'string';
    const out: Record<string, unknown> = {};
    for (const [key, entry] of Object.entries(value)) {
      const entryPath = keyPath(path, key);
      if (keyType === 'bool' ? key !== 'true' && key !== 'false' : !keyFits(keyType, key)) {
        report(ctx, entryPath, `map key ${JSON.stringify(key)} is not a valid ${keyType}`);
        continue;
      }
      if (entry === null || entry === undefined) {
        report(ctx, entryPath, 'map values cannot be null');
        continue;
      }
      const normalized = normalizeSingle(ctx, field, entry, entryPath);
      if (normalized !== undefined) setOwn(out, key, normalized);
    }
    return out;
  }
  if (field.repeated) {
    if (!Array.isArray(value)) return report(ctx, path, `expected a list, got ${describe(value)}`);
    const items: unknown[] = [];
    value.forEach((item: unknown, index) => {
      const itemPath = indexPath(path, index);
      if (item === null || item === undefined) {
        report(ctx, itemPath, 'list items cannot be null');
        return;
      }
      const normalized = normalizeSingle(ctx, field, item, itemPath);
      if (normalized !== undefined) items.push(normalized);
    });
    return items;
  }
  return normalizeSingle(ctx, field, value, path);
}

function keyFits(keyType: string, key: string): boolean {
  return keyType === 'string' || normalizeScalar(keyType, key).ok;
}

function normalizeSingle(
  ctx: NormalizeContext,
  field: Field,
  value: unknown,
  path: string,
): unknown {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) return normalizeMessage(ctx, resolved, value, path);
  if (resolved instanceof protobuf.Enum) return normalizeEnum(ctx, resolved, value, path);
  const result = normalizeScalar(field.type, value);
  return result.ok ? result.value : report(ctx, path, result.message);
}

function normalizeEnum(ctx: NormalizeContext, type: Enum, value: unknown, path: string): unknown {
  if (typeof value === 'string' && Object.hasOwn(type.values, value)) return type.values[value];
  if (typeof value === 'number' && Number.isInteger(value) && Math.abs(value) < 2 ** 31) {
    return value;
  }
  const names = Object.keys(type.values);
  const shown = names.length > 12 ? `${names.slice(0, 12).join(', ')}, ...` : names.join(', ');
  return report(ctx, path, `${describe(value)} is not a value of ${type.name} (${shown})`);
}

const NOT_SPECIAL = Symbol('not special');

function normalizeSpecial(
  ctx: NormalizeContext,
  type: Type,
  name: string,
  input: unknown,
  path: string,
): unknown {
  const wrapped = wkt.WRAPPERS.get(name);
  if (wrapped !== undefined) {
    if (isPlainRecord(input)) return NOT_SPECIAL;
    const result = normalizeScalar(wrapped, input);
    return result.ok ? { value: result.value } : report(ctx, path, result.message);
  }
  switch (name) {
    case wkt.ANY:
      return isPlainRecord(input) && '@type' in input
        ? normalizeAny(ctx, input, path)
        : NOT_SPECIAL;
    case wkt.DURATION:
    case wkt.TIMESTAMP: {
      if (typeof input !== 'string') return NOT_SPECIAL;
      const parsed = name === wkt.DURATION ? wkt.parseDuration(input) : wkt.parseTimestamp(input);
      if (parsed === undefined) {
        const form = name === wkt.DURATION ? 'a duration such as "1.5s"' : 'an RFC 3339 timestamp';
        return report(ctx, path, `expected ${form}, got ${describe(input)}`);
      }
      return { seconds: parsed.seconds.toString(), nanos: parsed.nanos };
    }
    case wkt.FIELD_MASK:
      if (typeof input !== 'string') return NOT_SPECIAL;
      return {
        paths: input
          .split(',')
          .filter((p) => p !== '')
          .map(wkt.camelToSnake),
      };
    case wkt.STRUCT:
      if (!isPlainRecord(input))
        return report(ctx, path, `expected a JSON object, got ${describe(input)}`);
      return structFromJson(ctx, type, input, path);
    case wkt.LIST_VALUE:
      if (!Array.isArray(input))
        return report(ctx, path, `expected a JSON list, got ${describe(input)}`);
      return listFromJson(ctx, type, input, path);
    case wkt.VALUE:
      return valueFromJson(ctx, type, input, path);
    default:
      return NOT_SPECIAL;
  }
}

function normalizeAny(
  ctx: NormalizeContext,
  input: Record<string, unknown>,
  path: string,
): unknown {
  const url = input['@type'];
  if (typeof url !== 'string') return report(ctx, path, `'@type' must be a type URL string`);
  const inner = findMessageType(ctx.root, typeNameFromUrl(url));
  if (inner === undefined) return report(ctx, path, `'@type' ${url} names no loaded message type`);
  const innerName = typeNameOf(inner);
  let innerInput: unknown;
  if (wkt.hasSpecialJson(innerName)) {
    const extra = Object.keys(input).filter((key) => key !== '@type' && key !== 'value');
    if (extra.length > 0) {
      return report(ctx, path, `an Any of ${innerName} holds only '@type' and 'value'`);
    }
    innerInput = input.value;
  } else {
    const { '@type': _ignored, ...fields } = input;
    innerInput = fields;
  }
  const before = ctx.problems.length;
  const normalized = normalizeMessage(ctx, inner, innerInput, path);
  if (ctx.problems.length > before || normalized === undefined) return undefined;
  const message = inner.fromObject(normalizeForFromObject(normalized));
  return { type_url: url, value: inner.encode(message).finish() };
}

function structFromJson(
  ctx: NormalizeContext,
  structType: Type,
  input: Record<string, unknown>,
  path: string,
): unknown {
  const valueType = messageField(structType, 1);
  const fields: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(input)) {
    setOwn(fields, key, valueFromJson(ctx, valueType, item, keyPath(path, key)));
  }
  return { [wkt.fieldNameById(structType, 1)]: fields };
}

function listFromJson(
  ctx: NormalizeContext,
  listType: Type,
  input: unknown[],
  path: string,
): unknown {
  const valueType = messageField(listType, 1);
  const values = input.map((item, index) =>
    valueFromJson(ctx, valueType, item, indexPath(path, index)),
  );
  return { [wkt.fieldNameById(listType, 1)]: values };
}

function valueFromJson(
  ctx: NormalizeContext,
  valueType: Type,
  input: unknown,
  path: string,
): unknown {
  const name = (id: number): string => wkt.fieldNameById(valueType, id);
  if (input === null) return { [name(1)]: 0 };
  if (typeof input === 'number') return { [name(2)]: input };
  if (typeof input === 'string') return { [name(3)]: input };
  if (typeof input === 'boolean') return { [name(4)]: input };
  if (Array.isArray(input))
    return { [name(6)]: listFromJson(ctx, messageField(valueType, 6), input, path) };
  if (isPlainRecord(input)) {
    return { [name(5)]: structFromJson(ctx, messageField(valueType, 5), input, path) };
  }
  return report(ctx, path, `expected a JSON value, got ${describe(input)}`);
}

function messageField(type: Type, id: number): Type {
  const field = type.fieldsArray.find((candidate) => candidate.id === id);
  const resolved = field?.resolve().resolvedType;
  if (!(resolved instanceof protobuf.Type))
    throw new Error(`${type.fullName} field ${id} is not a message`);
  return resolved;
}

function report(ctx: NormalizeContext, path: string, message: string): undefined {
  ctx.problems.push({ path, message });
  return undefined;
}
