// The store's public contract, implemented over etcd and in memory.
import type { CrosswayObject, KindName, LabelSelector, ObjectStatus } from '@crossway/model';
import type { StoreError } from './errors';

export interface ObjectId {
  kind: KindName;
  /** Required for namespaced kinds, absent for cluster-scoped ones (Mesh). */
  namespace?: string;
  name: string;
}

export interface ListOptions {
  /** Absent: every kind. */
  kind?: KindName;
  /** Absent: every namespace (and cluster-scoped objects). */
  namespace?: string;
  labelSelector?: LabelSelector;
  /** Page size; absent or 0 lists everything. */
  limit?: number;
  /** Token from a previous page; the next page shows the same revision. */
  continue?: string;
}

export interface ListResult {
  /** Sorted by store key: kind plural, then namespace, then name. */
  items: CrosswayObject[];
  /** The revision every page of this list shows. */
  revision: number;
  /** Set when more items may follow. */
  continue?: string;
}

export interface WriteOptions {
  /** Fail with Conflict unless the stored object is at this resourceVersion. */
  expectedResourceVersion?: string;
}

export type TxOp =
  | { op: 'create'; object: CrosswayObject }
  | { op: 'update'; object: CrosswayObject; expectedResourceVersion?: string }
  /** Create, or update keeping uid and creationTimestamp. */
  | { op: 'upsert'; object: CrosswayObject }
  | { op: 'delete'; id: ObjectId; expectedResourceVersion?: string };

export interface TxResult {
  /** The revision of the write, or the revision read if nothing changed. */
  revision: number;
  /** Per operation: the object as stored now, or as it was before a delete. */
  objects: (CrosswayObject | undefined)[];
  /** Per operation: true when this transaction wrote it (false: it changed nothing). */
  written: boolean[];
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/**
 * One change. `object` carries no status (status is stored apart). For DELETED it is
 * the last stored object with resourceVersion set to the deleting revision.
 */
export interface WatchEvent {
  type: WatchEventType;
  revision: number;
  object: CrosswayObject;
}

export interface Watch {
  /**
   * Resolves once the start revision is known to be watchable; rejects (with the same
   * StoreError onError gets) when it was compacted, so a caller can answer 410 before
   * it commits to a stream.
   */
  readonly ready: Promise<void>;
  /** Stops delivery; resolves once no more events will be delivered. */
  close(): Promise<void>;
}

export type WatchListener = (events: WatchEvent[]) => void;

/**
 * A record that a write too large for one etcd transaction is in progress: readers that
 * must see whole applies (the control plane's snapshots) wait while one is open.
 */
export interface ApplyMarker {
  id: string;
  /** When the write started, RFC 3339. */
  startedAt: string;
  /** Operations in the write. */
  operations: number;
  /** Who writes, as the writer labelled it (an apply's owner, a request id). */
  owner?: string;
}

/** A marker opening, or closing (written to the end, rolled back, or expired). */
export type ApplyMarkerChange =
  | { type: 'OPENED'; revision: number; marker: ApplyMarker }
  | { type: 'CLOSED'; revision: number; id: string };

export interface WatchOptions {
  /**
   * Also reports apply markers opening and closing, on the same stream as the events:
   * calls to it and to the listener come in revision order.
   */
  onApplyMarker?: (change: ApplyMarkerChange) => void;
}

export interface WriteProgress {
  /** Operations committed so far (of those that change something). */
  written: number;
  /** Operations that change something. */
  total: number;
}

export interface WriteAllOptions {
  /** Recorded in the apply marker, for whoever lists open markers. */
  owner?: string;
  /**
   * Called after each chunk a chunked write commits. The next chunk waits for a
   * returned promise; a throw or rejection fails (and rolls back) the write.
   */
  onProgress?: (progress: WriteProgress) => void | Promise<void>;
  /**
   * How long the marker outlives a writer that stops renewing it (it renews before
   * each chunk). Default 30 000 ms; etcd rounds up to whole seconds.
   */
  markerTtlMs?: number;
}
/** Called at most once; the watch is dead afterwards. Compacted means: re-list. */
export type WatchErrorListener = (error: StoreError) => void;

/** A named area of JSON records beside the objects (e.g. API token records). */
export interface RecordArea<T> {
  get(id: string): Promise<T | undefined>;
  /** Creates or replaces. */
  put(id: string, value: T): Promise<void>;
  /** True if this call removed the record. */
  delete(id: string): Promise<boolean>;
  /** Every record, sorted by id. */
  list(): Promise<{ id: string; value: T }[]>;
  /**
   * Creates the record only if it is absent (compare-and-create): true if this call
   * created it, false if it exists (whoever wrote it).
   */
  create(id: string, value: T): Promise<boolean>;
  /** The record with an opaque version for replace(), or undefined. */
  getVersioned(id: string): Promise<VersionedRecord<T> | undefined>;
  /**
   * Compare-and-put: writes `value` only if the record is still at `version` (from
   * getVersioned). True if this call wrote it; false if it changed or was deleted since.
   */
  replace(id: string, version: string, value: T): Promise<boolean>;
}

/** A record as read by getVersioned: its value and its current version (opaque). */
export interface VersionedRecord<T> {
  value: T;
  version: string;
}

/**
 * Records that live under a lease: a session's records vanish when its lease expires
 * (no keepAlive in time) or the session is closed.
 */
export interface LeaseSession<T> {
  /** The TTL granted (etcd counts whole seconds, so it may be longer than asked). */
  readonly ttlMs: number;
  /** Creates or replaces the record, attached to this session's lease. */
  put(id: string, value: T): Promise<void>;
  /**
   * Creates the record only if no session holds it (compare-and-create): true if this
   * call created it, false if it exists (e.g. a leader record held by another session).
   */
  create(id: string, value: T): Promise<boolean>;
  /** True if this call removed the record. */
  delete(id: string): Promise<boolean>;
  /** Renews the lease; false if it has expired or was closed (its records are gone). */
  keepAlive(): Promise<boolean>;
  /** Revokes the lease: every record of this session is deleted. Never throws. */
  close(): Promise<void>;
}

/** A record area whose records are written by lease sessions (see LeaseSession). */
export interface LeasedRecordArea<T> {
  get(id: string): Promise<T | undefined>;
  /** Every live record of every session, sorted by id. */
  list(): Promise<{ id: string; value: T }[]>;
  session(ttlMs: number): Promise<LeaseSession<T>>;
}

export interface Store {
  /** The object with its status merged in and resourceVersion set, or undefined. */
  get(id: ObjectId): Promise<CrosswayObject | undefined>;
  list(options?: ListOptions): Promise<ListResult>;
  /** Fails with AlreadyExists if present. */
  create(object: CrosswayObject): Promise<CrosswayObject>;
  /** Fails with NotFound if absent (never creates), Conflict on a stale resourceVersion. */
  update(object: CrosswayObject, options?: WriteOptions): Promise<CrosswayObject>;
  /** Returns the deleted object; its status goes with it. */
  delete(id: ObjectId, options?: WriteOptions): Promise<CrosswayObject>;
  /**
   * All or nothing: one failing operation fails the whole transaction. One etcd
   * transaction, so at most 128 operations and 1.5 MiB (TooLarge beyond).
   */
  transaction(ops: readonly TxOp[]): Promise<TxResult>;
  /**
   * All or nothing, any size. A set that fits one etcd transaction is exactly one
   * transaction(). A larger one is planned at one revision (so AlreadyExists, NotFound
   * and Conflict come before anything is written), then committed in chunks under an
   * apply marker, each chunk pinned to that revision; if a chunk fails, the chunks
   * already committed are rolled back and the chunk's error is thrown. The marker is
   * closed in every case. Results are as transaction()'s; `revision` is the last chunk's.
   */
  writeAll(ops: readonly TxOp[], options?: WriteAllOptions): Promise<TxResult>;
  /** Apply markers open now (or at `revision`), sorted by id. */
  openApplyMarkers(options?: { revision?: number }): Promise<ApplyMarker[]>;
  /** Stored apart from the object: never changes its resourceVersion or generation. */
  setStatus(id: ObjectId, status: ObjectStatus): Promise<void>;
  /**
   * Delivers every change with revision > afterRevision, in revision order, in
   * batches. If afterRevision + 1 was compacted, onError gets Compacted. With
   * `options.onApplyMarker`, apply markers opening and closing come on the same stream.
   */
  watch(
    afterRevision: number,
    listener: WatchListener,
    onError: WatchErrorListener,
    options?: WatchOptions,
  ): Watch;
  /** The store's current revision. */
  revision(): Promise<number>;
  /** Forgets history before `revision`; lists and watches from older revisions fail with Compacted. */
  compact(revision: number): Promise<void>;
  /**
   * The record area `area`. Values are JSON; `parse` checks what is read back
   * (default: trust it, as only this area's writers write there).
   */
  records<T>(area: string, parse?: (value: unknown) => T): RecordArea<T>;
  /** A record area whose records live under lease sessions. */
  leasedRecords<T>(area: string, parse?: (value: unknown) => T): LeasedRecordArea<T>;
  close(): Promise<void>;
}

/** Options every implementation takes. */
export interface StoreOptions {
  /** Key prefix, default `/crossway`. */
  prefix?: string;
  /** Clock for creationTimestamp; injectable for tests. */
  now?: () => Date;
  /** uid generator; injectable for tests. Default crypto.randomUUID. */
  newUid?: () => string;
}
