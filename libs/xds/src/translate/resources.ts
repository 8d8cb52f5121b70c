// Envoy resources as plain proto3-JSON-shaped objects (proto field names, "@type"
// on Anys), by xDS resource kind.
import type { JsonObject } from '@crossway/protos';
import type { EdgeIr } from '../ir/edge-ir';

export interface EnvoyResources {
  listeners: JsonObject[];
  routes: JsonObject[];
  clusters: JsonObject[];
  endpoints: JsonObject[];
  secrets: JsonObject[];
}

export const RESOURCE_KIND_ORDER = [
  'listeners',
  'routes',
  'clusters',
  'endpoints',
  'secrets',
] as const;
export type EnvoyResourceKind = (typeof RESOURCE_KIND_ORDER)[number];

/** One feature's translation for a role's IR: resources of some kinds, or nothing when it does not apply. */
export interface ProfileBuilder<Ir> {
  name: string;
  build(ir: Ir): Partial<EnvoyResources>;
}

export type EdgeBuilder = ProfileBuilder<EdgeIr>;

/** Runs a role's profile: every builder in order, their resources concatenated per kind. */
export function runProfile<Ir>(ir: Ir, profile: readonly ProfileBuilder<Ir>[]): EnvoyResources {
  const out: EnvoyResources = {
    listeners: [],
    routes: [],
    clusters: [],
    endpoints: [],
    secrets: [],
  };
  for (const builder of profile) {
    const part = builder.build(ir);
    for (const kind of RESOURCE_KIND_ORDER) {
      const add = part[kind];
      if (add) out[kind].push(...add);
    }
  }
  return out;
}

export const ENVOY_TYPES: Record<EnvoyResourceKind, string> = {
  listeners: 'envoy.config.listener.v3.Listener',
  routes: 'envoy.config.route.v3.RouteConfiguration',
  clusters: 'envoy.config.cluster.v3.Cluster',
  endpoints: 'envoy.config.endpoint.v3.ClusterLoadAssignment',
  secrets: 'envoy.extensions.transport_sockets.tls.v3.Secret',
};

/** Every dynamic resource comes over the one ADS stream. */
export function adsConfigSource(): JsonObject {
  return { ads: {}, resource_api_version: 'V3' };
}

export function anyOf(typeName: string, fields: JsonObject): JsonObject {
  return { '@type': `type.googleapis.com/${typeName}`, ...fields };
}

/** Milliseconds as a proto3 JSON Duration ("1.5s"). */
export function duration(ms: number): string {
  return `${ms / 1000}s`;
}
