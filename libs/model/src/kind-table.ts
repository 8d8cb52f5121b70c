// The kinds by name, scope and category, without their schemas: what clients (the
// CLI, the console) need to build paths and menus. Kept free of zod so a browser
// bundle that only names kinds does not build every kind's schema at start.
export type Scope = 'Namespaced' | 'Cluster';
export type KindCategory = 'mesh' | 'core' | 'route' | 'policy';

export interface KindInfo<K extends string = string> {
  kind: K;
  /** REST path segment and store key segment: `/api/v1/namespaces/{ns}/{plural}`, `<prefix>/objects/{plural}/...`. */
  plural: string;
  /** CLI name, as in `crossway get httproute`. */
  singular: string;
  shortNames: readonly string[];
  scope: Scope;
  category: KindCategory;
  description: string;
}

export const KIND_TABLE = [
  {
    kind: 'Mesh',
    plural: 'meshes',
    singular: 'mesh',
    shortNames: [],
    scope: 'Cluster',
    category: 'mesh',
    description:
      'Mesh-wide settings: trust domain, mTLS mode, CA, default authorization, outbound policy, telemetry. Exactly one, named "default".',
  },
  {
    kind: 'Service',
    plural: 'services',
    singular: 'service',
    shortNames: ['svc'],
    scope: 'Namespaced',
    category: 'core',
    description:
      'A logical service: ports and protocols, identity, dependencies, or endpoints outside the mesh.',
  },
  {
    kind: 'Workload',
    plural: 'workloads',
    singular: 'workload',
    shortNames: ['wl'],
    scope: 'Namespaced',
    category: 'core',
    description: 'One instance of a Service: address, locality, weight, health, ports.',
  },
  {
    kind: 'Gateway',
    plural: 'gateways',
    singular: 'gateway',
    shortNames: ['gw'],
    scope: 'Namespaced',
    category: 'core',
    description:
      'An edge entry point: listeners with port, protocol, hostname, TLS and which routes may attach.',
  },
  {
    kind: 'HTTPRoute',
    plural: 'httproutes',
    singular: 'httproute',
    shortNames: ['hr'],
    scope: 'Namespaced',
    category: 'route',
    description: 'L7 routing for edge (Gateway parent) and mesh (Service parent).',
  },
  {
    kind: 'GRPCRoute',
    plural: 'grpcroutes',
    singular: 'grpcroute',
    shortNames: ['gr'],
    scope: 'Namespaced',
    category: 'route',
    description: 'gRPC routing by service, method and headers.',
  },
  {
    kind: 'TCPRoute',
    plural: 'tcproutes',
    singular: 'tcproute',
    shortNames: [],
    scope: 'Namespaced',
    category: 'route',
    description: 'L4 TCP forwarding to backends.',
  },
  {
    kind: 'TLSRoute',
    plural: 'tlsroutes',
    singular: 'tlsroute',
    shortNames: [],
    scope: 'Namespaced',
    category: 'route',
    description: 'TLS passthrough routed by SNI.',
  },
  {
    kind: 'ReferenceGrant',
    plural: 'referencegrants',
    singular: 'referencegrant',
    shortNames: ['rg'],
    scope: 'Namespaced',
    category: 'core',
    description: 'Lets objects of other namespaces refer to objects in this one.',
  },
  {
    kind: 'Secret',
    plural: 'secrets',
    singular: 'secret',
    shortNames: [],
    scope: 'Namespaced',
    category: 'core',
    description: 'A TLS certificate and key, or a CA bundle. Keys are write-only.',
  },
  {
    kind: 'TrafficPolicy',
    plural: 'trafficpolicies',
    singular: 'trafficpolicy',
    shortNames: ['tp'],
    scope: 'Namespaced',
    category: 'policy',
    description:
      'Timeouts, retries, connection limits, outlier detection, load balancing, failover, health checks, fault injection.',
  },
  {
    kind: 'AuthorizationPolicy',
    plural: 'authorizationpolicies',
    singular: 'authorizationpolicy',
    shortNames: ['authz'],
    scope: 'Namespaced',
    category: 'policy',
    description: 'Who may call what: ALLOW and DENY rules on sources, operations and conditions.',
  },
  {
    kind: 'RateLimitPolicy',
    plural: 'ratelimitpolicies',
    singular: 'ratelimitpolicy',
    shortNames: ['rl'],
    scope: 'Namespaced',
    category: 'policy',
    description: 'Local token-bucket rate limits, per proxy instance.',
  },
  {
    kind: 'AuthenticationPolicy',
    plural: 'authenticationpolicies',
    singular: 'authenticationpolicy',
    shortNames: ['authn'],
    scope: 'Namespaced',
    category: 'policy',
    description: 'JWT request authentication.',
  },
] as const satisfies readonly KindInfo[];

export type TableKindName = (typeof KIND_TABLE)[number]['kind'];

const infoByName = new Map<string, KindInfo>();
for (const info of KIND_TABLE) {
  for (const name of [
    info.kind,
    info.kind.toLowerCase(),
    info.plural,
    info.singular,
    ...info.shortNames,
  ])
    infoByName.set(name, info);
}

/** Looks a kind up by any of its names: Kind, plural, singular or short name (case-insensitive). */
export function findKindInfo(name: string): KindInfo | undefined {
  return infoByName.get(name) ?? infoByName.get(name.toLowerCase());
}

/** The table entry of a kind (its literal name kept). */
export function kindInfo<K extends TableKindName>(
  kind: K,
): Extract<(typeof KIND_TABLE)[number], { kind: K }> {
  return KIND_TABLE.find((k) => k.kind === kind) as Extract<
    (typeof KIND_TABLE)[number],
    { kind: K }
  >;
}
