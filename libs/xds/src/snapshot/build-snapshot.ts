// A snapshot: per resource kind, resources sorted by name, each with a content-hash
// version, and a kind version hashing the names and resource versions. A cluster's
// version is folded into its endpoints' version. Checked for consistency before use.
import {
  checkSnapshot,
  ResourceCheckCache,
  type JsonObject,
  type SnapshotProblem,
} from '@crossway/protos';
import {
  RESOURCE_KIND_ORDER,
  type EnvoyResourceKind,
  type EnvoyResources,
} from '../translate/resources';
import { INVALID_BACKEND_CLUSTER } from '../translate/route-action';
import { sha256, stableJson } from './stable-json';

export interface SnapshotResource {
  name: string;
  version: string;
  resource: JsonObject;
}

export interface SnapshotKind {
  version: string;
  resources: SnapshotResource[];
}

export interface Snapshot {
  kinds: Record<EnvoyResourceKind, SnapshotKind>;
  /** Consistency problems (empty when every reference resolves). */
  problems: readonly SnapshotProblem[];
}

export interface SnapshotOptions {
  /** Secrets served outside this snapshot (SDS is not translated yet). */
  externalSecrets?: readonly string[];
  /** Clusters that references may name without this snapshot defining them. */
  externalClusters?: readonly string[];
}

function resourceName(kind: EnvoyResourceKind, resource: JsonObject): string {
  const name = kind === 'endpoints' ? resource['cluster_name'] : resource['name'];
  return typeof name === 'string' ? name : '';
}

/**
 * One resource with its content-hash version; `outer` (a cluster's version, for its
 * endpoints) is folded in.
 */
export function versionResource(
  kind: EnvoyResourceKind,
  resource: JsonObject,
  outer: string | undefined,
): SnapshotResource {
  const name = resourceName(kind, resource);
  const body = stableJson(resource);
  return { name, version: sha256(outer === undefined ? body : `${body}\n${outer}`), resource };
}

/** A kind's version: the hash of its resources' names and versions, in name order. */
export function kindVersion(resources: readonly { name: string; version: string }[]): string {
  const sorted = [...resources].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return sha256(sorted.map((r) => `${r.name}\u0000${r.version}`).join('\n'));
}

function buildKind(
  kind: EnvoyResourceKind,
  list: readonly JsonObject[],
  folded: ReadonlyMap<string, string>,
): SnapshotKind {
  const resources = list
    .map((resource) => versionResource(kind, resource, folded.get(resourceName(kind, resource))))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { version: kindVersion(resources), resources };
}

/**
 * Every secret an SDS config in the snapshot names (listeners: certificates, client
 * CAs; clusters: the mesh identity and trust bundle, external CAs), for checks with
 * SDS served elsewhere.
 */
export function referencedSecrets(resources: EnvoyResources): string[] {
  const found = new Set<string>();
  const visit = (value: unknown, key: string): void => {
    if (Array.isArray(value)) value.forEach((v) => visit(v, key));
    else if (typeof value === 'object' && value !== null) {
      const entries = Object.entries(value);
      // tls_certificate_sds_secret_configs (a list) and validation_context_sds_secret_config.
      if (/sds_secret_configs?$/.test(key))
        for (const [k, v] of entries) if (k === 'name' && typeof v === 'string') found.add(v);
      for (const [k, v] of entries) visit(v, k);
    }
  };
  visit(resources.listeners, '');
  visit(resources.clusters, '');
  return [...found].sort();
}

/**
 * Per-resource check results by content version, shared by every snapshot this
 * process builds: a rebuild re-checks only resources whose content changed. The
 * problems found are the same with or without it (a test checks that).
 */
const resourceChecks = new ResourceCheckCache();

/**
 * The problems buildSnapshot would report for these resources of one kind on their
 * own (validation; not references from or to other resources). For replacing
 * resources whose names, and so every reference, stay the same.
 */
export function checkResources(
  kind: EnvoyResourceKind,
  resources: readonly SnapshotResource[],
): readonly SnapshotProblem[] {
  return checkSnapshot(
    { [kind]: resources.map((r) => r.resource) },
    {
      cache: resourceChecks,
      contentKeys: { [kind]: resources.map((r) => r.version) },
    },
  );
}

export function buildSnapshot(resources: EnvoyResources, options: SnapshotOptions = {}): Snapshot {
  const none = new Map<string, string>();
  const listeners = buildKind('listeners', resources.listeners, none);
  const routes = buildKind('routes', resources.routes, none);
  const clusters = buildKind('clusters', resources.clusters, none);
  const clusterVersions = new Map(clusters.resources.map((r) => [r.name, r.version]));
  const endpoints = buildKind('endpoints', resources.endpoints, clusterVersions);
  const secrets = buildKind('secrets', resources.secrets, none);
  const kinds: Record<EnvoyResourceKind, SnapshotKind> = {
    listeners,
    routes,
    clusters,
    endpoints,
    secrets,
  };
  const problems = checkSnapshot(
    Object.fromEntries(
      RESOURCE_KIND_ORDER.map((k) => [k, kinds[k].resources.map((r) => r.resource)]),
    ),
    {
      staticSecrets: options.externalSecrets ?? [],
      staticClusters: [INVALID_BACKEND_CLUSTER, ...(options.externalClusters ?? [])],
      cache: resourceChecks,
      contentKeys: Object.fromEntries(
        RESOURCE_KIND_ORDER.map((k) => [k, kinds[k].resources.map((r) => r.version)]),
      ),
    },
  );
  return { kinds, problems };
}
