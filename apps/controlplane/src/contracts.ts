// The seams of the control plane, so each part can be built and tested alone:
// - SnapshotSource (snapshots/): store -> resolved policy -> per-proxy snapshots.
// - AdsServer (ads/): the ADS protocol (SotW and Delta) over gRPC, per stream.
// - DataPlaneAuthenticator (auth/): who a stream is, from its token and node.
// - ProxyEvents (registry/, metrics): what happened to each proxy.
// startControlPlane (control-plane.ts) wires them together.
import type { Metadata } from '@grpc/grpc-js';

export type DataPlaneRole = 'edge' | 'sidecar' | 'proxyless';

/** What a data plane says it is (contract "Data-plane handshake"), once authenticated. */
export interface ProxyNode {
  /** node.id, unique per instance. */
  id: string;
  role: DataPlaneRole;
  /** edge: "ns/name" of its Gateway. */
  gateway?: string;
  /** sidecar (required) and proxyless (optional): "ns/name" of its Service. */
  service?: string;
  workload?: string;
  /** node.locality ({} when unknown). */
  locality: { region?: string; zone?: string };
  /** Sidecar self-registration (Workload JSON shapes), when sent in node.metadata. */
  address?: string;
  ports?: { name: string; port: number; targetPort?: number }[];
  outbound?: { port: number; service?: string; servicePort?: number }[];
  /** proxyless: the bootstrap configures certificate providers (default true). */
  certificateProviders?: boolean;
}

/** One resource of a snapshot, encoded once and shared by every stream that sends it. */
export interface SnapshotEntry {
  name: string;
  /** Content hash: equal content, equal version. */
  version: string;
  /** google.protobuf.Any in protobufjs object form, ready for DiscoveryResponse.resources. */
  any: { type_url: string; value: Uint8Array };
}

export interface TypeSnapshot {
  /** Hash of the names and versions of every entry. */
  version: string;
  entries: ReadonlyMap<string, SnapshotEntry>;
}

export interface ProxySnapshot {
  /** Per type URL (the five Envoy v3 resource types), including empty ones. */
  types: ReadonlyMap<string, TypeSnapshot>;
  /**
   * Resources answered only when asked for by name (e.g. proxyless server Listeners
   * "grpc/server?xds.resource.listening_address=IP:port"); undefined when unknown.
   */
  lookup(typeUrl: string, name: string): SnapshotEntry | undefined;
  /** The stored objects ("Kind ns/name") that produced a resource, for NACK reports. */
  sources(typeUrl: string, name: string): string[];
  /** When the store change behind this snapshot was seen (ms since epoch), for push latency. */
  changeSeenAt: number;
}

/**
 * Given with a snapshot when change tracing is on: the stream calls done() once, with
 * the time its last response for that snapshot was written, or without one when it
 * wrote nothing for it (superseded by a newer snapshot, nothing due, stream closed).
 */
export interface PushDelivery {
  done(writtenAt?: number): void;
}

export interface SnapshotSource {
  /**
   * Calls `listener` with the node's current snapshot as soon as one exists, then
   * again after every change that alters it (latest wins; never the same content twice).
   * `delivery` is set only when change tracing is on and the snapshot comes from a round.
   */
  watch(
    node: ProxyNode,
    listener: (snapshot: ProxySnapshot, delivery?: PushDelivery) => void,
  ): { close(): void };
  /** True once the first full snapshot of the store has been built. */
  ready(): boolean;
}

export type AuthResult =
  | { ok: true; node: ProxyNode }
  | {
      ok: false;
      code: 'UNAUTHENTICATED' | 'PERMISSION_DENIED' | 'INVALID_ARGUMENT';
      message: string;
    };

export interface DataPlaneAuthenticator {
  /**
   * Checks the node (DiscoveryRequest.node in protobufjs object form: id, locality,
   * metadata as a google.protobuf.Struct) and its token (node.metadata.token or the
   * gRPC header `authorization: Bearer <token>`) against the role and target the
   * token was issued for. Never logs or returns the token.
   */
  authenticate(node: unknown, metadata: Metadata): Promise<AuthResult>;
}

export type XdsStreamKind = 'sotw' | 'delta';

/** What happened to each proxy: feeds the registry (GET /api/v1/proxies) and metrics. */
export interface ProxyEvents {
  connected(node: ProxyNode, stream: XdsStreamKind): void;
  /** A response went out: its type, version, nonce, encoded bytes and the change it carries. */
  sent(
    node: ProxyNode,
    push: { typeUrl: string; version: string; bytes: number; changeSeenAt: number },
  ): void;
  acked(node: ProxyNode, ack: { typeUrl: string; version: string; changeSeenAt: number }): void;
  nacked(
    node: ProxyNode,
    nack: { typeUrl: string; version: string; error: string; objects: string[] },
  ): void;
  disconnected(node: ProxyNode): void;
}

/** Fans one event stream out to several consumers. */
export function combineEvents(...consumers: ProxyEvents[]): ProxyEvents {
  return {
    connected: (node, stream) => consumers.forEach((c) => c.connected(node, stream)),
    sent: (node, push) => consumers.forEach((c) => c.sent(node, push)),
    acked: (node, ack) => consumers.forEach((c) => c.acked(node, ack)),
    nacked: (node, nack) => consumers.forEach((c) => c.nacked(node, nack)),
    disconnected: (node) => consumers.forEach((c) => c.disconnected(node)),
  };
}

/** Type URLs in make-before-break order: clusters, endpoints, listeners, routes, secrets. */
export const TYPE_URLS = {
  clusters: 'type.googleapis.com/envoy.config.cluster.v3.Cluster',
  endpoints: 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment',
  listeners: 'type.googleapis.com/envoy.config.listener.v3.Listener',
  routes: 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration',
  secrets: 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret',
} as const;
export const PUSH_ORDER: readonly string[] = [
  TYPE_URLS.clusters,
  TYPE_URLS.endpoints,
  TYPE_URLS.listeners,
  TYPE_URLS.routes,
  TYPE_URLS.secrets,
];
