// @crossway/xds: the per-role IR, translation to Envoy resources and the snapshot
// (pure). Flow: resolvePolicy → buildEdgeIr → translateEdge → buildSnapshot.
export type * from './ir/edge-ir';
export { buildEdgeIr, type EdgeIrOptions } from './ir/build-edge-ir';
export { buildBackends, clustersOfRoutes } from './ir/build-backends';
export { buildRouteIr, type RouteSite } from './ir/build-route-ir';
export {
  meshHostName,
  meshRouteView,
  meshVirtualHost,
  type MeshVirtualHostOptions,
} from './ir/build-mesh-routes';
export { clusterName, gatewayListenerName, gatewayPortName, secretName } from './ir/names';
export {
  ENVOY_TYPES,
  RESOURCE_KIND_ORDER,
  type EdgeBuilder,
  type EnvoyResourceKind,
  type EnvoyResources,
} from './translate/resources';
export { EDGE_PROFILE, translateEdge } from './translate/edge-profile';
export { translateL4Listeners } from './translate/translate-l4-listeners';
export { translateCluster } from './translate/translate-clusters';
export {
  redactedKeyMarker,
  redactSecretResources,
  translateSecrets,
  validationSecretName,
  type SecretObject,
  type TranslatedSecrets,
} from './translate/translate-secrets';
export { INVALID_BACKEND_CLUSTER } from './translate/route-action';
export {
  buildHttpFilters,
  HTTP_FILTERS,
  HTTP_FILTER_ORDER,
  type HttpFilterBuilder,
} from './translate/http-filters';
export type * from './ir/http-filter-ir';
export {
  buildHttpFilterIr,
  receiverName,
  requiredTokenDenyRules,
  type HttpFilterSite,
} from './ir/build-http-filter-ir';
export { jwksClusterName } from './ir/http-filters/build-jwt-ir';
export { jwksClusters, translateJwksClusters } from './translate/filters/jwt-authn';
export { routeFilterConfigs } from './translate/filters/route-filters';
export { RBAC_ALLOW_FILTER, RBAC_DENY_FILTER } from './translate/filters/rbac';
export {
  simulateHttpFilters,
  type HttpFilterOutcome,
  type SimulatedSource,
} from './simulate/simulate-http-filters';
export type { AuthorizationOutcome } from './simulate/rbac';
export type { JwtOutcome, SimulatedToken } from './simulate/jwt';
export type { CorsOutcome } from './simulate/cors';
export {
  buildSnapshot,
  referencedSecrets,
  checkResources,
  kindVersion,
  versionResource,
  type Snapshot,
  type SnapshotKind,
  type SnapshotOptions,
  type SnapshotResource,
} from './snapshot/build-snapshot';
export { sha256, stableJson } from './snapshot/stable-json';
export {
  carryOverUpstreams,
  loadAssignmentFor,
  type LoadAssignmentTarget,
} from './translate/load-assignment-for';
export {
  simulateRequest,
  type HeaderToAdd,
  type SimulatedRequest,
  type SimulationResult,
} from './simulate/simulate-request';
export type { SimulatedAction, SimulatedCluster } from './simulate/route-action';
export { matchString, matchHeader, matchQueryParameter, parseQuery } from './simulate/string-match';
export { matchPath, matchRoute, splitPath } from './simulate/route-match';
export { selectVirtualHost } from './simulate/select-virtual-host';
export { explainEdgeRequest } from './explain/explain-request';
export { explainMeshRequest } from './explain/explain-mesh';
export { explainRequest } from './explain/explain';
export type * from './explain/explain-types';
export type * from './ir/sidecar-ir';
export {
  buildSidecarIr,
  DEFAULT_OUTBOUND_PORT,
  SIDECAR_CERTIFICATE_SDS,
  SIDECAR_TRUST_BUNDLE_SDS,
  type SidecarOptions,
  type SidecarOutboundEntry,
  type SidecarWorkloadPort,
} from './ir/build-sidecar-ir';
export { sidecarUpstreams } from './ir/sidecar-upstreams';
export {
  SIDECAR_PROFILE,
  translateSidecar,
  type SidecarBuilder,
} from './translate/sidecar-profile';
export { PASSTHROUGH_CLUSTER, REGISTRY_ONLY } from './translate/sidecar-routes';
export {
  gatewaySpiffeId,
  inboundClusterName,
  MESH_CERTIFICATE_SDS,
  MESH_TRUST_BUNDLE_SDS,
  sidecarListenerName,
  sidecarOutboundTableName,
  spiffeId,
} from './ir/names';
export { upstreamTlsOf } from './ir/upstream-tls';
// Proxyless gRPC (grpc-js-xds clients and xDS-enabled servers).
export type * from './ir/proxyless-ir';
export { buildProxylessIr, type ProxylessNode } from './ir/build-proxyless-ir';
export { GRPC_RETRY_CODES } from './ir/proxyless-route-ir';
export { PROXYLESS_SERVER_LISTENER_TEMPLATE, proxylessServerListenerName } from './ir/names';
export {
  PROXYLESS_PROFILE,
  translateProxyless,
  type ProxylessBuilder,
} from './translate/proxyless-profile';
export { parseServerListenerName, proxylessServerListener } from './translate/proxyless-servers';
export { IDENTITY_PROVIDER_INSTANCE, ROOTS_PROVIDER_INSTANCE } from './translate/proxyless-tls';
// Role capability tables and UnsupportedForRole.
export type * from './capabilities/capability-types';
export { FEATURES } from './capabilities/capability-types';
export { ROLE_CAPABILITIES } from './capabilities/role-capabilities';
export {
  proxylessScope,
  unsupportedForRole,
  type SourceObject,
  type UnsupportedOptions,
} from './capabilities/unsupported-for-role';
export { mergeUnsupportedForRole } from './capabilities/merge-unsupported';
