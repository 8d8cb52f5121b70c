// Generators of hostile request bodies for the REST API fuzzing scenario: arbitrary
// JSON, garbled and truncated bytes, wrong content types, and valid objects with
// fields mutated to wrong types, out-of-range or unknown values, deep nesting, huge
// or odd unicode strings, nulls and prototype keys. Every generator is filtered by an
// oracle (what the API would accept) so it only yields bodies the API must refuse:
// a 2xx answer to a fuzzed body is then a product bug, not a generator accident.
import fc from 'fast-check';
import { stringify as yamlStringify, parseAllDocuments } from 'yaml';
import {
  API_VERSION,
  parseDuration,
  validateObject,
  type AnyKindDescriptor,
} from '@crossway/model';
/* eslint-disable @nx/enforce-module-boundaries -- the oracle applies the API's own merge patch and reads its request schemas, so it predicts exactly what the API would accept */
import { applyMergePatch, isPlainObject } from '../../apps/api/src/merge-patch';
import { tokenRequest } from '../../apps/api/src/token-request';
import { syncStatusSchema } from '../../apps/api/src/sync-status';
/* eslint-enable @nx/enforce-module-boundaries */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** One request body as it goes on the wire. */
export interface FuzzBody {
  /** Undefined: no Content-Type header. */
  contentType: string | undefined;
  payload: string | Buffer;
  /** Which generator made it (failure reports and figures). */
  source: string;
  /**
   * What the payload parses to, when it was serialized from values and not garbled:
   * the oracle then skips parsing it again (YAML parsing costs more than the request).
   */
  documents?: Json[];
}

export const JSON_TYPE = 'application/json';
export const YAML_TYPE = 'application/yaml';
/** Content types no write endpoint takes (415), or that do not match the body. */
const WRONG_TYPES = [
  undefined,
  'text/plain',
  'application/xml',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=fuzz',
  'application/octet-stream',
  'application/json-patch+json',
  'text/html',
  'image/png',
];

// ---------------------------------------------------------------------------
// Mutations of a valid JSON value

type MutationOp =
  | 'retype'
  | 'null'
  | 'outOfRange'
  | 'unknownEnum'
  | 'hugeString'
  | 'unicode'
  | 'deepNesting'
  | 'unknownKey'
  | 'prototypeKey'
  | 'remove'
  | 'jsonValue';

export interface Mutation {
  op: MutationOp;
  /** Which node of the value (modulo the node count). */
  at: number;
  /** Picks among the variants of an op. */
  variant: number;
  text: string;
  value: Json;
}

const OPS: MutationOp[] = [
  'retype',
  'null',
  'outOfRange',
  'unknownEnum',
  'hugeString',
  'unicode',
  'deepNesting',
  'unknownKey',
  'prototypeKey',
  'remove',
  'jsonValue',
];

export const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  op: fc.constantFrom(...OPS),
  at: fc.nat(),
  variant: fc.nat({ max: 1000 }),
  text: fc.string({ unit: 'binary', maxLength: 16 }),
  value: fc.jsonValue({ maxDepth: 2, depthSize: 'xsmall' }) as fc.Arbitrary<Json>,
});

interface Node {
  parent: JsonObject | Json[] | undefined;
  key: string | number | undefined;
  value: Json;
}

/** Server-owned or free-form places where any value is accepted: never mutation targets. */
function isFreeForm(path: readonly (string | number)[]): boolean {
  const [first, second] = path;
  if (first === 'status') return true;
  return (
    first === 'metadata' &&
    (second === 'uid' || second === 'generation' || second === 'creationTimestamp')
  );
}

function nodesOf(root: Json): Node[] {
  const nodes: Node[] = [];
  const walk = (
    value: Json,
    parent: Node['parent'],
    key: Node['key'],
    path: (string | number)[],
  ) => {
    if (isFreeForm(path)) return;
    if (parent !== undefined) nodes.push({ parent, key, value });
    if (Array.isArray(value)) value.forEach((v, i) => walk(v, value, i, [...path, i]));
    else if (value !== null && typeof value === 'object')
      for (const [k, v] of Object.entries(value)) walk(v, value, k, [...path, k]);
  };
  walk(root, undefined, undefined, []);
  return nodes;
}

function nested(value: Json, depth: number, variant: number): Json {
  let result = value;
  for (let i = 0; i < depth; i++) result = variant % 2 === 0 ? [result] : { a: result };
  return result;
}

/** Defines an own enumerable property, so `__proto__` ends up in JSON.stringify's output. */
function defineOwn(target: JsonObject, key: string, value: Json): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/** Huge-string sizes: mostly over field limits, rarely near the object limit (they cost time on both ends). */
const HUGE = [...Array<number>(14).fill(300), 4_500, 4_500, 4_500, 4_500, 70_000, 600_000];
const ODD_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\r\nx-injected: 1',
  '\ud800',
  '😀'.repeat(40),
  'ＡＢＣ',
  '../../etc/passwd',
  '${jndi:ldap://x}',
  '-1',
  'NaN',
  '1e309',
  '0x10',
  'UPPER-case',
  '*',
  'a'.repeat(64),
];

function badValueFor(original: Json, m: Mutation): Json {
  switch (m.op) {
    case 'retype': {
      const options: Json[] =
        typeof original === 'string'
          ? [m.variant, true, [original], { value: original }]
          : typeof original === 'number'
            ? [String(original), [original], { value: original }, false]
            : typeof original === 'boolean'
              ? [String(original), 1, [original]]
              : Array.isArray(original)
                ? [{ items: original }, 'list', 7, true]
                : original === null
                  ? ['null', 0]
                  : [[original], 'object', 42, false];
      return options[m.variant % options.length] ?? null;
    }
    case 'null':
      return null;
    case 'outOfRange': {
      const options: Json[] = [-1, 0, 65_536, 2 ** 53 + 2, 1.5, -0.25, 1e300, -1e300];
      return typeof original === 'number'
        ? (options[m.variant % options.length] ?? -1)
        : // A string field gets an over-long or pattern-breaking value.
          `${m.text}${'Z'.repeat(70 + (m.variant % 300))}`;
    }
    case 'unknownEnum':
      return `fuzz-${m.variant}-${m.text}`.toUpperCase() + '!';
    case 'hugeString': {
      const size = HUGE[m.variant % HUGE.length] ?? 300;
      return 'x'.repeat(size);
    }
    case 'unicode':
      return (ODD_STRINGS[m.variant % ODD_STRINGS.length] ?? '') + m.text;
    case 'deepNesting':
      return nested(original, 65 + (m.variant % 40), m.variant);
    default:
      return m.value;
  }
}

/** A deep copy of `base` with one mutation applied (it may leave the value valid: the oracle decides). */
export function mutate(base: Json, m: Mutation): Json {
  const root = structuredClone(base);
  const nodes = nodesOf(root);
  const node = nodes[m.at % Math.max(1, nodes.length)];
  if (node === undefined || node.parent === undefined || node.key === undefined) return root;
  const { parent, key, value } = node;
  const set = (v: Json) => {
    if (Array.isArray(parent)) parent[key as number] = v;
    else parent[key as string] = v;
  };
  switch (m.op) {
    case 'unknownKey': {
      const target: JsonObject =
        value !== null && typeof value === 'object' && !Array.isArray(value)
          ? value
          : ((Array.isArray(parent) ? undefined : parent) ?? {});
      target[`fuzz${m.variant}${m.text.replace(/[^a-z]/gi, '')}`] = m.value;
      return root;
    }
    case 'prototypeKey': {
      const target =
        value !== null && typeof value === 'object' && !Array.isArray(value) ? value : root;
      if (target === null || typeof target !== 'object' || Array.isArray(target)) return root;
      const key = ['__proto__', 'constructor', 'prototype'][m.variant % 3] ?? '__proto__';
      defineOwn(target, key, { polluted: true });
      return root;
    }
    case 'remove':
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key as string];
      return root;
    default:
      set(badValueFor(value, m));
      return root;
  }
}

// ---------------------------------------------------------------------------
// Encodings: a value as the wire body, sometimes garbled

export interface Garble {
  how: 'none' | 'truncate' | 'flipByte' | 'invalidUtf8' | 'bom' | 'trailing';
  at: number;
  byte: number;
}

export const garbleArb: fc.Arbitrary<Garble> = fc.record({
  how: fc.constantFrom('truncate', 'flipByte', 'invalidUtf8', 'bom', 'trailing'),
  at: fc.nat(),
  byte: fc.integer({ min: 1, max: 255 }),
});

export function garble(text: string, g: Garble): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  const at = bytes.length === 0 ? 0 : g.at % bytes.length;
  switch (g.how) {
    case 'truncate':
      return bytes.subarray(0, at);
    case 'flipByte': {
      const copy = Buffer.from(bytes);
      if (copy.length > 0) copy[at] = (copy[at] ?? 0) ^ g.byte;
      return copy;
    }
    case 'invalidUtf8':
      return Buffer.concat([
        bytes.subarray(0, at),
        Buffer.from([0xc3, 0x28, 0xff]),
        bytes.subarray(at),
      ]);
    case 'bom':
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]);
    case 'trailing':
      return Buffer.concat([
        bytes,
        Buffer.from(['}', ']', ',', '{"a":1}', 'null'][g.byte % 5] ?? '}'),
      ]);
    default:
      return bytes;
  }
}

export function yamlDocuments(values: readonly Json[]): string {
  return values
    .map((v) => yamlStringify(v, { aliasDuplicateObjects: false, lineWidth: 0 }))
    .join('---\n');
}

// ---------------------------------------------------------------------------
// Oracles: what the API would accept (a body it accepts is not a fuzz case)

/** The body as the API's parsers would see it: 'unparseable' for a 400/415. */
export function parseBody(
  body: FuzzBody,
): { ok: true; values: Json[]; yaml: boolean } | { ok: false } {
  const type = body.contentType?.split(';')[0]?.trim().toLowerCase();
  const isJson = type === JSON_TYPE || type === 'application/merge-patch+json';
  const isYaml = type === YAML_TYPE || type === 'application/x-yaml' || type === 'text/yaml';
  if (!isJson && !isYaml) return { ok: false };
  if (body.documents !== undefined) {
    if (body.documents.some((v) => !structureAllowed(v))) return { ok: false };
    return { ok: true, values: body.documents, yaml: isYaml };
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(
      typeof body.payload === 'string' ? Buffer.from(body.payload) : body.payload,
    );
  } catch {
    return { ok: false };
  }
  try {
    let values: Json[];
    if (isJson) values = [JSON.parse(text) as Json];
    else {
      const docs = parseAllDocuments(text, { uniqueKeys: true, strict: true });
      const list = Array.isArray(docs) ? docs : [docs];
      if (list.some((d) => d.errors.length > 0 || d.warnings.length > 0)) return { ok: false };
      values = list
        .map((d) => d.toJS({ maxAliasCount: 100 }) as Json)
        .filter((v) => v !== null && v !== undefined);
    }
    // Anything with a prototype key or nested too deeply is refused whatever else it holds.
    if (values.some((v) => !structureAllowed(v))) return { ok: false };
    return { ok: true, values, yaml: !isJson };
  } catch {
    return { ok: false };
  }
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function structureAllowed(root: Json): boolean {
  const stack: { value: Json; depth: number }[] = [{ value: root, depth: 0 }];
  while (stack.length > 0) {
    const { value, depth } = stack.pop() as { value: Json; depth: number };
    if (value === null || typeof value !== 'object') continue;
    if (depth >= 64) return false;
    const keys = Object.keys(value);
    if (!Array.isArray(value) && keys.some((k) => FORBIDDEN_KEYS.has(k))) return false;
    for (const key of keys)
      stack.push({ value: (value as Record<string, Json>)[key] ?? null, depth: depth + 1 });
  }
  return true;
}

function single(parsed: ReturnType<typeof parseBody>): JsonObject | undefined {
  if (!parsed.ok || parsed.values.length !== 1) return undefined;
  const [value] = parsed.values;
  return isPlainObject(value) ? (value as JsonObject) : undefined;
}

/** Would POST/PUT of `body` to a kind's URL be accepted (so it is no fuzz case)? */
export function objectAccepted(
  body: FuzzBody,
  place: { descriptor: AnyKindDescriptor; namespace?: string; name?: string },
): boolean {
  const value = single(parseBody(body));
  if (value === undefined) return false;
  return placedObjectValid(value, place);
}

function placedObjectValid(
  value: JsonObject,
  place: { descriptor: AnyKindDescriptor; namespace?: string; name?: string },
): boolean {
  const input: JsonObject = { apiVersion: API_VERSION, kind: place.descriptor.kind, ...value };
  const metadata = input['metadata'];
  if (isPlainObject(metadata)) {
    const meta = { ...(metadata as JsonObject) };
    if (place.namespace !== undefined) meta['namespace'] ??= place.namespace;
    if (place.name !== undefined) meta['name'] ??= place.name;
    if (place.namespace !== undefined && meta['namespace'] !== place.namespace) return false;
    if (place.name !== undefined && meta['name'] !== place.name) return false;
    input['metadata'] = meta;
  }
  return validateObject(input).ok;
}

/** Would a merge patch of `stored` be accepted? */
export function patchAccepted(
  body: FuzzBody,
  place: { descriptor: AnyKindDescriptor; namespace?: string; name: string },
  stored: JsonObject,
): boolean {
  const type = body.contentType?.split(';')[0]?.trim();
  if (type !== JSON_TYPE && type !== 'application/merge-patch+json') return false;
  const patch = single(parseBody(body));
  if (patch === undefined) return false;
  const { status: _status, ...current } = stored;
  const merged = applyMergePatch(current, patch);
  return isPlainObject(merged) && placedObjectValid(merged as JsonObject, place);
}

/** Would POST /api/v1/apply take the set? (An empty set is accepted: it writes nothing.) */
export function applyAccepted(body: FuzzBody): boolean {
  const parsed = parseBody(body);
  if (!parsed.ok) return false;
  const flatten = (value: Json): Json[] => {
    if (Array.isArray(value)) return value;
    if (isPlainObject(value) && Array.isArray(value['items']) && value['kind'] === undefined)
      return value['items'] as Json[];
    return [value];
  };
  if (!parsed.yaml && parsed.values[0] === null) return false;
  const items = parsed.values.flatMap(flatten);
  const keys = new Set<string>();
  for (const item of items) {
    const result = validateObject(item);
    if (!result.ok) return false;
    const key = `${result.value.kind}/${result.value.metadata.namespace ?? ''}/${result.value.metadata.name}`;
    if (keys.has(key)) return false;
    keys.add(key);
  }
  return true;
}

export function tokenAccepted(body: FuzzBody): boolean {
  const value = single(parseBody(body));
  return value !== undefined && tokenRequest.safeParse(value).success;
}

export function syncAccepted(body: FuzzBody): boolean {
  const value = single(parseBody(body));
  return value !== undefined && syncStatusSchema.safeParse(value).success;
}

/** The `csr` text of a certificate request body, if it has one. */
export function csrOf(body: FuzzBody): string | undefined {
  const csr = single(parseBody(body))?.['csr'];
  return typeof csr === 'string' ? csr : undefined;
}

/** Would POST /api/v1/certificates sign it? Surely when `csr` still holds the intact CSR (`core`: its base64 without whitespace). */
export function csrAccepted(body: FuzzBody, core: string): boolean {
  return csrOf(body)?.replace(/\s+/g, '').includes(core) ?? false;
}

/** A rotation takes no body or `{overlap?: duration >= 1m}`. */
export function rotationAccepted(body: FuzzBody): boolean {
  const parsed = parseBody(body);
  if (!parsed.ok) return body.payload.length === 0 && body.contentType === undefined;
  const value = single(parsed);
  if (value === undefined) return false;
  const keys = Object.keys(value);
  if (keys.some((k) => k !== 'overlap')) return false;
  const overlap = value['overlap'];
  if (overlap === undefined) return true;
  return typeof overlap === 'string' && (parseDuration(overlap) ?? 0) >= 60_000;
}

// ---------------------------------------------------------------------------
// Body arbitraries

/** Arbitrary JSON values (objects, lists, scalars), as JSON or YAML text. */
export const arbitraryJsonBody: fc.Arbitrary<FuzzBody> = fc
  .tuple(fc.jsonValue({ maxDepth: 5 }) as fc.Arbitrary<Json>, fc.boolean())
  .map(([value, asYaml]) =>
    asYaml
      ? {
          contentType: YAML_TYPE,
          payload: yamlDocuments([value]),
          source: 'arbitrary-yaml',
          // A YAML null document is no document.
          documents: value === null ? [] : [value],
        }
      : {
          contentType: JSON_TYPE,
          payload: JSON.stringify(value),
          source: 'arbitrary-json',
          documents: [value],
        },
  );

/** Random bytes, sent as JSON or YAML. */
export const randomBytesBody: fc.Arbitrary<FuzzBody> = fc
  .tuple(fc.uint8Array({ maxLength: 512 }), fc.constantFrom(JSON_TYPE, YAML_TYPE))
  .map(([bytes, type]) => ({
    contentType: type,
    payload: Buffer.from(bytes),
    source: 'random-bytes',
  }));

/** Valid-looking bodies under a content type no write endpoint takes. */
export function wrongTypeBody(values: readonly Json[]): fc.Arbitrary<FuzzBody> {
  return fc
    .tuple(fc.constantFrom(...values), fc.constantFrom(...WRONG_TYPES))
    .map(([value, type]) => ({
      contentType: type,
      payload: JSON.stringify(value),
      source: 'wrong-content-type',
    }));
}

/** `bases` mutated (1-3 mutations), as JSON or single-document YAML, sometimes garbled. */
export function mutatedBody(
  bases: readonly Json[],
  options: { yaml?: boolean; wrap?: (value: Json) => Json } = {},
): fc.Arbitrary<FuzzBody> {
  return fc
    .tuple(
      fc.constantFrom(...bases),
      fc.array(mutationArb, { minLength: 1, maxLength: 3 }),
      fc.oneof({ arbitrary: fc.constant(null), weight: 4 }, { arbitrary: garbleArb, weight: 1 }),
      fc.nat({ max: 3 }),
    )
    .map(([base, mutations, garbling, asYaml]) => {
      const mutated = mutations.reduce<Json>((value, m) => mutate(value, m), base);
      const value = options.wrap ? options.wrap(mutated) : mutated;
      const yaml = options.yaml !== false && asYaml === 0;
      const text = yaml ? yamlDocuments([value]) : JSON.stringify(value);
      const ops = mutations.map((m) => m.op).join('+');
      if (garbling === null)
        return {
          contentType: yaml ? YAML_TYPE : JSON_TYPE,
          payload: text,
          source: `mutated:${ops}`,
          documents: yaml && value === null ? [] : [value],
        };
      return {
        contentType: yaml ? YAML_TYPE : JSON_TYPE,
        payload: garble(text, garbling),
        source: `garbled:${garbling.how}`,
      };
    });
}

/** A body that is any of the above for `bases`, weighted towards mutated valid objects. */
export function hostileBody(
  bases: readonly Json[],
  options: { yaml?: boolean; wrap?: (value: Json) => Json } = {},
): fc.Arbitrary<FuzzBody> {
  return fc.oneof(
    { arbitrary: mutatedBody(bases, options), weight: 10 },
    { arbitrary: arbitraryJsonBody, weight: 3 },
    { arbitrary: randomBytesBody, weight: 1 },
    { arbitrary: wrongTypeBody(bases), weight: 1 },
  );
}
