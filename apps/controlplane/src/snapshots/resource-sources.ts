// The stored objects behind a resource, for NACK reports ("Kind ns/name"). Best
// effort, from the derived names (libs/xds names.ts): clusters
// "outbound|port||svc.ns" and "inbound|port||svc.ns" -> Service; "gateway/ns/name/..."
// -> Gateway; "sidecar/ns/name/..." -> Service; "secret/ns/name" -> Secret; proxyless
// "svc.ns:port" -> Service; and every route entry name inside the resource
// ("httproute/ns/name/rule/i/match/j", grpcroute, tlsroute, tcproute) -> that route.
const ROUTE_KINDS: Record<string, string> = {
  httproute: 'HTTPRoute',
  grpcroute: 'GRPCRoute',
  tlsroute: 'TLSRoute',
  tcproute: 'TCPRoute',
};

const NAME = '[a-z0-9](?:[-a-z0-9]*[a-z0-9])?';
const CLUSTER = new RegExp(`^(?:outbound|inbound)\\|\\d+\\|[^|]*\\|(${NAME})\\.(${NAME})$`);
const PREFIXED = new RegExp(`^(gateway|sidecar|secret)/(${NAME})/(${NAME})(/|$)`);
const MESH_HOST = new RegExp(`^(${NAME})\\.(${NAME}):\\d+$`);
const ROUTE_ENTRY = new RegExp(`^(httproute|grpcroute|tlsroute|tcproute)/(${NAME})/(${NAME})/`);

function fromName(name: string): string | undefined {
  const cluster = CLUSTER.exec(name);
  if (cluster) return `Service ${cluster[2] ?? ''}/${cluster[1] ?? ''}`;
  const prefixed = PREFIXED.exec(name);
  if (prefixed) {
    const kind =
      prefixed[1] === 'gateway' ? 'Gateway' : prefixed[1] === 'secret' ? 'Secret' : 'Service';
    return `${kind} ${prefixed[2] ?? ''}/${prefixed[3] ?? ''}`;
  }
  const host = MESH_HOST.exec(name);
  if (host) return `Service ${host[2] ?? ''}/${host[1] ?? ''}`;
  return undefined;
}

function routeEntries(resource: unknown, found: Set<string>): void {
  if (Array.isArray(resource)) resource.forEach((r) => routeEntries(r, found));
  else if (typeof resource === 'object' && resource !== null)
    for (const [key, value] of Object.entries(resource)) {
      if (key === 'name' && typeof value === 'string') {
        const match = ROUTE_ENTRY.exec(value);
        if (match)
          found.add(`${ROUTE_KINDS[match[1] ?? ''] ?? ''} ${match[2] ?? ''}/${match[3] ?? ''}`);
      } else routeEntries(value, found);
    }
}

/** "Kind ns/name" of the objects behind a resource, sorted; [] when none can be told. */
export function resourceSources(name: string, resource: unknown): string[] {
  const found = new Set<string>();
  const own = fromName(name);
  if (own) found.add(own);
  routeEntries(resource, found);
  return [...found].sort();
}
