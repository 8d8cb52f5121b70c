// Encodes an object, decodes the bytes and compares the result with the object, field by
// field, so that anything the wire form loses (a lone surrogate in a string, a map key written
// "01") shows up before a proxy sees it. Values equal to their proto3 default count as unset.
import protobuf from 'protobufjs';
import type { Field, Type } from 'protobufjs';
import { checkedFromObject, normalizeMessage, type ProtoOptions } from './checked-from-object.ts';
import type { FieldProblem } from './errors.ts';
import { describe, isPlainRecord, isRecord, stableStringify } from './json.ts';
import { loadEnvoyProtos } from './load-envoy-protos.ts';
import { fieldPath, indexPath, keyPath } from './paths.ts';
import { messageToJson } from './proto3-json.ts';
import { isDefaultScalar, isIntegerType, toBigInt, toBytes, toNumber } from './scalars.ts';
import { findMessageType, lookupMessageType, typeNameFromUrl, typeNameOf } from './type-url.ts';
import * as wkt from './wkt.ts';

/**
 * Differences between `object` and decode(encode(object)). Objects that checkedFromObject
 * rejects come back as their problems, prefixed with "rejected:".
 */
export function roundTrip(
  typeName: string,
  object: unknown,
  options: ProtoOptions = {},
): readonly FieldProblem[] {
  const root = options.root ?? loadEnvoyProtos();
  const type = lookupMessageType(root, typeName);
  const checked = checkedFromObject(type, object, { root });
  if (!checked.ok) {
    return checked.problems.map((p) => ({ path: p.path, message: `rejected: ${p.message}` }));
  }
  const decoded = type.decode(type.encode(checked.message).finish());
  const differences: FieldProblem[] = [];
  diffMessage(differences, type, object, decoded, '');
  return differences;
}

function get(value: object, name: string): unknown {
  return Object.hasOwn(value, name) ? Reflect.get(value, name) : undefined;
}

function differ(out: FieldProblem[], path: string, sent: unknown, received: unknown): void {
  out.push({ path, message: `sent ${describe(sent)}, decoded ${describe(received)}` });
}

function diffMessage(
  out: FieldProblem[],
  type: Type,
  input: unknown,
  output: object,
  path: string,
) {
  const name = typeNameOf(type);
  if (
    input instanceof protobuf.Message ||
    alwaysJson(name) ||
    (wkt.hasSpecialJson(name) && !isPlainRecord(input))
  ) {
    compareAsJson(out, type, input, output, path);
    return;
  }
  if (!isPlainRecord(input)) return;
  if (name === wkt.ANY && '@type' in input) {
    diffAny(out, type, input, output, path);
    return;
  }
  for (const field of type.fieldsArray) {
    const sent = input[field.name];
    const received = get(output, field.name);
    const here = fieldPath(path, field.name);
    if (sent === null || sent === undefined) {
      if (!isUnset(received)) differ(out, here, undefined, received);
    } else if (field.map) {
      diffMap(out, field, sent, received, here);
    } else if (field.repeated) {
      const items = Array.isArray(sent) ? sent : [];
      const back = Array.isArray(received) ? received : [];
      if (items.length !== back.length) differ(out, here, items.length, back.length);
      else
        items.forEach((item: unknown, i) =>
          diffSingle(out, field, item, back[i], indexPath(here, i)),
        );
    } else {
      diffSingle(out, field, sent, received, here);
    }
  }
}

/** Struct, Value and ListValue are plain JSON in every accepted form. */
function alwaysJson(name: string): boolean {
  return name === wkt.STRUCT || name === wkt.VALUE || name === wkt.LIST_VALUE;
}

function isUnset(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (isPlainRecord(value) && !(value instanceof protobuf.Message))
    return Object.keys(value).length === 0;
  return isDefaultScalar(value);
}

function diffMap(
  out: FieldProblem[],
  field: Field,
  sent: unknown,
  received: unknown,
  path: string,
) {
  const entries = isPlainRecord(sent) ? sent : {};
  const back = isRecord(received) ? received : {};
  for (const [key, value] of Object.entries(entries)) {
    if (!Object.hasOwn(back, key)) {
      out.push({
        path: keyPath(path, key),
        message: `map key ${JSON.stringify(key)} did not come back`,
      });
    } else {
      diffSingle(out, field, value, back[key], keyPath(path, key));
    }
  }
  const lost = Object.keys(back).filter((key) => !Object.hasOwn(entries, key));
  for (const key of lost) {
    out.push({ path: keyPath(path, key), message: `map key ${JSON.stringify(key)} appeared` });
  }
}

function diffSingle(
  out: FieldProblem[],
  field: Field,
  sent: unknown,
  received: unknown,
  path: string,
) {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) {
    if (received === null || received === undefined) differ(out, path, sent, received);
    else if (typeof received === 'object') diffMessage(out, resolved, sent, received, path);
    return;
  }
  if (resolved instanceof protobuf.Enum) {
    const number = typeof sent === 'string' ? resolved.values[sent] : sent;
    if (number !== (received ?? 0)) differ(out, path, sent, received);
    return;
  }
  if (!sameScalar(field.type, sent, received)) differ(out, path, sent, received);
}

function sameScalar(type: string, sent: unknown, received: unknown): boolean {
  if (isIntegerType(type)) return toBigInt(sent) === (toBigInt(received ?? 0) ?? 0n);
  if (type === 'double' || type === 'float') {
    const a = toNumber(sent);
    const b = typeof received === 'number' ? received : 0;
    if (a === undefined) return false;
    const expected = type === 'float' ? Math.fround(a) : a;
    return expected === b || (Number.isNaN(expected) && Number.isNaN(b));
  }
  if (type === 'bytes') {
    const a = toBytes(sent) ?? new Uint8Array();
    const b = received instanceof Uint8Array ? received : new Uint8Array();
    return a.length === b.length && a.every((byte, i) => byte === b[i]);
  }
  if (type === 'string') return sent === (received ?? '');
  return sent === (received ?? false);
}

function diffAny(
  out: FieldProblem[],
  type: Type,
  input: Record<string, unknown>,
  output: object,
  path: string,
) {
  const url = get(output, 'type_url');
  if (url !== input['@type']) differ(out, fieldPath(path, '@type'), input['@type'], url);
  const inner =
    typeof url === 'string' ? findMessageType(type.root, typeNameFromUrl(url)) : undefined;
  const bytes = get(output, 'value');
  if (inner === undefined || !(bytes instanceof Uint8Array)) return;
  const { '@type': _ignored, ...fields } = input;
  const innerInput = wkt.hasSpecialJson(typeNameOf(inner)) ? input.value : fields;
  diffMessage(out, inner, innerInput, inner.decode(bytes), path);
}

/** Well-known JSON forms and whole messages: compare their proto3 JSON. */
function compareAsJson(
  out: FieldProblem[],
  type: Type,
  input: unknown,
  output: object,
  path: string,
) {
  const normalized = normalizeMessage({ root: type.root, problems: [] }, type, input, path);
  if (normalized === undefined || typeof normalized !== 'object' || normalized === null) return;
  const sent = messageToJson(type, normalized);
  const received = messageToJson(type, output);
  if (stableStringify(sent) !== stableStringify(received)) differ(out, path, sent, received);
}
