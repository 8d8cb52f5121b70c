// The shapes of the API's answers that the client returns (see docs/api.md).
import type { CrosswayObject } from '@crossway/model';

export type ApiObject = CrosswayObject<string, unknown>;

export interface ObjectList {
  items: ApiObject[];
  metadata: { resourceVersion: string; continue?: string };
}

export interface ListOptions {
  namespace?: string;
  allNamespaces?: boolean;
  labelSelector?: string;
  limit?: number;
  continue?: string;
}

export type ApplyAction = 'created' | 'configured' | 'unchanged' | 'pruned';

export interface DiffEntry {
  path: string;
  op: string;
  from?: unknown;
  to?: unknown;
}

export interface ApplyResult {
  kind: string;
  namespace?: string;
  name: string;
  action: ApplyAction;
  diff?: DiffEntry[];
}

export interface ApplyAnswer {
  results: ApplyResult[];
  resourceVersion: string;
}

export interface ApplyOptions {
  dryRun?: boolean;
  diff?: boolean;
  prune?: boolean;
  owner?: string;
  /** With owner: take over objects stored with another owner (otherwise the apply answers 409). */
  takeOwnership?: boolean;
}

export type SyncPhase = 'Syncing' | 'Synced' | 'Drifted' | 'Failed';

/** One object that changed in the store behind a sync's back. */
export interface SyncDriftObject {
  kind: string;
  namespace?: string;
  name: string;
  change: 'modified' | 'deleted' | 'added';
}

/** The status `crossway sync` records for its owner id (GET|PUT /api/v1/syncs/{owner}). */
export interface SyncStatus {
  owner: string;
  /** What was cloned (URL or path). */
  repo: string;
  branch: string;
  /** Directory inside the repo ('.' for the root). */
  path: string;
  /** "<hostname>:<pid>" of the sync process. */
  instance?: string;
  phase: SyncPhase;
  /** Newest commit seen on the branch. */
  headCommit?: string;
  /** Last good commit: what the store holds now. */
  appliedCommit?: string;
  /** ISO times. */
  lastAttemptAt: string;
  lastSyncedAt?: string;
  nextAttemptAt?: string;
  /** Integer >= 0. */
  consecutiveFailures: number;
  result?: { created: number; configured: number; unchanged: number; pruned: number };
  /** `message` is at most 8 KiB. */
  error?: { reason: string; message: string; commit?: string; at: string };
  /** At most 1000 objects. */
  drift?: { detectedAt: string; repaired: boolean; objects: SyncDriftObject[] };
}

export type TypeVersions = Record<string, string>;

export interface ProxyInfo {
  id: string;
  role: string;
  gateway?: string;
  service?: string;
  workload?: string;
  instance: string;
  connectedAt: string;
  stream?: unknown;
  versions: TypeVersions;
  sent: TypeVersions;
  nack?: { type: string; error: string; at: string; objects?: unknown[] };
}

export interface ProxyConfig {
  proxy: ProxyInfo;
  revision: string | number;
  versions: TypeVersions;
  upToDate: Record<string, { sent: boolean; acked: boolean }>;
  inSync: boolean;
  resources: Record<string, unknown[]>;
  problems: unknown[];
}

export interface PreviewQuery {
  role: 'edge' | 'sidecar' | 'proxyless';
  gateway?: string;
  service?: string;
  workload?: string;
}

export interface TokenCreate {
  type: 'api' | 'dataplane';
  role: string;
  namespaces?: string[];
  gateway?: string;
  service?: string;
  ttl?: string;
}

/** POST /api/v1/certificates: a workload (or edge) certificate signed from a CSR. */
export interface SignedCertificate {
  spiffeId: string;
  /** Leaf first, then intermediates. PEM. */
  certificateChain: string;
  /** Every trusted root, PEM. */
  trustBundle: string;
  notBefore: string;
  notAfter: string;
}

/** GET /api/v1/trust-bundle: the roots every data plane trusts. */
export interface TrustBundleInfo {
  pem: string;
  /** Changes exactly when the set of roots changes. */
  version: string;
  roots: { subject: string; fingerprint256: string; notAfter: string }[];
}

/** The answer of a CA rotation. */
export interface CaRotation {
  signerFingerprint: string;
  previousSignerFingerprint: string;
  trustBundle: TrustBundleInfo;
}

export interface WatchEvent {
  type: string;
  revision?: string;
  object: unknown;
}

/** GET /api/v1/whoami. */
export interface WhoAmI {
  id: string;
  role: 'admin' | 'editor' | 'viewer';
  /** Editors limited to namespaces only. */
  namespaces?: string[];
}
