// The output of resolvePolicy: what the IR builder and explain read. Plain,
// serializable data; every list sorted by stable keys, never by input order.
import type {
  MeshSpec,
  ObjectStatus,
  ServicePort,
  ServiceSpec,
  WorkloadSpec,
} from '@crossway/model';
import type {
  AttachedAuthorizationPolicy,
  AttachedPolicy,
  AttachedTrafficPolicy,
} from './attachment/attachment-types';
import type { NamespacedName } from './common/ids';
import type { ListenerProtocol, ListenerTls } from './core/resolve-gateways';
import type { AuthenticationPolicySpec, RateLimitPolicySpec } from '@crossway/model';
import type {
  L4RouteEntry,
  ResolvedRoute,
  RouteKind,
  RouteTableEntry,
  VirtualHost,
} from './routes/route-types';

export interface ResolvedMesh {
  /** False when no Mesh object is stored; `spec` then holds the defaults. */
  present: boolean;
  spec: MeshSpec;
}

/** One Workload as an endpoint of one Service port. */
export interface ResolvedEndpoint {
  workload: string;
  address: string;
  /** What peers dial. */
  port: number;
  /** Where the app listens behind its sidecar. */
  targetPort: number;
  locality: WorkloadSpec['locality'];
  weight: number;
  health: WorkloadSpec['health'];
}

export interface ConsumerRoutes {
  /** Callers in this namespace use `entries` instead of the producer table. */
  namespace: string;
  entries: RouteTableEntry[];
}

/** GAMMA routing for one Service port, as callers see it. */
export interface ServicePortRoutes {
  /** Routes from the Service's own namespace, for every caller; a default route to the port when there are none. */
  producer: RouteTableEntry[];
  /** Per consumer namespace, sorted by namespace. */
  consumers: ConsumerRoutes[];
}

export interface ResolvedServicePort {
  name: string;
  port: number;
  protocol: ServicePort['protocol'];
  appProtocol?: string;
  /** Sorted by workload name. */
  endpoints: ResolvedEndpoint[];
  routes: ServicePortRoutes;
}

export interface ResolvedService {
  namespace: string;
  name: string;
  /** "name.namespace" first, then spec.hosts. */
  hosts: string[];
  serviceAccount: string;
  /** Namespaces filled in; absent means every Service. */
  dependencies?: NamespacedName[];
  external?: NonNullable<ServiceSpec['external']>;
  /** The external TLS CA Secret, when its reference resolved. */
  externalCARef?: NamespacedName;
  /** Sorted by port number. */
  ports: ResolvedServicePort[];
}

export interface ResolvedListener {
  name: string;
  port: number;
  protocol: ListenerProtocol;
  hostname?: string;
  tls?: ListenerTls;
  allowedRoutes: { namespaces: 'Same' | 'All' | 'Selector'; kinds: RouteKind[] };
  /** False when it terminates TLS without a valid certificate. */
  ready: boolean;
  attachedRoutes: number;
  /** HTTP and HTTPS listeners: most specific hostname first. */
  virtualHosts: VirtualHost[];
  /** TLS and TCP listeners. */
  l4Routes: L4RouteEntry[];
}

export interface ResolvedGateway {
  namespace: string;
  name: string;
  xffNumTrustedHops: number;
  /** In spec order (listener names are unique). */
  listeners: ResolvedListener[];
}

/** A Secret by reference only: key material never leaves the model objects. */
export interface ResolvedSecret {
  namespace: string;
  name: string;
  type: 'tls' | 'ca';
}

export interface ObjectStatusEntry {
  kind: string;
  namespace?: string;
  name: string;
  status: ObjectStatus;
}

export interface ResolvedPolicy {
  mesh: ResolvedMesh;
  services: ResolvedService[];
  gateways: ResolvedGateway[];
  secrets: ResolvedSecret[];
  routes: ResolvedRoute[];
  trafficPolicies: AttachedTrafficPolicy[];
  authorizationPolicies: AttachedAuthorizationPolicy[];
  rateLimitPolicies: AttachedPolicy<RateLimitPolicySpec>[];
  authenticationPolicies: AttachedPolicy<AuthenticationPolicySpec>[];
  /** One entry per stored object, sorted by kind, namespace, name. */
  statuses: ObjectStatusEntry[];
}
