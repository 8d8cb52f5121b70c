// The proxyless gRPC IR for one node: client listeners for every Service port it
// may reach (GAMMA view of its namespace), the clusters they send to, and the
// xDS-enabled server ports of its own Service, all cut down to what gRPC
// accepts. What is cut is recorded in `leftOut`; the objects that asked for it
// are reported by unsupportedForRole.
import {
  reachableServices,
  serviceIndex,
  type ResolvedPolicy,
  type ResolvedService,
} from '@crossway/policy';
import { buildBackends } from './build-backends';
import { buildHttpFilterIr, requiredTokenDenyRules } from './build-http-filter-ir';
import { meshHostName, meshVirtualHost } from './build-mesh-routes';
import type { IrBackend, IrEndpoint, IrHttpFilters, IrRoute } from './common-ir';
import { proxylessServerListenerName, spiffeId } from './names';
import type {
  ProxylessBackend,
  ProxylessClient,
  ProxylessIr,
  ProxylessLeftOut,
  ProxylessRoute,
  ProxylessSecurity,
  ProxylessServer,
} from './proxyless-ir';
import { proxylessRoute } from './proxyless-route-ir';

export interface ProxylessNode {
  /** The node's Service "ns/name"; absent for a pure client. */
  service?: string;
  /** The bootstrap has the crossway-identity and crossway-roots certificate providers (default true). */
  certificateProviders?: boolean;
}

/** gRPC speaks HTTP/2: only ports that carry HTTP get client or server listeners. */
const GRPC_PROTOCOLS: ReadonlySet<string> = new Set(['http', 'http2', 'grpc']);

function compareNames(a: { name: string }, b: { name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function security(resolved: ResolvedPolicy, providers: boolean): ProxylessSecurity {
  const meshMode = resolved.mesh.spec.mtls.mode;
  const serverMode =
    meshMode === 'STRICT' || (meshMode === 'PERMISSIVE' && providers) ? 'STRICT' : 'DISABLED';
  const note =
    meshMode === 'PERMISSIVE'
      ? `mtls PERMISSIVE: proxyless servers act as ${serverMode} (certificate providers ${providers ? 'configured' : 'not configured'})`
      : `mtls ${meshMode}: proxyless servers and clients use ${serverMode === 'STRICT' ? 'mTLS' : 'plaintext'}${meshMode === 'STRICT' && !providers ? ' (no certificate providers: gRPC rejects the config, nothing is served in plaintext)' : ''}`;
  return {
    meshMode,
    certificateProviders: providers,
    serverMode,
    upstreamTls: serverMode === 'STRICT',
    note,
  };
}

function buildClients(
  resolved: ResolvedPolicy,
  services: readonly ResolvedService[],
  callerNamespace: string,
  leftOut: ProxylessLeftOut[],
): ProxylessClient[] {
  const clients: ProxylessClient[] = [];
  for (const service of services) {
    if (service.external) {
      leftOut.push({
        where: `${service.name}.${service.namespace}`,
        what: 'external Service: proxyless clients get no listener for it',
      });
      continue;
    }
    for (const port of service.ports) {
      if (!GRPC_PROTOCOLS.has(port.protocol)) continue;
      const vhost = meshVirtualHost(resolved, service, port, callerNamespace, { bareHosts: true });
      clients.push({
        name: meshHostName(service, port.port),
        service: { namespace: service.namespace, name: service.name },
        port: port.port,
        domains: [...vhost.domains],
        routes: vhost.routes.flatMap((r: IrRoute): ProxylessRoute[] => {
          const route = proxylessRoute(r, leftOut);
          return route ? [route] : [];
        }),
      });
    }
  }
  return clients.sort(compareNames);
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6 = /^[0-9A-Fa-f:.]+$/;

/** gRPC NACKs endpoints that are not IP addresses, and duplicate addresses in one assignment. */
function grpcEndpoints(backend: IrBackend, leftOut: ProxylessLeftOut[]): IrEndpoint[] {
  const seen = new Set<string>();
  return backend.endpoints.filter((e) => {
    const ip = IPV4.test(e.address) || (e.address.includes(':') && IPV6.test(e.address));
    const key = `${e.address}|${e.port}`;
    if (!ip || seen.has(key)) {
      leftOut.push({
        where: backend.cluster,
        what: `endpoint ${e.workload} ${e.address}:${e.port} (${ip ? 'duplicate address' : 'not an IP address'})`,
      });
      return false;
    }
    seen.add(key);
    return true;
  });
}

function buildProxylessBackends(
  resolved: ResolvedPolicy,
  clients: readonly ProxylessClient[],
  upstreamTls: boolean,
  leftOut: ProxylessLeftOut[],
): ProxylessBackend[] {
  const wanted = new Set<string>();
  for (const client of clients)
    for (const route of client.routes)
      if (route.action.kind === 'Forward')
        for (const b of route.action.backends) wanted.add(b.cluster);
  const services = serviceIndex(resolved);
  return buildBackends(resolved, wanted).map((backend): ProxylessBackend => {
    const policy = { ...backend.policy };
    const lb = policy.loadBalancer;
    if (lb === 'LeastRequest' || lb === 'Random') {
      leftOut.push({
        where: backend.cluster,
        what: `load balancer ${lb} (gRPC NACKs it): ROUND_ROBIN instead`,
      });
      policy.loadBalancer = 'RoundRobin';
    }
    const result: ProxylessBackend = {
      ...backend,
      endpoints: grpcEndpoints(backend, leftOut),
      policy,
    };
    const account = services.get(
      `${backend.service.namespace}/${backend.service.name}`,
    )?.serviceAccount;
    if (upstreamTls && account !== undefined)
      result.tls = {
        subjectAltNames: [
          spiffeId(resolved.mesh.spec.trustDomain, backend.service.namespace, account),
        ],
      };
    return result;
  });
}

/**
 * The filters a gRPC server accepts: rbac and router. JWT cannot be verified there:
 * the paths that need a token are denied through RBAC (never fail open). The rest
 * is recorded as unenforceable.
 */
function serverFilters(
  filters: IrHttpFilters,
): Pick<ProxylessServer, 'httpFilters' | 'unenforceable'> {
  const httpFilters: IrHttpFilters = { receiver: filters.receiver };
  let authorization = filters.authorization;
  const unenforceable: ProxylessServer['unenforceable'] = [];
  if (filters.fault) unenforceable.push('fault');
  if (filters.cors) unenforceable.push('cors');
  if (filters.jwt) {
    unenforceable.push('jwt_authn');
    const deny = requiredTokenDenyRules(filters.jwt);
    if (deny.length > 0)
      authorization = authorization
        ? { ...authorization, deny: [...authorization.deny, ...deny] }
        : { deny, clientIp: 'Peer' };
  }
  if (filters.rateLimit) unenforceable.push('local_ratelimit');
  if (authorization) httpFilters.authorization = authorization;
  return { httpFilters, unenforceable };
}

function buildServers(
  resolved: ResolvedPolicy,
  service: ResolvedService,
  sec: ProxylessSecurity,
): ProxylessServer[] {
  return service.ports
    .filter((port) => GRPC_PROTOCOLS.has(port.protocol))
    .map((port): ProxylessServer => {
      const filters = buildHttpFilterIr({
        resolved,
        role: 'proxyless',
        target: {
          kind: 'Service',
          namespace: service.namespace,
          name: service.name,
          sectionName: port.name,
        },
        routes: [],
        ports: { service: port.port, listening: port.endpoints.map((e) => e.port) },
      });
      const addresses = port.endpoints
        .map((e) => ({
          name: proxylessServerListenerName(e.address, e.port),
          address: e.address,
          port: e.port,
        }))
        .filter((a, i, all) => all.findIndex((b) => b.name === a.name) === i)
        .sort(compareNames);
      const server: ProxylessServer = {
        port: port.port,
        portName: port.name,
        addresses,
        ...serverFilters(filters),
      };
      if (sec.serverMode === 'STRICT') server.tls = { requireClientCertificate: true };
      return server;
    });
}

/** Undefined when `node.service` names no Service. */
export function buildProxylessIr(
  resolved: ResolvedPolicy,
  node: ProxylessNode = {},
): ProxylessIr | undefined {
  const byKey = serviceIndex(resolved);
  const own = node.service ? byKey.get(node.service) : undefined;
  if (node.service !== undefined && !own) return undefined;
  const leftOut: ProxylessLeftOut[] = [];
  const sec = security(resolved, node.certificateProviders ?? true);
  const services = own
    ? reachableServices(resolved, own).flatMap((s) => byKey.get(`${s.namespace}/${s.name}`) ?? [])
    : resolved.services;
  // A pure client has no namespace: it sees the producer routes ("" is no namespace).
  const clients = buildClients(resolved, services, own?.namespace ?? '', leftOut);
  const backends = buildProxylessBackends(resolved, clients, sec.upstreamTls, leftOut);
  const ir: ProxylessIr = {
    clients,
    backends,
    servers: own ? buildServers(resolved, own, sec) : [],
    security: sec,
    leftOut,
  };
  if (own) ir.service = { namespace: own.namespace, name: own.name };
  return ir;
}
