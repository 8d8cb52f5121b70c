// Services by "namespace/name", built once per resolved policy: per-proxy work
// (scoping, IR building) looks Services up instead of scanning all of them, so a
// fleet of proxies costs each proxy its own scope, not the size of the mesh.
import type { ResolvedPolicy, ResolvedService } from '../resolved-types';

const indexes = new WeakMap<ResolvedPolicy, ReadonlyMap<string, ResolvedService>>();

export function serviceIndex(resolved: ResolvedPolicy): ReadonlyMap<string, ResolvedService> {
  let index = indexes.get(resolved);
  if (!index) {
    index = new Map(resolved.services.map((s) => [`${s.namespace}/${s.name}`, s]));
    indexes.set(resolved, index);
  }
  return index;
}
