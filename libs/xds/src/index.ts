// @crossway/xds: the per-role IR, translation to Envoy resources and the snapshot
// (pure). Flow: resolvePolicy → buildEdgeIr → translateEdge → buildSnapshot.
export type * from './ir/edge-ir';
export { buildEdgeIr } from './ir/build-edge-ir';
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
export { INVALID_BACKEND_CLUSTER } from './translate/route-action';
export {
  buildHttpFilters,
  HTTP_FILTERS,
  HTTP_FILTER_ORDER,
  type HttpFilterBuilder,
} from './translate/http-filters';
export type { IrHttpFilters } from './ir/http-filter-ir';
export { buildHttpFilterIr, type HttpFilterSite } from './ir/build-http-filter-ir';
export {
  buildSnapshot,
  referencedSecrets,
  type Snapshot,
  type SnapshotKind,
  type SnapshotOptions,
  type SnapshotResource,
} from './snapshot/build-snapshot';
export { sha256, stableJson } from './snapshot/stable-json';
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
export { explainEdgeRequest, explainRequest } from './explain/explain-request';
export type * from './explain/explain-types';
