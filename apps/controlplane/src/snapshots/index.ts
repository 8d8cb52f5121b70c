// Store -> per-proxy-group xDS snapshots (the SnapshotSource of contracts.ts).
export {
  createSnapshotSource,
  type ControlPlaneSnapshotSource,
  type ResolvedPolicyView,
  type SnapshotBuildInfo,
  type SnapshotSourceOptions,
} from './snapshot-source';
export type { ChangeTrace } from './change-rounds';
export { groupKey } from './group-key';
export { resourceSources } from './resource-sources';
