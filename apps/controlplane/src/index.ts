// @crossway/controlplane: the xDS server (ADS, SotW and Delta) fed by the store.
// `npm start` runs it beside the API in one process; main.ts runs it alone.
export {
  startControlPlane,
  type ControlPlane,
  type ControlPlaneIdentityOptions,
  type ControlPlaneOptions,
} from './control-plane';
export type { IdentityControl } from './identity/index';
export {
  loadCaSettings,
  loadXdsLimitSettings,
  type CaSettings,
  type CaSettingsResult,
  type XdsLimitSettings,
} from './settings';
export { controlPlaneMetrics, type ControlPlaneMetrics } from './metrics';
export type * from './contracts';
export { combineEvents, PUSH_ORDER, TYPE_URLS } from './contracts';
export {
  createSnapshotSource,
  type ChangeTrace,
  type ControlPlaneSnapshotSource,
} from './snapshots/index';
