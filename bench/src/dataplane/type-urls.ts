// The Envoy v3 resource type URLs a simulated proxy subscribes to (the same strings
// as TYPE_URLS in apps/controlplane/src/contracts.ts, kept here so the worker does
// not load the control plane).
export const CDS = 'type.googleapis.com/envoy.config.cluster.v3.Cluster';
export const EDS = 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment';
export const LDS = 'type.googleapis.com/envoy.config.listener.v3.Listener';
export const RDS = 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration';
export const SDS = 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret';

export const ALL_TYPES: readonly string[] = [CDS, EDS, LDS, RDS, SDS];
