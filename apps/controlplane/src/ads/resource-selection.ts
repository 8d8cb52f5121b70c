// Which resources of a snapshot a subscription gets, shared by SotW and Delta:
// every entry of the type for a wildcard subscriber, plus each subscribed name
// found in the type or answered by snapshot.lookup (proxyless server listeners).
import { createHash } from 'node:crypto';
import { TYPE_URLS, type ProxySnapshot, type SnapshotEntry } from '../contracts';

/** Types where an empty first subscription means "everything" (xDS legacy wildcard). */
export const WILDCARD_TYPES: ReadonlySet<string> = new Set([
  TYPE_URLS.listeners,
  TYPE_URLS.clusters,
]);

/** The explicit wildcard name. */
export const WILDCARD = '*';

export const KNOWN_TYPES: ReadonlySet<string> = new Set(Object.values(TYPE_URLS));

const CANONICAL_TYPES = new Map<string, string>(Object.values(TYPE_URLS).map((t) => [t, t]));

/** The TYPE_URLS string equal to `typeUrl` (one copy for every stream), else `typeUrl`. */
export function canonicalType(typeUrl: string): string {
  return CANONICAL_TYPES.get(typeUrl) ?? typeUrl;
}

export interface Subscription {
  wildcard: boolean;
  names: ReadonlySet<string>;
}

/** The entries a subscriber of `typeUrl` gets from `snapshot`, sorted by name. */
export function selectEntries(
  snapshot: ProxySnapshot,
  typeUrl: string,
  subscription: Subscription,
): SnapshotEntry[] {
  const entries = snapshot.types.get(typeUrl)?.entries;
  const selected = new Map<string, SnapshotEntry>();
  if (subscription.wildcard && entries)
    for (const [name, entry] of entries) selected.set(name, entry);
  for (const name of subscription.names) {
    if (selected.has(name)) continue;
    const entry = entries?.get(name) ?? snapshot.lookup(typeUrl, name);
    if (entry) selected.set(name, entry);
  }
  return [...selected.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** A digest of exactly what a response would carry: equal digest, nothing new to send. */
export function contentDigest(entries: readonly SnapshotEntry[]): string {
  const hash = createHash('sha256');
  for (const entry of entries) hash.update(`${entry.name}\u0000${entry.version}\n`);
  return hash.digest('hex');
}

/**
 * The stored objects behind a rejected response: those of the resources the error
 * message names when it names any (Envoy and gRPC usually do), else of all of them.
 */
export function rejectedObjects(
  snapshot: ProxySnapshot,
  typeUrl: string,
  names: readonly string[],
  error: string,
): string[] {
  const named = names.filter((name) => name !== '' && error.includes(name));
  const objects = new Set<string>();
  for (const name of named.length > 0 ? named : names)
    for (const source of snapshot.sources(typeUrl, name)) objects.add(source);
  return [...objects].sort();
}
