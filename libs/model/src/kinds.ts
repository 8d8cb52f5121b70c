// The kind descriptor table: one entry per kind drives the store (key prefix),
// the REST API (plural, scope) and the CLI (names). Adding a kind is one entry
// here plus its spec schema.
import type { z } from 'zod';
import { authenticationPolicySpec } from './kinds/authentication-policy';
import { authorizationPolicySpec } from './kinds/authorization-policy';
import { gatewaySpec } from './kinds/gateway';
import { grpcRouteSpec } from './kinds/grpc-route';
import { httpRouteSpec } from './kinds/http-route';
import { meshSpec } from './kinds/mesh';
import { rateLimitPolicySpec } from './kinds/rate-limit-policy';
import { referenceGrantSpec } from './kinds/reference-grant';
import { secretSpec } from './kinds/secret';
import { serviceSpec } from './kinds/service';
import { tcpRouteSpec, tlsRouteSpec } from './kinds/l4-routes';
import { trafficPolicySpec } from './kinds/traffic-policy';
import { workloadSpec } from './kinds/workload';

export type Scope = 'Namespaced' | 'Cluster';
export type KindCategory = 'mesh' | 'core' | 'route' | 'policy';

export interface KindDescriptor<K extends string = string, S extends z.ZodType = z.ZodType> {
  kind: K;
  /** REST path segment and store key segment: `/api/v1/namespaces/{ns}/{plural}`, `<prefix>/objects/{plural}/...`. */
  plural: string;
  /** CLI name, as in `crossway get httproute`. */
  singular: string;
  shortNames: readonly string[];
  scope: Scope;
  category: KindCategory;
  spec: S;
  description: string;
}

function kind<K extends string, S extends z.ZodType>(
  d: KindDescriptor<K, S>,
): KindDescriptor<K, S> {
  return d;
}

export const KIND_DESCRIPTORS = [
  kind({
    kind: 'Mesh',
    plural: 'meshes',
    singular: 'mesh',
    shortNames: [],
    scope: 'Cluster',
    category: 'mesh',
    spec: meshSpec,
    description:
      'Mesh-wide settings: trust domain, mTLS mode, CA, default authorization, outbound policy, telemetry. Exactly one, named "default".',
  }),
  kind({
    kind: 'Service',
    plural: 'services',
    singular: 'service',
    shortNames: ['svc'],
    scope: 'Namespaced',
    category: 'core',
    spec: serviceSpec,
    description:
      'A logical service: ports and protocols, identity, dependencies, or endpoints outside the mesh.',
  }),
  kind({
    kind: 'Workload',
    plural: 'workloads',
    singular: 'workload',
    shortNames: ['wl'],
    scope: 'Namespaced',
    category: 'core',
    spec: workloadSpec,
    description: 'One instance of a Service: address, locality, weight, health, ports.',
  }),
  kind({
    kind: 'Gateway',
    plural: 'gateways',
    singular: 'gateway',
    shortNames: ['gw'],
    scope: 'Namespaced',
    category: 'core',
    spec: gatewaySpec,
    description:
      'An edge entry point: listeners with port, protocol, hostname, TLS and which routes may attach.',
  }),
  kind({
    kind: 'HTTPRoute',
    plural: 'httproutes',
    singular: 'httproute',
    shortNames: ['hr'],
    scope: 'Namespaced',
    category: 'route',
    spec: httpRouteSpec,
    description: 'L7 routing for edge (Gateway parent) and mesh (Service parent).',
  }),
  kind({
    kind: 'GRPCRoute',
    plural: 'grpcroutes',
    singular: 'grpcroute',
    shortNames: ['gr'],
    scope: 'Namespaced',
    category: 'route',
    spec: grpcRouteSpec,
    description: 'gRPC routing by service, method and headers.',
  }),
  kind({
    kind: 'TCPRoute',
    plural: 'tcproutes',
    singular: 'tcproute',
    shortNames: [],
    scope: 'Namespaced',
    category: 'route',
    spec: tcpRouteSpec,
    description: 'L4 TCP forwarding to backends.',
  }),
  kind({
    kind: 'TLSRoute',
    plural: 'tlsroutes',
    singular: 'tlsroute',
    shortNames: [],
    scope: 'Namespaced',
    category: 'route',
    spec: tlsRouteSpec,
    description: 'TLS passthrough routed by SNI.',
  }),
  kind({
    kind: 'ReferenceGrant',
    plural: 'referencegrants',
    singular: 'referencegrant',
    shortNames: ['rg'],
    scope: 'Namespaced',
    category: 'core',
    spec: referenceGrantSpec,
    description: 'Lets objects of other namespaces refer to objects in this one.',
  }),
  kind({
    kind: 'Secret',
    plural: 'secrets',
    singular: 'secret',
    shortNames: [],
    scope: 'Namespaced',
    category: 'core',
    spec: secretSpec,
    description: 'A TLS certificate and key, or a CA bundle. Keys are write-only.',
  }),
  kind({
    kind: 'TrafficPolicy',
    plural: 'trafficpolicies',
    singular: 'trafficpolicy',
    shortNames: ['tp'],
    scope: 'Namespaced',
    category: 'policy',
    spec: trafficPolicySpec,
    description:
      'Timeouts, retries, connection limits, outlier detection, load balancing, failover, health checks, fault injection.',
  }),
  kind({
    kind: 'AuthorizationPolicy',
    plural: 'authorizationpolicies',
    singular: 'authorizationpolicy',
    shortNames: ['authz'],
    scope: 'Namespaced',
    category: 'policy',
    spec: authorizationPolicySpec,
    description: 'Who may call what: ALLOW and DENY rules on sources, operations and conditions.',
  }),
  kind({
    kind: 'RateLimitPolicy',
    plural: 'ratelimitpolicies',
    singular: 'ratelimitpolicy',
    shortNames: ['rl'],
    scope: 'Namespaced',
    category: 'policy',
    spec: rateLimitPolicySpec,
    description: 'Local token-bucket rate limits, per proxy instance.',
  }),
  kind({
    kind: 'AuthenticationPolicy',
    plural: 'authenticationpolicies',
    singular: 'authenticationpolicy',
    shortNames: ['authn'],
    scope: 'Namespaced',
    category: 'policy',
    spec: authenticationPolicySpec,
    description: 'JWT request authentication.',
  }),
] as const;

export type KindName = (typeof KIND_DESCRIPTORS)[number]['kind'];
export type AnyKindDescriptor = (typeof KIND_DESCRIPTORS)[number];
export type DescriptorOf<K extends KindName> = Extract<AnyKindDescriptor, { kind: K }>;
export type SpecOf<K extends KindName> = z.output<DescriptorOf<K>['spec']>;
/** What a client writes for a kind's spec, before defaults. */
export type SpecInputOf<K extends KindName> = z.input<DescriptorOf<K>['spec']>;

export const KIND_NAMES: readonly KindName[] = KIND_DESCRIPTORS.map((d) => d.kind);

const byKind = new Map<string, AnyKindDescriptor>(KIND_DESCRIPTORS.map((d) => [d.kind, d]));
const byName = new Map<string, AnyKindDescriptor>();
for (const d of KIND_DESCRIPTORS) {
  for (const name of [d.kind.toLowerCase(), d.plural, d.singular, ...d.shortNames])
    byName.set(name, d);
}

export function isKindName(value: unknown): value is KindName {
  return typeof value === 'string' && byKind.has(value);
}

export function descriptorOf<K extends KindName>(kind: K): DescriptorOf<K>;
export function descriptorOf(kind: string): AnyKindDescriptor | undefined;
export function descriptorOf(kind: string): AnyKindDescriptor | undefined {
  return byKind.get(kind);
}

/** Looks a kind up by any of its names: Kind, plural, singular or short name (case-insensitive). */
export function findKind(name: string): AnyKindDescriptor | undefined {
  return byKind.get(name) ?? byName.get(name.toLowerCase());
}

export function descriptorOfPlural(plural: string): AnyKindDescriptor | undefined {
  return KIND_DESCRIPTORS.find((d) => d.plural === plural);
}
