// Reads protoc-gen-validate options from protobufjs reflection. protobufjs keeps the option
// text's structure in `parsedOptions` (one entry per option statement), so entries for
// `(validate.rules)` are merged into one object, e.g. {string: {min_len: 1}}.
import type { Field, OneOf, Type } from 'protobufjs';
import { isRecord } from '../json.ts';

export type Rules = Readonly<Record<string, unknown>>;

const cache = new WeakMap<Field, Rules | null>();

export function fieldRules(field: Field): Rules | undefined {
  const hit = cache.get(field);
  if (hit !== undefined) return hit ?? undefined;
  let merged: Record<string, unknown> | undefined;
  const entries: unknown = field.parsedOptions;
  if (Array.isArray(entries)) {
    for (const entry of entries) {
      if (!isRecord(entry) || !isRecord(entry['(validate.rules)'])) continue;
      merged = deepMerge(merged ?? {}, entry['(validate.rules)']);
    }
  }
  cache.set(field, merged ?? null);
  return merged;
}

function deepMerge(into: Record<string, unknown>, from: Record<string, unknown>) {
  for (const [key, value] of Object.entries(from)) {
    const existing = into[key];
    into[key] = isRecord(existing) && isRecord(value) ? deepMerge({ ...existing }, value) : value;
  }
  return into;
}

export function sub(rules: Rules | undefined, key: string): Rules | undefined {
  const value = rules?.[key];
  return isRecord(value) ? value : undefined;
}

export function flag(rules: Rules | undefined, key: string): boolean {
  return rules?.[key] === true;
}

/** A repeated rule value: protobufjs gives a single value when the text had one. */
export function list(rules: Rules | undefined, key: string): unknown[] {
  const value = rules?.[key];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** `option (validate.required) = true` on a oneof. */
export function oneofRequired(oneof: OneOf): boolean {
  return optionTrue(oneof.options, oneof.parsedOptions, '(validate.required)');
}

/** `option (validate.disabled)` or `(validate.ignored)` on a message. */
export function messageSkipped(type: Type): boolean {
  return (
    optionTrue(type.options, type.parsedOptions, '(validate.disabled)') ||
    optionTrue(type.options, type.parsedOptions, '(validate.ignored)')
  );
}

function optionTrue(options: unknown, parsed: unknown, name: string): boolean {
  if (isRecord(options) && options[name] === true) return true;
  return Array.isArray(parsed) && parsed.some((entry) => isRecord(entry) && entry[name] === true);
}
