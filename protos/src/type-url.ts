import protobuf from 'protobufjs';
import type { Root, Type } from 'protobufjs';
import { ProtosError } from './errors.ts';

export const TYPE_URL_PREFIX = 'type.googleapis.com/';

/** The xDS resource types Crossway serves, by the short names the snapshot uses. */
export const RESOURCE_TYPES = {
  listeners: 'envoy.config.listener.v3.Listener',
  routes: 'envoy.config.route.v3.RouteConfiguration',
  clusters: 'envoy.config.cluster.v3.Cluster',
  endpoints: 'envoy.config.endpoint.v3.ClusterLoadAssignment',
  secrets: 'envoy.extensions.transport_sockets.tls.v3.Secret',
} as const;

export type ResourceKind = keyof typeof RESOURCE_TYPES;

/** Resource kinds in the order xDS clients need them (and problems are sorted). */
export const RESOURCE_KINDS: readonly ResourceKind[] = [
  'listeners',
  'routes',
  'clusters',
  'endpoints',
  'secrets',
];

/** `envoy.config.cluster.v3.Cluster` → `type.googleapis.com/envoy.config.cluster.v3.Cluster`. */
export function typeUrl(typeName: string): string {
  return TYPE_URL_PREFIX + stripDot(typeName);
}

/** The message type name a type URL points at: everything after its last `/`. */
export function typeNameFromUrl(url: string): string {
  return url.slice(url.lastIndexOf('/') + 1);
}

function stripDot(typeName: string): string {
  return typeName.startsWith('.') ? typeName.slice(1) : typeName;
}

const lookups = new WeakMap<Root, Map<string, Type | undefined>>();

/** The loaded message type of that name, or undefined. */
export function findMessageType(root: Root, typeName: string): Type | undefined {
  let cache = lookups.get(root);
  if (cache === undefined) {
    cache = new Map();
    lookups.set(root, cache);
  }
  const name = stripDot(typeName);
  if (cache.has(name)) return cache.get(name);
  const found = name === '' ? null : root.lookup(`.${name}`);
  const type = found instanceof protobuf.Type ? found : undefined;
  cache.set(name, type);
  return type;
}

/** Like findMessageType, but throws ProtosError UNKNOWN_TYPE. */
export function lookupMessageType(root: Root, typeName: string): Type {
  const type = findMessageType(root, typeName);
  if (type === undefined) {
    throw new ProtosError('UNKNOWN_TYPE', `message type ${stripDot(typeName)} is not loaded`);
  }
  return type;
}

/** A type's name without the leading dot protobufjs puts on fullName. */
export function typeNameOf(type: Type): string {
  return stripDot(type.fullName);
}
