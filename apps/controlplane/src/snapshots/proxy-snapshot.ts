// A group's ProxySnapshot from its built Snapshot: every resource as a shared
// encoded entry (EntryPool), per-type versions as buildSnapshot computed them,
// proxyless server Listeners encoded on demand when asked for by name, and the
// objects behind each resource for NACK reports.
import type { JsonObject } from '@crossway/protos';
import {
  ENVOY_TYPES,
  parseServerListenerName,
  proxylessServerListener,
  RESOURCE_KIND_ORDER,
  sha256,
  stableJson,
  type ProxylessIr,
  type Snapshot,
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
}

export function proxySnapshot(
  built: Snapshot,
  pool: EntryPool,
  changeSeenAt: number,
  proxylessIr: ProxylessIr | undefined,
): BuiltProxySnapshot {
  const types = new Map<string, TypeSnapshot>();
  const resources = new Map<string, JsonObject>();
  const allEntries: SnapshotEntry[] = [];
  for (const kind of RESOURCE_KIND_ORDER) {
    const typeUrl = TYPE_URL_OF_KIND[kind];
    const entries = new Map<string, SnapshotEntry>();
    for (const r of built.kinds[kind].resources) {
      const entry = pool.entry(ENVOY_TYPES[kind], r.name, r.version, r.resource);
      entries.set(r.name, entry);
      allEntries.push(entry);
      resources.set(`${typeUrl}\u0000${r.name}`, r.resource);
    }
    types.set(typeUrl, { version: built.kinds[kind].version, entries });
  }
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
        resources.set(`${typeUrl}\u0000${name}`, listener);
      }
    }
    onDemand.set(name, entry);
    return entry;
  };
  return {
    types,
    lookup,
    sources: (typeUrl, name) => resourceSources(name, resources.get(`${typeUrl}\u0000${name}`)),
    changeSeenAt,
    fingerprint: sha256(
      [...types.entries()].map(([url, t]) => `${url}=${t.version}`).join('\n') +
        (proxylessIr ? `\n${stableJson(proxylessIr)}` : ''),
    ),
    get allEntries() {
      return [...allEntries, ...[...onDemand.values()].flatMap((e) => (e ? [e] : []))];
    },
  };
}
