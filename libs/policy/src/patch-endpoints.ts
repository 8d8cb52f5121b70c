// withServiceEndpoints: a resolved policy in which only the endpoints of some
// Services are recomputed from the current Workloads; every other part is shared
// with the previous resolution. The control plane uses it for batches that change
// Workloads only, where a whole resolvePolicy would redo every route table.
//
// Decisions:
// - The endpoints come from resolveServices itself, run on an index of just those
//   Services and their Workloads, so they are equal to what resolvePolicy computes
//   (same filtering by port name, same order); a test compares the two.
// - Statuses are not recomputed (Workload conditions may change with such a batch):
//   callers that publish statuses resolve the whole policy later.
// - A Service that no longer exists, or is new, cannot be patched: the caller
//   resolves the whole policy instead (undefined is returned).
import type { ValidatedObject } from '@crossway/model';
import { indexObjects } from './common/object-index';
import { grantChecker } from './common/reference-grants';
import { resolveServices } from './core/resolve-services';
import type { ResolvedPolicy, ResolvedService } from './resolved-types';

function serviceKey(service: { namespace: string; name: string }): string {
  return `${service.namespace}/${service.name}`;
}

/**
 * `resolved` with the endpoints of `services` ("namespace/name") recomputed from
 * `objects` (the whole current object set), or undefined when one of them is not a
 * Service of both `resolved` and `objects`.
 */
export function withServiceEndpoints(
  resolved: ResolvedPolicy,
  objects: readonly ValidatedObject[],
  services: ReadonlySet<string>,
): ResolvedPolicy | undefined {
  const relevant = objects.filter((o) => {
    const namespace = o.metadata.namespace ?? '';
    if (o.kind === 'Service') return services.has(`${namespace}/${o.metadata.name}`);
    if (o.kind === 'Workload') {
      const spec = o.spec as { service?: unknown };
      return typeof spec.service === 'string' && services.has(`${namespace}/${spec.service}`);
    }
    return false;
  });
  const index = indexObjects(relevant);
  const drafts = resolveServices(index, grantChecker(index.grants)).services;
  let found = 0;
  const patched = resolved.services.map((service): ResolvedService => {
    const key = serviceKey(service);
    if (!services.has(key)) return service;
    const draft = drafts.get(key);
    if (!draft) return service;
    found++;
    const byPort = new Map(draft.ports.map((p) => [p.port.port, p.endpoints]));
    return {
      ...service,
      ports: service.ports.map((port) => ({ ...port, endpoints: byPort.get(port.port) ?? [] })),
    };
  });
  if (found !== services.size || drafts.size !== services.size) return undefined;
  return { ...resolved, services: patched };
}
