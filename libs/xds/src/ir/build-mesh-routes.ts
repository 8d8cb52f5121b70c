// Mesh routing as callers see it (sidecar outbound, proxyless clients): for one
// Service port and one caller namespace, the virtual host and routes GAMMA gives
// (the consumer routes of the caller's namespace when it has any, else the
// producer routes, else the port's default route). Computed once per resolved
// policy and caller view, then shared by every proxy that needs it.
import type { ResolvedPolicy, ResolvedService, ResolvedServicePort } from '@crossway/policy';
import { buildRouteIr } from './build-route-ir';
import type { IrVirtualHost } from './common-ir';

/** Derived virtual host name of a Service port in the mesh: "<name>.<namespace>:<port>". */
export function meshHostName(service: { namespace: string; name: string }, port: number): string {
  return `${service.name}.${service.namespace}:${port}`;
}

export interface MeshVirtualHostOptions {
  /** Also answer the Service's hosts without a port (only one port of a Service may in one table). */
  bareHosts: boolean;
}

/** Which route table a caller in `callerNamespace` uses for the port: its consumer routes, else the producer's. */
export function meshRouteView(port: ResolvedServicePort, callerNamespace: string): string {
  return port.routes.consumers.some((c) => c.namespace === callerNamespace)
    ? `consumer:${callerNamespace}`
    : 'producer';
}

function buildMeshVirtualHost(
  resolved: ResolvedPolicy,
  service: ResolvedService,
  port: ResolvedServicePort,
  callerNamespace: string,
  options: MeshVirtualHostOptions,
): IrVirtualHost {
  const consumer = port.routes.consumers.find((c) => c.namespace === callerNamespace);
  const entries = consumer ? consumer.entries : port.routes.producer;
  const domains = service.hosts.flatMap((host) =>
    options.bareHosts ? [host, `${host}:${port.port}`] : [`${host}:${port.port}`],
  );
  return {
    name: meshHostName(service, port.port),
    domains,
    routes: entries.map((entry) => buildRouteIr(entry, { resolved })),
  };
}

const caches = new WeakMap<ResolvedPolicy, Map<string, IrVirtualHost>>();

/**
 * The virtual host of `service`'s `port` for callers in `callerNamespace`. Memoized per
 * resolved policy: every caller namespace that sees the producer table shares one object.
 * Treat the result as read-only.
 */
export function meshVirtualHost(
  resolved: ResolvedPolicy,
  service: ResolvedService,
  port: ResolvedServicePort,
  callerNamespace: string,
  options: MeshVirtualHostOptions,
): IrVirtualHost {
  let cache = caches.get(resolved);
  if (!cache) {
    cache = new Map();
    caches.set(resolved, cache);
  }
  const key = `${service.namespace}/${service.name}/${port.port}/${meshRouteView(port, callerNamespace)}/${options.bareHosts}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const built = buildMeshVirtualHost(resolved, service, port, callerNamespace, options);
  cache.set(key, built);
  return built;
}
