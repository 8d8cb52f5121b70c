// The sidecar IR of one Service's Workload: inbound listeners on the workload's
// ports to the local app, outbound listeners (Host-routed and dedicated) with
// GAMMA routing for the Services it may reach, and the shared upstream clusters.
// Pure: same resolved policy and options, same IR.
import type { WorkloadSpec } from '@crossway/model';
import {
  serviceIndex,
  reachableServices,
  type ResolvedPolicy,
  type ResolvedService,
  type ResolvedServicePort,
} from '@crossway/policy';
import { clustersOfRoutes } from './build-backends';
import { buildHttpFilterIr } from './build-http-filter-ir';
import { buildAuthorizationIr } from './http-filters/build-authorization-ir';
import { meshVirtualHost } from './build-mesh-routes';
import type { IrBackend, IrVirtualHost } from './common-ir';
import {
  clusterName,
  inboundClusterName,
  MESH_CERTIFICATE_SDS,
  MESH_TRUST_BUNDLE_SDS,
  sidecarListenerName,
  sidecarOutboundTableName,
  spiffeId,
} from './names';
import type {
  SidecarInbound,
  SidecarIr,
  SidecarOutbound,
  SidecarRouteTable,
  SidecarUpstream,
} from './sidecar-ir';
import { sidecarUpstreams } from './sidecar-upstreams';

/** Outbound HTTP routed by Host when the Workload lists no outbound port (15001 is reserved for it). */
export const DEFAULT_OUTBOUND_PORT = 15001;
/** SDS names (names.ts: shared with edges and proxyless certificate providers). */
export const SIDECAR_CERTIFICATE_SDS = MESH_CERTIFICATE_SDS;
export const SIDECAR_TRUST_BUNDLE_SDS = MESH_TRUST_BUNDLE_SDS;

export type SidecarOutboundEntry = NonNullable<WorkloadSpec['outbound']>[number];
export type SidecarWorkloadPort = WorkloadSpec['ports'][number];

export interface SidecarOptions {
  /** "ns/name" of the Service whose workload the sidecar sits beside. */
  service: string;
  /** The Workload's name: its ports decide the inbound listeners. */
  workload?: string;
  /** The workload's ports as its node sends them (metadata `ports`); default: the registered Workload's. */
  ports?: readonly SidecarWorkloadPort[];
  /** The Workload's explicit outbound ports (spec.outbound or node metadata). */
  outbound?: readonly SidecarOutboundEntry[];
  /**
   * The proxy's own locality (node.locality). Only locality failover reads it:
   * endpoints are then shared per locality rather than by every sidecar.
   */
  locality?: { region?: string; zone?: string };
}

const HTTP_PROTOCOLS = new Set<IrBackend['protocol']>(['http', 'http2', 'grpc']);

function isHttp(port: { protocol: IrBackend['protocol'] }): boolean {
  return HTTP_PROTOCOLS.has(port.protocol);
}

/** The workload's ports: the node's own (metadata `ports`), else the registered Workload's. */
function workloadPorts(
  service: ResolvedService,
  workload: string | undefined,
  ports: readonly SidecarWorkloadPort[] | undefined,
): Map<string, { port: number; targetPort: number }> | undefined {
  if (ports)
    return new Map(
      ports.map((p) => [p.name, { port: p.port, targetPort: p.targetPort ?? p.port }]),
    );
  if (workload === undefined) return undefined;
  const found = new Map<string, { port: number; targetPort: number }>();
  for (const port of service.ports) {
    const endpoint = port.endpoints.find((e) => e.workload === workload);
    if (endpoint) found.set(port.name, { port: endpoint.port, targetPort: endpoint.targetPort });
  }
  return found.size > 0 ? found : undefined;
}

function buildInbound(
  resolved: ResolvedPolicy,
  service: ResolvedService,
  options: SidecarOptions,
): SidecarInbound[] {
  const ports = workloadPorts(service, options.workload, options.ports);
  const inbound: SidecarInbound[] = [];
  for (const port of service.ports) {
    const own = ports?.get(port.name);
    // A known workload serves only the ports it lists; without one, every Service port.
    if (ports && !own) continue;
    const listenPort = own?.port ?? port.port;
    const target = { kind: 'Service' as const, namespace: service.namespace, name: service.name };
    const section = { ...target, sectionName: port.name };
    const entry: SidecarInbound = {
      name: sidecarListenerName(service, 'inbound', listenPort),
      portName: port.name,
      port: listenPort,
      servicePort: port.port,
      targetPort: own?.targetPort ?? port.port,
      protocol: port.protocol,
      appCluster: inboundClusterName(service, listenPort),
    };
    if (isHttp(port))
      entry.httpFilters = buildHttpFilterIr({
        resolved,
        role: 'sidecar',
        target: section,
        routes: [],
        ports: { service: port.port, listening: [listenPort] },
      });
    else {
      const authorization = buildAuthorizationIr(resolved, 'sidecar', section);
      if (authorization) entry.authorization = authorization;
    }
    inbound.push(entry);
  }
  return inbound.sort((a, b) => a.port - b.port);
}

/** Drops domains an earlier virtual host of the table already claims (a new object, never a mutation). */
function withoutClaimed(vhost: IrVirtualHost, claimed: Set<string>): IrVirtualHost | undefined {
  const domains = vhost.domains.filter((d) => !claimed.has(d.toLowerCase()));
  for (const d of domains) claimed.add(d.toLowerCase());
  if (domains.length === 0) return undefined;
  return domains.length === vhost.domains.length ? vhost : { ...vhost, domains };
}

/** Every HTTP port of every reachable Service; the lowest HTTP port of a Service owns its bare hosts. */
function hostRoutedHosts(
  resolved: ResolvedPolicy,
  self: ResolvedService,
  reachable: readonly ResolvedService[],
): IrVirtualHost[] {
  const claimed = new Set<string>();
  const vhosts: IrVirtualHost[] = [];
  for (const service of reachable) {
    const httpPorts = service.ports.filter(isHttp);
    httpPorts.forEach((port, i) => {
      const vhost = meshVirtualHost(resolved, service, port, self.namespace, {
        bareHosts: i === 0,
      });
      const kept = withoutClaimed(vhost, claimed);
      if (kept) vhosts.push(kept);
    });
  }
  return vhosts;
}

function findServicePort(
  resolved: ResolvedPolicy,
  entry: SidecarOutboundEntry,
): { service: ResolvedService; port: ResolvedServicePort } | undefined {
  const service =
    entry.service === undefined ? undefined : serviceIndex(resolved).get(entry.service);
  const port =
    entry.servicePort === undefined
      ? service?.ports[0]
      : service?.ports.find((p) => p.port === entry.servicePort);
  return service && port ? { service, port } : undefined;
}

interface OutboundParts {
  listeners: SidecarOutbound[];
  skipped: { port: number; reason: string }[];
  tables: SidecarRouteTable[];
  tcpClusters: string[];
}

function buildOutbound(
  resolved: ResolvedPolicy,
  self: ResolvedService,
  reachable: readonly ResolvedService[],
  entries: readonly SidecarOutboundEntry[],
  inboundPorts: ReadonlySet<number>,
): OutboundParts {
  const parts: OutboundParts = { listeners: [], skipped: [], tables: [], tcpClusters: [] };
  const sharedTable = sidecarOutboundTableName(self);
  let sharedTableUsed = false;
  const list = entries.length > 0 ? entries : [{ port: DEFAULT_OUTBOUND_PORT }];
  for (const entry of [...list].sort((a, b) => a.port - b.port)) {
    // One port cannot be both an inbound (0.0.0.0) and an outbound (127.0.0.1) listener.
    if (inboundPorts.has(entry.port)) {
      parts.skipped.push({
        port: entry.port,
        reason: 'the port is an inbound port of the workload',
      });
      continue;
    }
    const name = sidecarListenerName(self, 'outbound', entry.port);
    if (entry.service === undefined) {
      sharedTableUsed = true;
      parts.listeners.push({ name, port: entry.port, kind: 'http', routeTable: sharedTable });
      continue;
    }
    const found = findServicePort(resolved, entry);
    if (!found) {
      const which = entry.servicePort === undefined ? '' : ` port ${entry.servicePort}`;
      parts.skipped.push({
        port: entry.port,
        reason: `Service ${entry.service}${which} not found`,
      });
      continue;
    }
    if (!isHttp(found.port)) {
      const cluster = clusterName(found.service, found.port.port);
      parts.tcpClusters.push(cluster);
      parts.listeners.push({ name, port: entry.port, kind: 'tcp', cluster });
      continue;
    }
    // A dedicated port answers any Host with its Service port's routes.
    const vhost = meshVirtualHost(resolved, found.service, found.port, self.namespace, {
      bareHosts: false,
    });
    parts.tables.push({ name, virtualHosts: [{ ...vhost, domains: ['*'] }] });
    parts.listeners.push({ name, port: entry.port, kind: 'http', routeTable: name });
  }
  if (sharedTableUsed)
    parts.tables.push({
      name: sharedTable,
      virtualHosts: hostRoutedHosts(resolved, self, reachable),
      catchAll: resolved.mesh.spec.outboundPolicy,
    });
  for (const listener of parts.listeners) {
    if (listener.kind !== 'http') continue;
    const table = parts.tables.find((t) => t.name === listener.routeTable);
    listener.httpFilters = buildHttpFilterIr({
      resolved,
      role: 'sidecar',
      routes: (table?.virtualHosts ?? []).flatMap((v) => v.routes),
    });
  }
  parts.tables.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return parts;
}

/** The sidecar IR for a Service's workload, or undefined when no such Service resolved. */
export function buildSidecarIr(
  resolved: ResolvedPolicy,
  options: SidecarOptions,
): SidecarIr | undefined {
  const byKey = serviceIndex(resolved);
  const self = byKey.get(options.service);
  if (!self) return undefined;
  const reachable = reachableServices(resolved, self).flatMap(
    (s) => byKey.get(`${s.namespace}/${s.name}`) ?? [],
  );
  const inbound = buildInbound(resolved, self, options);
  const outbound = buildOutbound(
    resolved,
    self,
    reachable,
    options.outbound ?? [],
    new Set(inbound.map((i) => i.port)),
  );
  const wanted = new Set([
    ...clustersOfRoutes(outbound.tables.flatMap((t) => t.virtualHosts.flatMap((v) => v.routes))),
    ...outbound.tcpClusters,
  ]);
  const shared = sidecarUpstreams(resolved);
  const upstreams = [...wanted].sort().flatMap((name): SidecarUpstream[] => {
    const upstream = shared.get(name);
    return upstream ? [upstream] : [];
  });
  const { trustDomain, mtls, outboundPolicy } = resolved.mesh.spec;
  const ir: SidecarIr = {
    service: { namespace: self.namespace, name: self.name },
    identity: spiffeId(trustDomain, self.namespace, self.serviceAccount),
    trustDomain,
    mtlsMode: mtls.mode,
    sds: { certificate: SIDECAR_CERTIFICATE_SDS, trustBundle: SIDECAR_TRUST_BUNDLE_SDS },
    inbound,
    outbound: outbound.listeners,
    skippedOutbound: outbound.skipped,
    routeTables: outbound.tables,
    upstreams,
    outboundPolicy,
  };
  if (options.workload !== undefined) ir.workload = options.workload;
  if (options.locality) ir.locality = { ...options.locality };
  return ir;
}
