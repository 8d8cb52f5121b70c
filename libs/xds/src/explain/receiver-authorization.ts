// Authorization at the receiving side of a mesh hop, shared by explain for mesh
// callers and for edges: each backend Service port's inbound side evaluates its
// AuthorizationPolicies with the caller's identity (a workload's, or the edge's
// own "spiffe://<td>/ns/<ns>/gateway/<name>"; none when the Mesh disables mTLS,
// as no certificate is presented then). Any DENY wins.
import {
  authenticationFor,
  authorizationFor,
  evaluateAuthorization,
  rateLimitsFor,
  type AuthorizationRequest,
  type AuthorizationVerdict,
  type ReceiverTarget,
  type ResolvedPolicy,
  type SourceIdentity,
} from '@crossway/policy';
import { gatewaySpiffeId } from '../ir/names';
import { receiverPolicies } from './explain-request';
import type { ExplainedPolicy } from './explain-types';

export interface MeshBackend {
  service: { namespace: string; name: string };
  port: number;
}

/** The identity an edge of Gateway `gateway` presents to mesh Services. */
export function edgeIdentity(
  resolved: ResolvedPolicy,
  gateway: { namespace: string; name: string },
): SourceIdentity {
  const { trustDomain, mtls } = resolved.mesh.spec;
  if (mtls.mode === 'DISABLED') return {};
  return {
    namespace: gateway.namespace,
    gateway: gateway.name,
    spiffeId: gatewaySpiffeId(trustDomain, gateway.namespace, gateway.name),
  };
}

/** The inbound sides of the mesh Services among `backends` (external Services have none). */
export function meshReceivers(
  resolved: ResolvedPolicy,
  backends: readonly MeshBackend[],
): { target: ReceiverTarget; port: number }[] {
  return backends.flatMap((b) => {
    const service = resolved.services.find(
      (s) => s.namespace === b.service.namespace && s.name === b.service.name,
    );
    if (!service || service.external) return [];
    const portName = service.ports.find((p) => p.port === b.port)?.name;
    return [{ target: { kind: 'Service', ...b.service, sectionName: portName }, port: b.port }];
  });
}

/** The verdicts of every receiver for the request, with `identity` as the source. */
export function receiverVerdicts(
  resolved: ResolvedPolicy,
  receivers: readonly { target: ReceiverTarget; port: number }[],
  identity: SourceIdentity,
  request: Omit<AuthorizationRequest, 'source' | 'port'>,
): AuthorizationVerdict[] {
  return receivers.map(({ target, port }) =>
    evaluateAuthorization(authorizationFor(resolved, target), {
      ...request,
      source: identity,
      port,
    }),
  );
}

/** The AuthorizationPolicies, RateLimitPolicies and AuthenticationPolicies of the receivers, once each. */
export function receiversPolicies(
  resolved: ResolvedPolicy,
  receivers: readonly { target: ReceiverTarget }[],
): ExplainedPolicy[] {
  const all = receivers.flatMap(({ target }) => {
    const set = authorizationFor(resolved, target);
    return [
      ...receiverPolicies(
        resolved.authorizationPolicies.filter((p) =>
          [...set.denies, ...set.allows].some(
            (e) => e.policy.namespace === p.policy.namespace && e.policy.name === p.policy.name,
          ),
        ),
        (spec) => [`action:${spec.action}`],
      ),
      ...receiverPolicies(rateLimitsFor(resolved, target), () => ['limits']),
      ...receiverPolicies(authenticationFor(resolved, target), () => ['providers']),
    ];
  });
  return [...new Map(all.map((p) => [`${p.kind}/${p.namespace}/${p.name}`, p])).values()];
}
