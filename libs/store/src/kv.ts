// The small MVCC key-value surface the store is built on: etcd's, and an in-memory
// one with the same semantics. Everything above it (metadata, transactions, limits,
// pagination, status) is shared, so both stores behave the same by construction.
import type { StoreError } from './errors';
import type { KeyRange } from './keys';

export interface KvEntry {
  key: string;
  value: string;
  createRevision: number;
  modRevision: number;
  /** 1 on creation, +1 per write; a re-created key starts at 1 again. */
  version: number;
}

/** Pins a key: absent when modRevision is 0; `exists` only asks that it is present. */
export type KvCompare = { key: string; modRevision: number } | { key: string; exists: true };

export type KvWrite =
  /** `lease`: the key is deleted when that lease expires or is revoked. */
  { type: 'put'; key: string; value: string; lease?: string } | { type: 'delete'; key: string };

export interface KvLease {
  id: string;
  /** The TTL granted (etcd counts whole seconds, so it may be longer than asked). */
  ttlMs: number;
}

export interface KvEvent {
  type: 'put' | 'delete';
  key: string;
  revision: number;
  /** put: the new value. */
  value?: string;
  /** put: the key's version after the write (1 = created). */
  version: number;
  /** delete: the value before the delete, when known. */
  previous?: string;
}

export interface KvWatch {
  close(): Promise<void>;
}

export interface KvBackend {
  /** Reads keys at one revision, however many there are. */
  read(keys: readonly string[]): Promise<{ revision: number; entries: Map<string, KvEntry> }>;
  /**
   * Keys in [start, end) in key order, at `revision` (default: now). `revision` in the
   * answer is the one read. Compacted if that revision is gone; InvalidArgument if it is
   * in the future.
   */
  range(
    range: KeyRange,
    options: { revision?: number; limit?: number },
  ): Promise<{ revision: number; entries: KvEntry[]; more: boolean }>;
  /** Applies all writes at one new revision if every compare holds, else nothing. */
  commit(
    compares: readonly KvCompare[],
    writes: readonly KvWrite[],
  ): Promise<{ succeeded: boolean; revision: number }>;
  currentRevision(): Promise<number>;
  /** A lease that expires `ttlMs` after it was granted or last kept alive. */
  grantLease(ttlMs: number): Promise<KvLease>;
  /** Renews the lease; false if it has expired or was revoked (its keys are gone). */
  keepLeaseAlive(id: string): Promise<boolean>;
  /** Ends the lease now, deleting its keys; nothing if it is already gone. */
  revokeLease(id: string): Promise<void>;
  /** No-op if already compacted that far; InvalidArgument for a future revision. */
  compact(revision: number): Promise<void>;
  /** Events in [startRevision, ...) for keys in range, one batch per delivery, in order. */
  watch(
    range: KeyRange,
    startRevision: number,
    onEvents: (events: KvEvent[]) => void,
    onError: (error: StoreError) => void,
  ): KvWatch;
  close(): Promise<void>;
}
