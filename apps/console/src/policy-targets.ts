// Policy attachment as libs/policy (attachment/policy-targets.ts) defines it, shared by
// the object pages (policies in force) and the topology (policy chips): a policy's
// targetRef names an object in the policy's own namespace; a Mesh target from
// crossway-system applies mesh-wide, from any other namespace to that namespace only.
import type { ApiObject } from '@crossway/client';
import { SYSTEM_NAMESPACE } from '@crossway/model';
import { record, str } from './object-status';

export { SYSTEM_NAMESPACE };

export const POLICY_KINDS = [
  'TrafficPolicy',
  'AuthorizationPolicy',
  'RateLimitPolicy',
  'AuthenticationPolicy',
] as const;
export const ROUTE_KINDS = ['HTTPRoute', 'GRPCRoute', 'TCPRoute', 'TLSRoute'] as const;

export function isPolicyKind(kind: string): boolean {
  return (POLICY_KINDS as readonly string[]).includes(kind);
}

export function isRouteKind(kind: string): boolean {
  return (ROUTE_KINDS as readonly string[]).includes(kind);
}

/** A policy's spec.targetRef as written (fields missing when absent or not text). */
export interface TargetRef {
  kind?: string;
  name?: string;
  sectionName?: string;
}

export function targetRefOf(policy: { spec?: unknown }): TargetRef {
  const target = record(record(policy.spec)['targetRef']);
  const kind = str(target['kind']);
  const name = str(target['name']);
  const sectionName = str(target['sectionName']);
  return {
    ...(kind === undefined ? {} : { kind }),
    ...(name === undefined ? {} : { name }),
    ...(sectionName === undefined ? {} : { sectionName }),
  };
}

/** Whether `policy` targets the object kind/namespace/name directly (same namespace only). */
export function targetsObject(
  policy: ApiObject,
  object: { kind: string; namespace?: string | undefined; name: string },
): boolean {
  const target = targetRefOf(policy);
  return (
    target.kind === object.kind &&
    target.name === object.name &&
    policy.metadata.namespace === object.namespace
  );
}

/** For a Mesh-targeted policy, how far it reaches; undefined for other targets. */
export function meshScopeOf(policy: ApiObject): 'mesh-wide' | 'namespace' | undefined {
  if (targetRefOf(policy).kind !== 'Mesh') return undefined;
  return policy.metadata.namespace === SYSTEM_NAMESPACE ? 'mesh-wide' : 'namespace';
}
