// The upstream clusters of the mesh as sidecars see them: one per Service port,
// with mesh mTLS (the upstream's SPIFFE ID) or an external Service's own TLS
// (upstream-tls.ts, shared with edges) and endpoints. They do not depend on the
// proxy, so they are built once per resolved policy and every sidecar's IR
// shares the same objects.
import type { ResolvedPolicy, ResolvedService } from '@crossway/policy';
import { buildBackends } from './build-backends';
import type { IrBackend } from './common-ir';
import { clusterName } from './names';
import type { SidecarUpstream } from './sidecar-ir';
import { upstreamTlsOf } from './upstream-tls';

function buildUpstream(
  resolved: ResolvedPolicy,
  service: ResolvedService,
  backend: IrBackend,
): SidecarUpstream {
  const upstream: SidecarUpstream = { backend };
  const tls = upstreamTlsOf(resolved, service);
  if (tls) upstream.tls = tls;
  if (service.external)
    upstream.external = {
      resolution: service.external.resolution,
      endpoints: service.external.endpoints.map((e) => ({
        address: e.address,
        port: e.port ?? backend.port,
      })),
    };
  return upstream;
}

function buildAll(resolved: ResolvedPolicy): Map<string, SidecarUpstream> {
  const services = new Map<string, ResolvedService>();
  for (const service of resolved.services)
    for (const port of service.ports) services.set(clusterName(service, port.port), service);
  const result = new Map<string, SidecarUpstream>();
  for (const backend of buildBackends(resolved, new Set(services.keys()))) {
    const service = services.get(backend.cluster);
    if (service) result.set(backend.cluster, buildUpstream(resolved, service, backend));
  }
  return result;
}

const caches = new WeakMap<ResolvedPolicy, Map<string, SidecarUpstream>>();

/** Every Service port's upstream by cluster name, built once per resolved policy. Read-only. */
export function sidecarUpstreams(resolved: ResolvedPolicy): ReadonlyMap<string, SidecarUpstream> {
  let cached = caches.get(resolved);
  if (!cached) {
    cached = buildAll(resolved);
    caches.set(resolved, cached);
  }
  return cached;
}

/**
 * Seeds the upstreams of `next`, a resolution of `previous` in which only the
 * endpoints of `services` ("namespace/name") differ: every other Service's upstream
 * object is shared (so its cluster and endpoints stay memoized), those Services'
 * ports are built anew. Does nothing when `previous` has no upstreams built.
 */
export function carryOverUpstreams(
  previous: ResolvedPolicy,
  next: ResolvedPolicy,
  services: ReadonlySet<string>,
): void {
  const known = caches.get(previous);
  if (!known || caches.has(next)) return;
  const carried = new Map(known);
  const changed = new Map<string, ResolvedService>();
  for (const service of next.services)
    if (services.has(`${service.namespace}/${service.name}`))
      for (const port of service.ports) changed.set(clusterName(service, port.port), service);
  for (const cluster of changed.keys()) carried.delete(cluster);
  for (const backend of buildBackends(next, new Set(changed.keys()))) {
    const service = changed.get(backend.cluster);
    if (service) carried.set(backend.cluster, buildUpstream(next, service, backend));
  }
  caches.set(next, carried);
}
