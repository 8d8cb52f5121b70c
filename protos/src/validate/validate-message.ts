// A protoc-gen-validate checker driven by protobufjs reflection, as Envoy runs PGV on every
// resource it receives (and on every typed_config it unpacks from an Any).
import protobuf from 'protobufjs';
import type { Field, Root, Type } from 'protobufjs';
import { checkedFromObject, type ProtoOptions } from '../checked-from-object.ts';
import { isRecord, stableStringify } from '../json.ts';
import { loadEnvoyProtos } from '../load-envoy-protos.ts';
import { fieldPath, indexPath, keyPath } from '../paths.ts';
import { messageToJson } from '../proto3-json.ts';
import { toBigInt } from '../scalars.ts';
import { findMessageType, lookupMessageType, typeNameFromUrl, typeNameOf } from '../type-url.ts';
import * as wkt from '../wkt.ts';
import type { Violation } from './ranges.ts';
import { flag, fieldRules, list, messageSkipped, oneofRequired, sub, type Rules } from './rules.ts';
import { checkEnum, checkScalar } from './scalar-rules.ts';
import { checkTime } from './time-rules.ts';

export type { Violation } from './ranges.ts';

export interface ValidateOptions extends ProtoOptions {
  /** The clock for timestamp lt_now / gt_now / within; those rules are skipped without it. */
  readonly now?: Date;
}

interface Context {
  readonly root: Root;
  readonly now: Date | undefined;
  readonly out: Violation[];
}

/**
 * PGV violations of `object` (plain object in the forms checkedFromObject takes, or a decoded
 * message). Objects that do not fit the type at all come back with rule `shape`.
 */
export function validateMessage(
  typeName: string,
  object: unknown,
  options: ValidateOptions = {},
): readonly Violation[] {
  const root = options.root ?? loadEnvoyProtos();
  const type = lookupMessageType(root, typeName);
  let message: object;
  if (object instanceof protobuf.Message && object.$type === type) {
    message = object;
  } else {
    const checked = checkedFromObject(type, object, { root });
    if (!checked.ok) {
      return checked.problems.map((p) => ({ path: p.path, rule: 'shape', message: p.message }));
    }
    message = checked.message;
  }
  const ctx: Context = { root, now: options.now, out: [] };
  walkMessage(ctx, type, message, '');
  return ctx.out;
}

function isSet(value: unknown): boolean {
  return value !== null && value !== undefined;
}

function walkMessage(ctx: Context, type: Type, message: object, path: string): void {
  if (messageSkipped(type)) return;
  for (const oneof of type.oneofsArray) {
    if (!oneofRequired(oneof)) continue;
    if (
      !oneof.oneof.some(
        (member) => Object.hasOwn(message, member) && isSet(Reflect.get(message, member)),
      )
    ) {
      ctx.out.push({
        path: fieldPath(path, oneof.name),
        rule: 'oneof.required',
        message: `one of ${oneof.oneof.join(', ')} is required`,
      });
    }
  }
  for (const field of type.fieldsArray) {
    const here = fieldPath(path, field.name);
    // Oneof members (and proto3 `optional` fields) are checked only when set; other fields
    // read through the prototype, which holds the proto3 defaults PGV checks unset fields as.
    if (field.partOf !== null && !Object.hasOwn(message, field.name)) continue;
    const value: unknown = Reflect.get(message, field.name);
    const rules = fieldRules(field);
    if (field.map) checkMap(ctx, field, value, rules, here);
    else if (field.repeated) checkRepeated(ctx, field, value, rules, here);
    else checkSingle(ctx, field, value, rules, here);
  }
}

function checkSingle(
  ctx: Context,
  field: Field,
  value: unknown,
  rules: Rules | undefined,
  path: string,
) {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) checkMessageField(ctx, resolved, value, rules, path);
  else if (resolved instanceof protobuf.Enum) checkEnum(resolved, value, rules, path, ctx.out);
  else checkScalar(field.type, value, rules, path, ctx.out);
}

function checkMessageField(
  ctx: Context,
  type: Type,
  value: unknown,
  rules: Rules | undefined,
  path: string,
) {
  const requiredBy = ['message', 'any', 'duration', 'timestamp'].find((group) =>
    flag(sub(rules, group), 'required'),
  );
  if (!isSet(value) || typeof value !== 'object' || value === null) {
    if (requiredBy !== undefined) {
      ctx.out.push({ path, rule: `${requiredBy}.required`, message: 'value is required' });
    }
    return;
  }
  if (flag(sub(rules, 'message'), 'skip')) return;
  const name = typeNameOf(type);
  const wrapped = wkt.WRAPPERS.get(name);
  if (wrapped !== undefined) {
    checkScalar(wrapped, Reflect.get(value, 'value'), rules, path, ctx.out);
    return;
  }
  if (name === wkt.ANY) {
    checkAny(ctx, value, sub(rules, 'any'), path);
    return;
  }
  if (name === wkt.DURATION) checkTime('duration', value, sub(rules, 'duration'), path, ctx);
  if (name === wkt.TIMESTAMP) checkTime('timestamp', value, sub(rules, 'timestamp'), path, ctx);
  walkMessage(ctx, type, value, path);
}

function checkAny(ctx: Context, any: object, rules: Rules | undefined, path: string) {
  const url = Reflect.get(any, 'type_url');
  if (typeof url !== 'string' || url === '') return;
  const allowed = list(rules, 'in');
  if (allowed.length > 0 && !allowed.includes(url)) {
    ctx.out.push({
      path,
      rule: 'any.in',
      message: `type URL must be one of ${allowed.join(', ')}`,
    });
  }
  if (list(rules, 'not_in').includes(url)) {
    ctx.out.push({ path, rule: 'any.not_in', message: `type URL ${url} is not allowed here` });
  }
  const inner = findMessageType(ctx.root, typeNameFromUrl(url));
  if (inner === undefined) {
    ctx.out.push({ path, rule: 'any.type', message: `${url} is not a loaded type` });
    return;
  }
  const bytes = Reflect.get(any, 'value');
  let decoded: object;
  try {
    decoded = inner.decode(bytes instanceof Uint8Array ? bytes : new Uint8Array());
  } catch {
    ctx.out.push({
      path,
      rule: 'any.decode',
      message: `value does not decode as ${typeNameOf(inner)}`,
    });
    return;
  }
  checkMessageField(ctx, inner, decoded, undefined, path);
}

function checkRepeated(
  ctx: Context,
  field: Field,
  value: unknown,
  rules: Rules | undefined,
  path: string,
) {
  const items: unknown[] = Array.isArray(value) ? value : [];
  const group = sub(rules, 'repeated');
  if (flag(group, 'ignore_empty') && items.length === 0) return;
  const min = toBigInt(group?.min_items);
  const max = toBigInt(group?.max_items);
  if (min !== undefined && items.length < min) {
    ctx.out.push({
      path,
      rule: 'repeated.min_items',
      message: `at least ${min} items are required, got ${items.length}`,
    });
  }
  if (max !== undefined && items.length > max) {
    ctx.out.push({
      path,
      rule: 'repeated.max_items',
      message: `at most ${max} items are allowed, got ${items.length}`,
    });
  }
  if (flag(group, 'unique')) {
    const seen = new Map<string, number>();
    items.forEach((item, index) => {
      const key = uniqueKey(field, item);
      const first = seen.get(key);
      if (first === undefined) seen.set(key, index);
      else {
        ctx.out.push({
          path: indexPath(path, index),
          rule: 'repeated.unique',
          message: `item repeats item ${first}`,
        });
      }
    });
  }
  const itemRules = sub(group, 'items');
  items.forEach((item, index) => checkSingle(ctx, field, item, itemRules, indexPath(path, index)));
}

function uniqueKey(field: Field, item: unknown): string {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type && typeof item === 'object' && item !== null) {
    return stableStringify(messageToJson(resolved, item));
  }
  if (item instanceof Uint8Array) return Buffer.from(item).toString('hex');
  const integer = toBigInt(item);
  return integer !== undefined ? `${integer}` : stableStringify(item);
}

function checkMap(
  ctx: Context,
  field: Field,
  value: unknown,
  rules: Rules | undefined,
  path: string,
) {
  const entries = isRecord(value) ? Object.entries(value) : [];
  const group = sub(rules, 'map');
  if (flag(group, 'ignore_empty') && entries.length === 0) return;
  const min = toBigInt(group?.min_pairs);
  const max = toBigInt(group?.max_pairs);
  if (min !== undefined && entries.length < min) {
    ctx.out.push({
      path,
      rule: 'map.min_pairs',
      message: `at least ${min} entries are required, got ${entries.length}`,
    });
  }
  if (max !== undefined && entries.length > max) {
    ctx.out.push({
      path,
      rule: 'map.max_pairs',
      message: `at most ${max} entries are allowed, got ${entries.length}`,
    });
  }
  const keyType =
    'keyType' in field && typeof field.keyType === 'string' ? field.keyType : 'string';
  for (const [key, entry] of entries) {
    const here = keyPath(path, key);
    const typedKey = keyType === 'string' ? key : keyType === 'bool' ? key === 'true' : key;
    checkScalar(keyType, typedKey, sub(group, 'keys'), here, ctx.out);
    if (flag(group, 'no_sparse') && !isSet(entry)) {
      ctx.out.push({ path: here, rule: 'map.no_sparse', message: 'map values cannot be unset' });
    }
    checkSingle(ctx, field, entry, sub(group, 'values'), here);
  }
}
