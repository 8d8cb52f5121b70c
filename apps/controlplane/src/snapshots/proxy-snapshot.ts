// A group's ProxySnapshot from its built Snapshot: every resource as a shared
// encoded entry (EntryPool), per-type versions as buildSnapshot computed them,
// proxyless server Listeners encoded on demand when asked for by name, and the
// objects behind each resource for NACK reports.
//
// Decisions:
// - No resource JSON is kept per group: the objects behind a resource (NACKs only)
//   are read from its encoded entry when asked for. A group holds its entries,
//   which every group with the same resource version shares.
// - withEndpoints() replaces some ClusterLoadAssignments of a snapshot (Workload-
//   only changes): the new endpoint type version is computed as buildSnapshot would
//   (kindVersion), so a patched snapshot equals a full rebuild, fingerprint included.
import { decodeAny, toProto3Json } from '@crossway/protos';
import {
  ENVOY_TYPES,
  kindVersion,
  parseServerListenerName,
  proxylessServerListener,
  RESOURCE_KIND_ORDER,
  sha256,
  stableJson,
  type ProxylessIr,
  type Snapshot,
  type SnapshotResource,
} from '@crossway/xds';
import { TYPE_URLS, type ProxySnapshot, type SnapshotEntry, type TypeSnapshot } from '../contracts';
import type { EntryPool } from './entry-pool';
import { resourceSources } from './resource-sources';

const TYPE_URL_OF_KIND = {
  listeners: TYPE_URLS.listeners,
  routes: TYPE_URLS.routes,
  clusters: TYPE_URLS.clusters,
  endpoints: TYPE_URLS.endpoints,
  secrets: TYPE_URLS.secrets,
} as const;

export interface BuiltProxySnapshot extends ProxySnapshot {
  /** Every entry this snapshot holds (for EntryPool.sweep). */
  readonly allEntries: readonly SnapshotEntry[];
  /**
   * Equal content, equal fingerprint: the type versions, and for proxyless the IR
   * (server Listeners asked for by name are not among the types).
   */
  readonly fingerprint: string;
  /** Proxyless only: its IR (server Listeners are built from it on demand). */
  readonly proxylessIr: ProxylessIr | undefined;
}

function sourcesOf(entry: SnapshotEntry | undefined, name: string): string[] {
  if (!entry) return resourceSources(name, undefined);
  try {
    return resourceSources(name, toProto3Json(decodeAny(entry.any).message));
  } catch {
    return resourceSources(name, undefined);
  }
}

function assemble(
  types: Map<string, TypeSnapshot>,
  pool: EntryPool,
  changeSeenAt: number,
  proxylessIr: ProxylessIr | undefined,
): BuiltProxySnapshot {
  // Server Listeners by requested name: built on demand, cached for this snapshot.
  const onDemand = new Map<string, SnapshotEntry | undefined>();
  const lookup = (typeUrl: string, name: string): SnapshotEntry | undefined => {
    const held = types.get(typeUrl)?.entries.get(name);
    if (held || typeUrl !== TYPE_URLS.listeners || !proxylessIr) return held;
    if (onDemand.has(name)) return onDemand.get(name);
    let entry: SnapshotEntry | undefined;
    if (parseServerListenerName(name)) {
      const listener = proxylessServerListener(proxylessIr, name);
      if (listener) {
        const version = sha256(stableJson(listener));
        entry = pool.entry(ENVOY_TYPES.listeners, name, version, listener);
      }
    }
    onDemand.set(name, entry);
    return entry;
  };
  return {
    types,
    lookup,
    sources: (typeUrl, name) => sourcesOf(lookup(typeUrl, name), name),
    changeSeenAt,
    proxylessIr,
    fingerprint: sha256(
      [...types.entries()].map(([url, t]) => `${url}=${t.version}`).join('\n') +
        (proxylessIr ? `\n${stableJson(proxylessIr)}` : ''),
    ),
    get allEntries() {
      const held = [...types.values()].flatMap((t) => [...t.entries.values()]);
      return [...held, ...[...onDemand.values()].flatMap((e) => (e ? [e] : []))];
    },
  };
}

export function proxySnapshot(
  built: Snapshot,
  pool: EntryPool,
  changeSeenAt: number,
  proxylessIr: ProxylessIr | undefined,
): BuiltProxySnapshot {
  const types = new Map<string, TypeSnapshot>();
  for (const kind of RESOURCE_KIND_ORDER) {
    const entries = new Map<string, SnapshotEntry>();
    for (const r of built.kinds[kind].resources) {
      // Keyed by the pooled entry's name: one string for every group holding it.
      const entry = pool.entry(ENVOY_TYPES[kind], r.name, r.version, r.resource);
      entries.set(entry.name, entry);
    }
    types.set(TYPE_URL_OF_KIND[kind], { version: built.kinds[kind].version, entries });
  }
  return assemble(types, pool, changeSeenAt, proxylessIr);
}

/**
 * `snapshot` with these ClusterLoadAssignments in place of the ones of the same
 * names (versioned by versionResource with their cluster's version folded in).
 */
export function withEndpoints(
  snapshot: BuiltProxySnapshot,
  replacements: readonly SnapshotResource[],
  pool: EntryPool,
  changeSeenAt: number,
): BuiltProxySnapshot {
  const types = new Map(snapshot.types);
  const previous = types.get(TYPE_URLS.endpoints);
  const entries = new Map(previous?.entries);
  for (const r of replacements) {
    const entry = pool.entry(ENVOY_TYPES.endpoints, r.name, r.version, r.resource);
    entries.set(entry.name, entry);
  }
  types.set(TYPE_URLS.endpoints, { version: kindVersion([...entries.values()]), entries });
  return assemble(types, pool, changeSeenAt, snapshot.proxylessIr);
}
