// Checks one snapshot the way Envoy would beyond PGV (duplicate domains, filter chain matches,
// addresses and names) and for consistency (every referenced resource is defined), as
// go-control-plane's Snapshot.Consistent does. Pure: problems come back, nothing is thrown
// for bad resources.
import protobuf from 'protobufjs';
import { checkedFromObject, type ProtoOptions } from '../checked-from-object.ts';
import { isJsonObject, isRecord } from '../json.ts';
import { loadEnvoyProtos } from '../load-envoy-protos.ts';
import { toProto3Json } from '../proto3-json.ts';
import { toBytes } from '../scalars.ts';
import {
  lookupMessageType,
  RESOURCE_KINDS as KINDS,
  RESOURCE_TYPES,
  typeNameFromUrl,
  type ResourceKind,
} from '../type-url.ts';
import { checkFilterChains, listenerAddresses } from './listener-checks.ts';
import { MISSING_CODES, type LocalProblem, type SnapshotProblemCode } from './problem.ts';
import { REFERENCE_FIELDS, type Reference } from './references.ts';
import { checkDomains } from './route-checks.ts';
import { text, visitMessages } from './visit.ts';

/** Resources of one snapshot: plain objects (either accepted form), JSON with `@type`, or Anys. */
export type SnapshotResources = { readonly [kind in ResourceKind]?: readonly unknown[] };

export type { SnapshotProblemCode } from './problem.ts';

export interface SnapshotProblem {
  /** Kind of the resource the problem is in. */
  readonly type: ResourceKind;
  /** Its name (cluster_name for endpoints); `#<index>` when it has none. */
  readonly name: string;
  /** Field path inside that resource. */
  readonly path: string;
  readonly code: SnapshotProblemCode;
  readonly message: string;
}

export interface SnapshotCheckOptions extends ProtoOptions {
  /** Clusters defined statically in the bootstrap, which references may name. */
  readonly staticClusters?: readonly string[];
  /** Secrets defined statically in the bootstrap. */
  readonly staticSecrets?: readonly string[];
  /**
   * Results of the per-resource work (proto conversion, PGV, local checks, references),
   * kept across snapshots. Used only for resources with a content key in `contentKeys`.
   */
  readonly cache?: ResourceCheckCache;
  /** Per kind and index: a key that changes whenever the resource's content does (a hash). */
  readonly contentKeys?: { readonly [kind in ResourceKind]?: readonly string[] };
}

/**
 * What checking one resource found, independent of the snapshot around it. Only what
 * the snapshot-wide checks read is kept (not the resource's JSON): cached results stay
 * small.
 */
interface ResourceCheck {
  /** False when the resource is invalid (its problems say why). */
  readonly valid: boolean;
  /** Its name field (cluster_name for endpoints), when valid and set. */
  readonly name: string | undefined;
  /** Listeners: the addresses it binds. */
  readonly addresses: readonly { key: string; path: string }[];
  readonly problems: readonly { path: string; code: SnapshotProblemCode; message: string }[];
  readonly local: readonly LocalProblem[];
  readonly references: readonly Reference[];
}

/**
 * Per-resource check results by content key: a rebuild that repeats most resources
 * (every rebuild does) converts and validates only the new ones.
 *
 * Two generations, so results of versions no longer built are dropped: lookups and
 * new results go to the current generation, a hit in the previous one is carried
 * over, and the previous generation is dropped whole when the current one is
 * `maxAgeMs` old or holds half of `limit` entries. Under churn a version that is not
 * built again is gone within two generations (a soak found the old clear-at-limit
 * cache retaining every version ever built, about 1 MB a minute at 280 changes a
 * minute); a version still in use costs one re-check at most per generation.
 */
export class ResourceCheckCache {
  private current = new Map<string, ResourceCheck>();
  private previous = new Map<string, ResourceCheck>();
  private startedAt: number;
  constructor(
    private readonly limit = 50_000,
    private readonly maxAgeMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {
    this.startedAt = now();
  }
  get(key: string): ResourceCheck | undefined {
    this.rotateWhenDue();
    const hit = this.current.get(key);
    if (hit !== undefined) return hit;
    const carried = this.previous.get(key);
    if (carried !== undefined) this.set(key, carried);
    return carried;
  }
  set(key: string, check: ResourceCheck): void {
    this.rotateWhenDue();
    this.current.set(key, check);
  }
  private rotateWhenDue(): void {
    if (
      this.current.size < Math.max(1, Math.floor(this.limit / 2)) &&
      this.now() - this.startedAt < this.maxAgeMs
    )
      return;
    this.previous = this.current;
    this.current = new Map();
    this.startedAt = this.now();
  }
  /** Entries held in both generations. */
  get size(): number {
    return this.current.size + this.previous.size;
  }
}

const NAME_FIELD: Record<ResourceKind, string> = {
  listeners: 'name',
  routes: 'name',
  clusters: 'name',
  endpoints: 'cluster_name',
  secrets: 'name',
};

interface Entry {
  readonly kind: ResourceKind;
  readonly name: string;
  readonly check: ResourceCheck;
}

/**
 * A flat copy of a string built by concatenation: the cached results outlive the
 * check, and a path like "virtual_hosts[3].routes[0].route.cluster" would otherwise
 * keep its whole tree of concatenated parts alive.
 */
function flat(text: string): string {
  return JSON.parse(JSON.stringify(text)) as string;
}

function firstOfEachTarget(references: readonly Reference[]): Reference[] {
  const seen = new Set<string>();
  const first: Reference[] = [];
  for (const r of references) {
    const key = `${r.kind}\u0000${r.name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    first.push({ kind: r.kind, name: flat(r.name), path: flat(r.path), via: r.via });
  }
  return first;
}

/** Converts and checks one resource on its own (the part that does not need the snapshot). */
function checkResource(kind: ResourceKind, resource: unknown, root: protobuf.Root): ResourceCheck {
  const problems: { path: string; code: SnapshotProblemCode; message: string }[] = [];
  const json = canonical(kind, resource, root, (path, code, message) =>
    problems.push({ path, code, message }),
  );
  const local: LocalProblem[] = [];
  const references: Reference[] = [];
  if (json !== undefined)
    visitMessages(
      root,
      lookupMessageType(root, RESOURCE_TYPES[kind]),
      json,
      '',
      (typeName, message, path) => {
        references.push(...(REFERENCE_FIELDS.get(typeName)?.(message, path) ?? []));
        if (typeName === RESOURCE_TYPES.routes) local.push(...checkDomains(message, path));
        if (typeName === RESOURCE_TYPES.listeners) local.push(...checkFilterChains(message, path));
      },
    );
  return {
    valid: json !== undefined,
    // One reference per target is enough for a missing-reference problem (the first
    // place it is named); a route table names the same cluster many times.
    references: firstOfEachTarget(references),
    name: json === undefined ? undefined : text(json[NAME_FIELD[kind]]),
    addresses: json !== undefined && kind === 'listeners' ? listenerAddresses(json) : [],
    problems,
    local,
  };
}

export function checkSnapshot(
  resources: SnapshotResources,
  options: SnapshotCheckOptions = {},
): readonly SnapshotProblem[] {
  const root = options.root ?? loadEnvoyProtos();
  const problems: SnapshotProblem[] = [];
  const entries: Entry[] = [];
  // Invalid resources are reported once; references to them are not reported as missing.
  const invalid: { kind: ResourceKind; name: string }[] = [];
  for (const kind of KINDS) {
    const keys = options.contentKeys?.[kind];
    (resources[kind] ?? []).forEach((resource, index) => {
      const name = nameOf(kind, resource, index);
      const key = keys?.[index];
      const cacheKey =
        options.cache !== undefined && key !== undefined && !name.startsWith('#')
          ? `${kind}\u0000${key}`
          : undefined;
      let check = cacheKey === undefined ? undefined : options.cache?.get(cacheKey);
      if (check === undefined) {
        check = checkResource(kind, resource, root);
        if (cacheKey !== undefined) options.cache?.set(cacheKey, check);
      }
      for (const problem of check.problems) problems.push({ type: kind, name, ...problem });
      if (check.valid) {
        entries.push({ kind, name: check.name ?? `#${index}`, check });
      } else if (!name.startsWith('#')) {
        invalid.push({ kind, name });
      }
    });
  }

  // Sorted by name, so which of two clashing resources gets the problem does not depend on
  // the order they were given in.
  entries.sort(
    (a, b) => KINDS.indexOf(a.kind) - KINDS.indexOf(b.kind) || compareText(a.name, b.name),
  );
  const defined = definedNames(entries, problems);
  for (const name of options.staticClusters ?? []) defined.clusters.add(name);
  for (const name of options.staticSecrets ?? []) defined.secrets.add(name);
  for (const { kind, name } of invalid) defined[kind].add(name);

  const addresses = new Map<string, string>();
  for (const entry of entries) {
    const add = (local: LocalProblem) =>
      problems.push({ type: entry.kind, name: entry.name, ...local });
    entry.check.local.forEach(add);
    const { references } = entry.check;
    for (const reference of references) {
      if (defined[reference.kind].has(reference.name)) continue;
      add({
        code: MISSING_CODES[reference.kind],
        path: reference.path,
        message: `${reference.via} names ${singular(reference.kind)} '${reference.name}', which the snapshot does not define`,
      });
    }
    if (entry.kind === 'listeners') {
      for (const { key, path } of entry.check.addresses) {
        const owner = addresses.get(key);
        if (owner === undefined) addresses.set(key, entry.name);
        else
          add({
            code: 'duplicate-address',
            path,
            message: `${key} is already bound by listener '${owner}'`,
          });
      }
    }
  }
  return problems.sort(compareProblems);
}

type Report = (path: string, code: SnapshotProblemCode, message: string) => void;

/** The resource in proto3 JSON, or undefined after reporting why it is not a valid resource. */
function canonical(kind: ResourceKind, resource: unknown, root: protobuf.Root, report: Report) {
  const typeName = RESOURCE_TYPES[kind];
  let object = resource;
  if (isRecord(object) && typeof object.type_url === 'string' && 'value' in object) {
    const bytes = toBytes(object.value);
    const type = lookupMessageType(root, typeName);
    if (typeNameFromUrl(object.type_url) !== typeName || bytes === undefined) {
      report('', 'invalid-resource', `an Any of ${object.type_url} is not a ${typeName}`);
      return undefined;
    }
    try {
      object = type.decode(bytes);
    } catch {
      report('', 'invalid-resource', `the bytes do not decode as ${typeName}`);
      return undefined;
    }
  } else if (isRecord(object) && '@type' in object) {
    const { '@type': url, ...fields } = object;
    if (typeof url !== 'string' || typeNameFromUrl(url) !== typeName) {
      report('@type', 'invalid-resource', `'@type' must name ${typeName}`);
      return undefined;
    }
    object = fields;
  }
  const checked = checkedFromObject(typeName, object, { root });
  if (!checked.ok) {
    for (const problem of checked.problems)
      report(problem.path, 'invalid-resource', problem.message);
    return undefined;
  }
  const json = toProto3Json(checked.message);
  return isJsonObject(json) ? json : undefined;
}

function nameOf(kind: ResourceKind, resource: unknown, index: number): string {
  if (resource instanceof protobuf.Message || isRecord(resource)) {
    const name = Reflect.get(resource, NAME_FIELD[kind]);
    if (typeof name === 'string' && name !== '') return name;
  }
  return `#${index}`;
}

function definedNames(entries: readonly Entry[], problems: SnapshotProblem[]) {
  const defined: Record<ResourceKind, Set<string>> = {
    listeners: new Set(),
    routes: new Set(),
    clusters: new Set(),
    endpoints: new Set(),
    secrets: new Set(),
  };
  for (const { kind, name, check } of entries) {
    const field = NAME_FIELD[kind];
    if (check.name === undefined) {
      problems.push({
        type: kind,
        name,
        path: field,
        code: 'missing-name',
        message: `${field} is required`,
      });
    } else if (defined[kind].has(name)) {
      problems.push({
        type: kind,
        name,
        path: field,
        code: 'duplicate-name',
        message: `two ${kind} are named '${name}'`,
      });
    }
    defined[kind].add(name);
  }
  return defined;
}

function singular(kind: ResourceKind): string {
  return {
    listeners: 'listener',
    routes: 'route configuration',
    clusters: 'cluster',
    endpoints: 'cluster load assignment',
    secrets: 'secret',
  }[kind];
}

function compareProblems(a: SnapshotProblem, b: SnapshotProblem): number {
  return (
    KINDS.indexOf(a.type) - KINDS.indexOf(b.type) ||
    compareText(a.name, b.name) ||
    compareText(a.path, b.path) ||
    compareText(a.code, b.code) ||
    compareText(a.message, b.message)
  );
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
