// An in-memory MVCC key space with etcd's semantics: one revision counter, a history
// of versions per key (so reads at an old revision and watches from one work),
// compaction that forgets history, leases, and watches delivered asynchronously in order.
import { StoreError } from './errors';
import { compareKeys, type KeyRange } from './keys';
import type { KvBackend, KvCompare, KvEntry, KvEvent, KvLease, KvWatch, KvWrite } from './kv';
import { MemoryLeases } from './memory-leases';

interface Version {
  revision: number;
  createRevision: number;
  version: number;
  /** undefined: a tombstone (the key was deleted at `revision`). */
  value: string | undefined;
}

interface Watcher {
  range: KeyRange;
  onEvents: (events: KvEvent[]) => void;
  pending: KvEvent[][];
  scheduled: boolean;
}

function inRange(key: string, range: KeyRange): boolean {
  return compareKeys(key, range.start) >= 0 && compareKeys(key, range.end) < 0;
}

export class MemoryKv implements KvBackend {
  private revision = 1;
  /** Reads and watches before this revision fail with Compacted. */
  private compacted = 0;
  /** Every key with retained history, sorted as etcd sorts. */
  private keys: string[] = [];
  private history = new Map<string, Version[]>();
  private events: KvEvent[] = [];
  private watchers = new Set<Watcher>();
  private closed = false;
  private readonly leases = new MemoryLeases(() => {
    if (!this.closed) this.expireLeases();
  });

  async read(
    keys: readonly string[],
  ): Promise<{ revision: number; entries: Map<string, KvEntry> }> {
    this.ready();
    const entries = new Map<string, KvEntry>();
    for (const key of keys) {
      const entry = this.entryAt(key, this.revision);
      if (entry !== undefined) entries.set(key, entry);
    }
    return { revision: this.revision, entries };
  }

  async range(
    range: KeyRange,
    options: { revision?: number; limit?: number },
  ): Promise<{ revision: number; entries: KvEntry[]; more: boolean }> {
    this.ready();
    const revision = options.revision ?? this.revision;
    this.checkReadable(revision);
    const limit = options.limit !== undefined && options.limit > 0 ? options.limit : Infinity;
    const entries: KvEntry[] = [];
    for (let i = this.lowerBound(range.start); i < this.keys.length; i++) {
      const key = this.keys[i] ?? '';
      if (compareKeys(key, range.end) >= 0) break;
      const entry = this.entryAt(key, revision);
      if (entry === undefined) continue;
      if (entries.length === limit) return { revision, entries, more: true };
      entries.push(entry);
    }
    return { revision, entries, more: false };
  }

  async commit(
    compares: readonly KvCompare[],
    writes: readonly KvWrite[],
  ): Promise<{ succeeded: boolean; revision: number }> {
    this.ready();
    const holds = compares.every((c) => {
      const entry = this.entryAt(c.key, this.revision);
      return 'exists' in c ? entry !== undefined : (entry?.modRevision ?? 0) === c.modRevision;
    });
    if (!holds) return { succeeded: false, revision: this.revision };
    for (const write of writes) {
      if (write.type === 'put' && write.lease !== undefined && !this.leases.has(write.lease))
        throw new StoreError('NotFound', `lease ${write.lease} not found`);
    }
    this.apply(writes);
    return { succeeded: true, revision: this.revision };
  }

  async grantLease(ttlMs: number): Promise<KvLease> {
    this.ready();
    return this.leases.grant(ttlMs);
  }

  async keepLeaseAlive(id: string): Promise<boolean> {
    this.ready();
    return this.leases.keepAlive(id);
  }

  async revokeLease(id: string): Promise<void> {
    this.ready();
    this.apply(this.leases.revoke(id).map((key) => ({ type: 'delete', key })));
  }

  async currentRevision(): Promise<number> {
    this.ready();
    return this.revision;
  }

  async compact(revision: number): Promise<void> {
    this.ready();
    if (revision > this.revision) {
      throw new StoreError(
        'InvalidArgument',
        `cannot compact at ${revision}: the current revision is ${this.revision}`,
      );
    }
    if (revision <= this.compacted) return;
    this.compacted = revision;
    this.events = this.events.filter((e) => e.revision >= revision);
    const kept: string[] = [];
    for (const key of this.keys) {
      const versions = this.history.get(key) ?? [];
      const newer = versions.filter((v) => v.revision > revision);
      const visible = versions.filter((v) => v.revision <= revision).at(-1);
      if (visible?.value !== undefined) newer.unshift(visible);
      if (newer.length === 0) this.history.delete(key);
      else {
        this.history.set(key, newer);
        kept.push(key);
      }
    }
    this.keys = kept;
  }

  watch(
    range: KeyRange,
    startRevision: number,
    onEvents: (events: KvEvent[]) => void,
    onError: (error: StoreError) => void,
  ): KvWatch {
    const watcher: Watcher = { range, onEvents, pending: [], scheduled: false };
    const failure = this.closed
      ? new StoreError('Unavailable', 'the store is closed')
      : startRevision < this.compacted
        ? new StoreError(
            'Compacted',
            `revision ${startRevision} has been compacted (compacted up to ${this.compacted})`,
          )
        : undefined;
    if (failure !== undefined) {
      setImmediate(() => onError(failure));
      return { close: async () => undefined };
    }
    this.watchers.add(watcher);
    const backlog = this.events.filter((e) => e.revision >= startRevision);
    if (backlog.length > 0) this.enqueue(watcher, backlog);
    return {
      close: async () => {
        this.watchers.delete(watcher);
        watcher.pending = [];
      },
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.leases.close();
    for (const watcher of this.watchers) watcher.pending = [];
    this.watchers.clear();
  }

  private enqueue(watcher: Watcher, batch: readonly KvEvent[]): void {
    const events = batch.filter((e) => inRange(e.key, watcher.range));
    if (events.length === 0) return;
    watcher.pending.push(events);
    if (watcher.scheduled) return;
    watcher.scheduled = true;
    setImmediate(() => {
      watcher.scheduled = false;
      const batches = watcher.pending;
      watcher.pending = [];
      for (const b of batches) {
        if (!this.watchers.has(watcher)) return;
        watcher.onEvents(b);
      }
    });
  }

  private checkOpen(): void {
    if (this.closed) throw new StoreError('Unavailable', 'the store is closed');
  }

  /** Every call starts here: expired leases are deleted before anything is read or written. */
  private ready(): void {
    this.checkOpen();
    this.expireLeases();
  }

  /** Each expired lease's keys go at one revision, as etcd revokes a lease. */
  private expireLeases(): void {
    for (const keys of this.leases.expire())
      this.apply(keys.map((key) => ({ type: 'delete', key })));
  }

  /** Writes at one new revision (none if nothing changes) and tells the watchers. */
  private apply(writes: readonly KvWrite[]): void {
    const revision = this.revision + 1;
    const batch: KvEvent[] = [];
    for (const write of writes) {
      const current = this.entryAt(write.key, this.revision);
      if (write.type === 'put') {
        const version = (current?.version ?? 0) + 1;
        this.append(write.key, {
          revision,
          createRevision: current?.createRevision ?? revision,
          version,
          value: write.value,
        });
        this.leases.put(write.key, write.lease);
        batch.push({ type: 'put', key: write.key, revision, value: write.value, version });
      } else if (current !== undefined) {
        this.append(write.key, { revision, createRevision: 0, version: 0, value: undefined });
        this.leases.deleted(write.key);
        batch.push({
          type: 'delete',
          key: write.key,
          revision,
          version: 0,
          previous: current.value,
        });
      }
    }
    if (batch.length === 0) return;
    this.revision = revision;
    this.events.push(...batch);
    for (const watcher of this.watchers) this.enqueue(watcher, batch);
  }

  private checkReadable(revision: number): void {
    if (revision > this.revision) {
      throw new StoreError(
        'InvalidArgument',
        `revision ${revision} is in the future (current ${this.revision})`,
      );
    }
    if (revision < this.compacted) {
      throw new StoreError(
        'Compacted',
        `revision ${revision} has been compacted (compacted up to ${this.compacted})`,
      );
    }
  }

  private entryAt(key: string, revision: number): KvEntry | undefined {
    const versions = this.history.get(key);
    if (versions === undefined) return undefined;
    for (let i = versions.length - 1; i >= 0; i--) {
      const v = versions[i];
      if (v === undefined || v.revision > revision) continue;
      if (v.value === undefined) return undefined;
      return {
        key,
        value: v.value,
        createRevision: v.createRevision,
        modRevision: v.revision,
        version: v.version,
      };
    }
    return undefined;
  }

  private append(key: string, version: Version): void {
    const versions = this.history.get(key);
    if (versions !== undefined) {
      versions.push(version);
      return;
    }
    this.history.set(key, [version]);
    this.keys.splice(this.lowerBound(key), 0, key);
  }

  /** Index of the first key >= `key`. */
  private lowerBound(key: string): number {
    let low = 0;
    let high = this.keys.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (compareKeys(this.keys[mid] ?? '', key) < 0) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}
