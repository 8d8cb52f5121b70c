// Object status in the store: policy conditions, UnsupportedForRole, Programmed and
// data-plane counts, NACKs; written by the leader replica only.
export {
  startStatusWriter,
  STATUS_WRITER_LEADER,
  type StatusWriter,
  type StatusWriterOptions,
  type StatusWriterStats,
} from './status-writer';
export {
  LEADERS_AREA,
  startLeaderElection,
  type LeaderElection,
  type LeaderElectionOptions,
  type LeaderRecord,
} from './leader-election';
export { dataPlaneReport, type DataPlaneCounts, type DataPlaneReport } from './data-plane-report';
export { desiredStatuses, type DesiredStatus } from './desired-statuses';
