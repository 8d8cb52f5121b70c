// targetRef resolution: does the target exist, what level it sits at, and a key
// grouping policies that share one target (conflicts are decided within a group).
import { MESH_NAME, SYSTEM_NAMESPACE, type ObjectReference } from '@crossway/model';
import { falseCondition, REASONS, type ConditionDraft } from '../common/conditions';
import { objectReference } from '../common/ids';
import type { ObjectIndex } from '../common/object-index';
import {
  TRAFFIC_POLICY_LEVELS,
  type AttachmentLevel,
  type PolicyTarget,
  type TrafficPolicyLevel,
} from './attachment-types';

export interface TargetRefInput {
  kind: 'Mesh' | 'Gateway' | 'Service' | 'HTTPRoute' | 'GRPCRoute';
  name: string;
  sectionName?: string | undefined;
}

export type TargetResult =
  | { ok: true; target: PolicyTarget; level: AttachmentLevel; ancestorRef: ObjectReference }
  | { ok: false; ancestorRef: ObjectReference; condition: ConditionDraft };

export function levelRank(level: TrafficPolicyLevel): number {
  return TRAFFIC_POLICY_LEVELS.indexOf(level);
}

export function levelOf(target: PolicyTarget): AttachmentLevel {
  switch (target.kind) {
    case 'Mesh':
      return target.namespace === undefined ? 'Mesh' : 'NamespaceMesh';
    case 'Gateway':
      return target.sectionName === undefined ? 'Gateway' : 'Listener';
    case 'Service':
      return target.sectionName === undefined ? 'Service' : 'ServicePort';
    case 'HTTPRoute':
    case 'GRPCRoute':
      return target.sectionName === undefined ? 'Route' : 'RouteRule';
  }
}

export function targetKey(target: PolicyTarget): string {
  if (target.kind === 'Mesh') return `Mesh/${target.namespace ?? ''}`;
  return `${target.kind}/${target.namespace}/${target.name}/${target.sectionName ?? ''}`;
}

export function describeTarget(target: PolicyTarget): string {
  if (target.kind === 'Mesh')
    return target.namespace === undefined
      ? 'Mesh (mesh-wide)'
      : `Mesh (namespace "${target.namespace}")`;
  const section = target.sectionName === undefined ? '' : ` section "${target.sectionName}"`;
  return `${target.kind} ${target.namespace}/${target.name}${section}`;
}

function sectionExists(
  index: ObjectIndex,
  ref: TargetRefInput,
  namespace: string,
): string | undefined {
  const key = `${namespace}/${ref.name}`;
  const section = ref.sectionName;
  switch (ref.kind) {
    case 'Mesh':
      return ref.name === MESH_NAME
        ? undefined
        : `Mesh "${ref.name}" not found (the Mesh is "${MESH_NAME}")`;
    case 'Gateway': {
      const gateway = index.gateways.get(key);
      if (!gateway) return `Gateway ${key} not found`;
      if (section !== undefined && !gateway.spec.listeners.some((l) => l.name === section))
        return `Gateway ${key} has no listener "${section}"`;
      return undefined;
    }
    case 'Service': {
      const service = index.services.get(key);
      if (!service) return `Service ${key} not found`;
      if (section !== undefined && !service.spec.ports.some((p) => p.name === section))
        return `Service ${key} has no port named "${section}"`;
      return undefined;
    }
    case 'HTTPRoute':
    case 'GRPCRoute': {
      const route = index.routes.find(
        (r) => r.kind === ref.kind && r.namespace === namespace && r.name === ref.name,
      );
      if (!route) return `${ref.kind} ${key} not found`;
      if (
        section !== undefined &&
        !(route.kind === 'HTTPRoute' || route.kind === 'GRPCRoute'
          ? route.spec.rules.some((r) => r.name === section)
          : false)
      )
        return `${ref.kind} ${key} has no rule named "${section}"`;
      return undefined;
    }
  }
}

export function resolveTarget(
  index: ObjectIndex,
  namespace: string,
  ref: TargetRefInput,
): TargetResult {
  const ancestorRef = objectReference(ref.kind, ref.name, {
    namespace: ref.kind === 'Mesh' ? undefined : namespace,
    sectionName: ref.sectionName,
  });
  const missing = sectionExists(index, ref, namespace);
  if (missing !== undefined)
    return {
      ok: false,
      ancestorRef,
      condition: falseCondition('Accepted', REASONS.TargetNotFound, missing),
    };
  let target: PolicyTarget;
  if (ref.kind === 'Mesh') {
    target = namespace === SYSTEM_NAMESPACE ? { kind: 'Mesh' } : { kind: 'Mesh', namespace };
  } else {
    target = { kind: ref.kind, namespace, name: ref.name };
    if (ref.sectionName !== undefined) target.sectionName = ref.sectionName;
  }
  return { ok: true, target, level: levelOf(target), ancestorRef };
}
