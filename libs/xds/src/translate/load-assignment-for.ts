// The ClusterLoadAssignment one cluster gets in a full edge or sidecar build, on
// its own: for control planes that re-send only endpoints when only Workloads
// changed. It runs the very builders a full build runs (sidecar upstreams, or the
// edge's backends with its Gateway's policies, then the same endpoint translation
// with the proxy's locality), so the result is equal by construction; a test in
// the control plane compares patched snapshots with full rebuilds.
import type { ResolvedPolicy } from '@crossway/policy';
import type { JsonObject } from '@crossway/protos';
import { buildBackends } from '../ir/build-backends';
import type { EdgeIr } from '../ir/edge-ir';
import { sidecarUpstreams } from '../ir/sidecar-upstreams';
import { upstreamEndpoints } from './sidecar-upstreams';
import { translateEndpoints } from './translate-endpoints';

export { carryOverUpstreams } from '../ir/sidecar-upstreams';

export type LoadAssignmentTarget =
  | { role: 'sidecar'; locality: { region?: string; zone?: string } }
  | {
      role: 'edge';
      gateway: { namespace: string; name: string };
      locality: { region?: string; zone?: string };
    };

/** The cluster's assignment, or undefined when the target's full build would have none. */
export function loadAssignmentFor(
  resolved: ResolvedPolicy,
  cluster: string,
  target: LoadAssignmentTarget,
): JsonObject | undefined {
  if (target.role === 'sidecar') {
    const upstream = sidecarUpstreams(resolved).get(cluster);
    return upstream ? upstreamEndpoints(upstream, target.locality) : undefined;
  }
  const [backend] = buildBackends(resolved, new Set([cluster]), target.gateway);
  if (!backend) return undefined;
  const view: Pick<EdgeIr, 'backends' | 'locality'> = {
    backends: [backend],
    locality: target.locality,
  };
  return translateEndpoints.build(view as EdgeIr).endpoints?.[0];
}
