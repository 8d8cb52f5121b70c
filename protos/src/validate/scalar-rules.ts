// PGV rules on scalar values: strings, bytes, bools, enums and the numeric types.
import type { Enum } from 'protobufjs';
import { describe } from '../json.ts';
import { isIntegerType, toBigInt, toNumber } from '../scalars.ts';
import * as formats from './formats.ts';
import { checkRange, type Comparable, type RangeKind, type Violation } from './ranges.ts';
import { flag, list, sub, type Rules } from './rules.ts';

const utf8 = new TextEncoder();

/** Checks a scalar against the rule group named by its type (`string`, `uint32`, ...). */
export function checkScalar(
  type: string,
  value: unknown,
  rules: Rules | undefined,
  path: string,
  out: Violation[],
): void {
  const group = sub(rules, type);
  if (group === undefined) return;
  if (type === 'string' && typeof value === 'string') checkString(value, group, path, out);
  else if (type === 'bytes' && value instanceof Uint8Array) checkBytes(value, group, path, out);
  else if (type === 'bool') {
    if (typeof group.const === 'boolean' && value !== group.const) {
      out.push({ path, rule: 'bool.const', message: `value must equal ${group.const}` });
    }
  } else checkNumber(type, value, group, path, out);
}

function checkNumber(type: string, value: unknown, rules: Rules, path: string, out: Violation[]) {
  const integer = isIntegerType(type);
  const read = (raw: unknown): Comparable | undefined => (integer ? toBigInt(raw) : toNumber(raw));
  const number = read(value);
  if (number === undefined) return;
  if (flag(rules, 'ignore_empty') && (number === 0 || number === 0n)) return;
  const spec: RangeKind = { kind: type, read, show: String };
  checkRange(spec, number, rules, path, out);
}

export function checkEnum(
  type: Enum,
  value: unknown,
  rules: Rules | undefined,
  path: string,
  out: Violation[],
): void {
  const group = sub(rules, 'enum');
  if (group === undefined || typeof value !== 'number') return;
  if (flag(group, 'defined_only') && type.valuesById[value] === undefined) {
    out.push({
      path,
      rule: 'enum.defined_only',
      message: `${value} is not a defined ${type.name} value`,
    });
  }
  const spec: RangeKind = {
    kind: 'enum',
    read: (raw) =>
      typeof raw === 'number' ? raw : typeof raw === 'string' ? type.values[raw] : undefined,
    show: (number) => type.valuesById[Number(number)] ?? String(number),
  };
  const { const: exact, in: allowed, not_in: denied } = group;
  checkRange(spec, value, { const: exact, in: allowed, not_in: denied }, path, out);
}

function checkString(value: string, rules: Rules, path: string, out: Violation[]): void {
  if (flag(rules, 'ignore_empty') && value === '') return;
  const add = (rule: string, message: string) =>
    out.push({ path, rule: `string.${rule}`, message });
  const chars = [...value].length;
  const bytes = utf8.encode(value).length;
  const limit = (key: string): number | undefined => {
    const raw = toBigInt(rules[key]);
    return raw === undefined ? undefined : Number(raw);
  };
  if (typeof rules.const === 'string' && value !== rules.const) {
    add('const', `value must equal ${describe(rules.const)}`);
  }
  const lengths: [string, number, (n: number, l: number) => boolean, string][] = [
    ['len', chars, (n, l) => n === l, 'exactly %d characters'],
    ['min_len', chars, (n, l) => n >= l, 'at least %d characters'],
    ['max_len', chars, (n, l) => n <= l, 'at most %d characters'],
    ['len_bytes', bytes, (n, l) => n === l, 'exactly %d bytes'],
    ['min_bytes', bytes, (n, l) => n >= l, 'at least %d bytes'],
    ['max_bytes', bytes, (n, l) => n <= l, 'at most %d bytes'],
  ];
  for (const [key, actual, ok, text] of lengths) {
    const bound = limit(key);
    if (bound !== undefined && !ok(actual, bound)) {
      add(key, `value length must be ${text.replace('%d', String(bound))}, got ${actual}`);
    }
  }
  if (typeof rules.pattern === 'string') {
    const matched = formats.re2Test(rules.pattern, value);
    if (matched === undefined)
      add('pattern', `the rule's pattern ${describe(rules.pattern)} is not valid RE2`);
    else if (!matched)
      add('pattern', `value does not match the pattern ${describe(rules.pattern)}`);
  }
  const affixes: [string, (s: string) => boolean, string][] = [
    ['prefix', (s) => value.startsWith(s), 'must start with'],
    ['suffix', (s) => value.endsWith(s), 'must end with'],
    ['contains', (s) => value.includes(s), 'must contain'],
    ['not_contains', (s) => !value.includes(s), 'must not contain'],
  ];
  for (const [key, ok, text] of affixes) {
    const needle = rules[key];
    if (typeof needle === 'string' && !ok(needle)) add(key, `value ${text} ${describe(needle)}`);
  }
  const allowed = list(rules, 'in');
  if (allowed.length > 0 && !allowed.includes(value)) {
    add('in', `value must be one of ${allowed.map(describe).join(', ')}`);
  }
  if (list(rules, 'not_in').includes(value)) add('not_in', `value must not be ${describe(value)}`);
  checkStringFormat(value, rules, add);
}

const FORMATS: [string, (value: string) => boolean, string][] = [
  ['email', formats.isEmail, 'an email address'],
  ['hostname', formats.isHostname, 'a hostname'],
  ['ip', formats.isIp, 'an IP address'],
  ['ipv4', formats.isIpv4, 'an IPv4 address'],
  ['ipv6', formats.isIpv6, 'an IPv6 address'],
  ['uri', formats.isUri, 'an absolute URI'],
  ['uri_ref', formats.isUriRef, 'a URI reference'],
  ['address', (v) => formats.isHostname(v) || formats.isIp(v), 'a hostname or IP address'],
  ['uuid', formats.isUuid, 'a UUID'],
];

function checkStringFormat(
  value: string,
  rules: Rules,
  add: (rule: string, message: string) => void,
) {
  for (const [key, test, what] of FORMATS) {
    if (flag(rules, key) && !test(value)) add(key, `value must be ${what}`);
  }
  const known = rules.well_known_regex;
  const kind = known === 1 ? 'HTTP_HEADER_NAME' : known === 2 ? 'HTTP_HEADER_VALUE' : known;
  if (kind === 'HTTP_HEADER_NAME' || kind === 'HTTP_HEADER_VALUE') {
    const strict = rules.strict !== false;
    if (!formats.matchesKnownRegex(kind, value, strict)) {
      const what = kind === 'HTTP_HEADER_NAME' ? 'header name' : 'header value';
      add('well_known_regex', `value must be a valid ${strict ? '' : 'non-strict '}HTTP ${what}`);
    }
  }
}

function checkBytes(value: Uint8Array, rules: Rules, path: string, out: Violation[]): void {
  if (flag(rules, 'ignore_empty') && value.length === 0) return;
  const add = (rule: string, message: string) => out.push({ path, rule: `bytes.${rule}`, message });
  const bound = (key: string) => {
    const raw = toBigInt(rules[key]);
    return raw === undefined ? undefined : Number(raw);
  };
  const len = bound('len');
  const min = bound('min_len');
  const max = bound('max_len');
  if (len !== undefined && value.length !== len) add('len', `value must be exactly ${len} bytes`);
  if (min !== undefined && value.length < min)
    add('min_len', `value must be at least ${min} bytes`);
  if (max !== undefined && value.length > max) add('max_len', `value must be at most ${max} bytes`);
  const hex = Buffer.from(value).toString('hex');
  const asHex = (raw: unknown) =>
    typeof raw === 'string' ? textBytes(raw).toString('hex') : undefined;
  const exact = asHex(rules.const);
  if (exact !== undefined && exact !== hex) add('const', 'value must equal the given bytes');
  const prefix = asHex(rules.prefix);
  if (prefix !== undefined && !hex.startsWith(prefix))
    add('prefix', 'value must start with the given bytes');
  const suffix = asHex(rules.suffix);
  if (suffix !== undefined && !hex.endsWith(suffix))
    add('suffix', 'value must end with the given bytes');
  const contains = asHex(rules.contains);
  if (contains !== undefined && !containsBytes(value, textBytes(rules.contains))) {
    add('contains', 'value must contain the given bytes');
  }
  const allowed = list(rules, 'in').map(asHex);
  if (allowed.length > 0 && !allowed.includes(hex))
    add('in', 'value must be one of the given byte strings');
  if (list(rules, 'not_in').map(asHex).includes(hex))
    add('not_in', 'value must not be one of the given byte strings');
  if (typeof rules.pattern === 'string' && formats.re2Test(rules.pattern, value) === false) {
    add('pattern', `value does not match the pattern ${describe(rules.pattern)}`);
  }
  if (flag(rules, 'ip') && value.length !== 4 && value.length !== 16)
    add('ip', 'value must be 4 or 16 bytes');
  if (flag(rules, 'ipv4') && value.length !== 4) add('ipv4', 'value must be 4 bytes');
  if (flag(rules, 'ipv6') && value.length !== 16) add('ipv6', 'value must be 16 bytes');
}

/** Bytes written in a .proto option string: escapes give one char per byte. */
function textBytes(raw: unknown): Buffer {
  const text = typeof raw === 'string' ? raw : '';
  return [...text].every((c) => c.charCodeAt(0) < 256)
    ? Buffer.from(text, 'latin1')
    : Buffer.from(text);
}

function containsBytes(haystack: Uint8Array, needle: Uint8Array): boolean {
  return Buffer.from(haystack).indexOf(Buffer.from(needle)) >= 0;
}
