// Endpoint patches: when a batch changed Workloads only, a group that is neither
// proxyless nor the changed Workloads' own (their Service's sidecars keep full
// rebuilds: their inbound side reads their Workload) differs from its last snapshot
// only in the ClusterLoadAssignments of the changed Services. Those are rebuilt
// with the builders a full build uses (loadAssignmentFor), versioned and checked
// as buildSnapshot would, and swapped in. A full resolvePolicy and a translation
// of every affected group (the edges' whole route tables among them) are skipped.
//
// Decisions:
// - Anything unexpected (a cluster whose assignment cannot be built, a problem in
//   a new assignment) answers undefined and the caller rebuilds the group whole.
// - The result is equal to a full rebuild's snapshot, fingerprint included; a test
//   compares the two after each of a series of Workload changes.
import type { ResolvedPolicy } from '@crossway/policy';
import {
  checkResources,
  loadAssignmentFor,
  versionResource,
  type LoadAssignmentTarget,
  type SnapshotResource,
} from '@crossway/xds';
import { TYPE_URLS, type ProxyNode } from '../contracts';
import { serviceOfCluster, type ChangeScope } from './affected-groups';
import type { EntryPool } from './entry-pool';
import { withEndpoints, type BuiltProxySnapshot } from './proxy-snapshot';

type WorkloadScope = Extract<ChangeScope, { all: false }>;

/** True when the group's snapshot can change beyond its endpoints in this batch. */
export function needsFullBuild(node: ProxyNode, scope: WorkloadScope): boolean {
  if (node.role === 'proxyless') return true;
  if (node.service !== undefined && scope.owners.has(node.service)) return true;
  if (node.workload !== undefined && node.service !== undefined) {
    const namespace = node.service.split('/')[0] ?? '';
    if (scope.workloads.has(`${namespace}/${node.workload}`)) return true;
  }
  return false;
}

function targetOf(node: ProxyNode): LoadAssignmentTarget | undefined {
  const locality = {
    ...(node.locality.region === undefined ? {} : { region: node.locality.region }),
    ...(node.locality.zone === undefined ? {} : { zone: node.locality.zone }),
  };
  if (node.role === 'sidecar') return { role: 'sidecar', locality };
  if (node.role !== 'edge' || node.gateway === undefined) return undefined;
  const [namespace, name] = node.gateway.split('/');
  if (namespace === undefined || name === undefined) return undefined;
  return { role: 'edge', gateway: { namespace, name }, locality };
}

/** The group's snapshot with the changed Services' endpoints rebuilt, or undefined. */
export function patchEndpoints(
  resolved: ResolvedPolicy,
  node: ProxyNode,
  current: BuiltProxySnapshot,
  services: ReadonlySet<string>,
  pool: EntryPool,
  changeSeenAt: number,
): BuiltProxySnapshot | undefined {
  const target = targetOf(node);
  const endpoints = current.types.get(TYPE_URLS.endpoints);
  const clusters = current.types.get(TYPE_URLS.clusters);
  if (!target || !endpoints || !clusters) return undefined;
  const replacements: SnapshotResource[] = [];
  for (const name of endpoints.entries.keys()) {
    const service = serviceOfCluster(name);
    if (service === undefined || !services.has(service)) continue;
    const assignment = loadAssignmentFor(resolved, name, target);
    if (!assignment) return undefined;
    replacements.push(
      versionResource('endpoints', assignment, clusters.entries.get(name)?.version),
    );
  }
  if (replacements.length === 0) return current;
  if (checkResources('endpoints', replacements).length > 0) return undefined;
  return withEndpoints(current, replacements, pool, changeSeenAt);
}
