// The shape of bench/results/<date>.json: per workload what was measured, plus the
// floors measured in the same run.
import type { Summary } from './stats';

export interface ChangeSummary {
  latency: Summary;
  /** p50 of each stage over the samples (ms). */
  breakdown: {
    api: number;
    storeWatch: number;
    debounce: number;
    translation: number;
    send: number;
    ack: number;
  };
  /** Mean bytes ACKed per affected proxy (per sample, then median). */
  bytesPerAffected: number;
  /** The same for SotW and for Delta proxies alone (NaN/null when none ACKed). */
  bytesPerAffectedSotw: number;
  bytesPerAffectedDelta: number;
  /** Most bytes any sample sent to proxies it should not reach. */
  bytesToUnaffected: number;
  affected: number;
  missed: number;
}

export interface WorkloadResult {
  workload: string;
  services: number;
  sidecars: number;
  edges: number;
  seed: { objects: number; ms: number };
  /** Control plane start -> first round built (ms), and that round's own translation. */
  coldTranslation: { startToBuiltMs: number; translationMs: number; revision: number };
  initialSync: { ms: number; proxies: number; synced: number };
  changes: Record<string, ChangeSummary>;
  churn?: { rate: number; seconds: number; changes: number; latency: Summary };
  reconnectStorm?: { ms: number; synced: number };
  /**
   * From SIGTERM: all ACKed again (ms); stopped (stopMs), new process listening
   * (listeningMs), its first full build (builtMs). The rest is the proxies' reconnect
   * back-off and the resync itself.
   */
  restart?: { ms: number; synced: number; stopMs?: number; listeningMs?: number; builtMs?: number };
  memory?: {
    rssBeforeMb: number;
    rssAfterMb: number;
    perProxyKb: number;
    heapBeforeMb?: number;
    heapAfterMb?: number;
    heapPerProxyKb?: number;
    source: string;
  };
  apiWrites?: {
    concurrency: number;
    seconds: number;
    perSecond: number;
    latency: Summary;
    errors: number;
  };
  /** Phases that failed (the others still ran). */
  errors: string[];
  problems: { nack: number; missingReference: number; streamError: number; samples: string[] };
}

export interface Floors {
  etcd?: { p50: number; p99: number; samples: number };
  grpcPush?: { p50: number; p99: number; streams: number };
  errors: string[];
}

export interface BenchResults {
  startedAt: string;
  finishedAt: string;
  quick: boolean;
  machine: { cpus: number; node: string };
  floors: Floors;
  workloads: WorkloadResult[];
}
