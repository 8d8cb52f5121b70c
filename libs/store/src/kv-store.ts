// The Store, written once over a KvBackend. EtcdStore and MemoryStore differ only in
// the backend they hand it, so metadata, transactions, limits, pagination, status
// and watch semantics cannot drift apart.
import type { CrosswayObject, ObjectStatus } from '@crossway/model';
import { listMarkers } from './apply-markers';
import { decodeObject, decodeStatus, encodeStatus } from './codec';
import { StoreError } from './errors';
import { checkId, describeId, idOf, KeyLayout } from './keys';
import type { KvBackend, KvWatch } from './kv';
import { checkLimits, fitsLimits, MAX_TXN_OPS } from './limits';
import { listObjects } from './list';
import { present, type MetadataSource } from './metadata';
import { leasedRecordArea } from './leased-records';
import { recordArea } from './records';
import { startWatch } from './store-watch';
import { GroupCommit } from './group-commit';
import { failure, planTransaction, txResult, type ResolvedOp } from './tx-plan';
import type {
  ApplyMarker,
  LeasedRecordArea,
  ListOptions,
  ListResult,
  ObjectId,
  RecordArea,
  Store,
  StoreOptions,
  TxOp,
  TxResult,
  Watch,
  WatchErrorListener,
  WatchListener,
  WatchOptions,
  WriteAllOptions,
  WriteOptions,
} from './types';
import { writeInChunks } from './write-all';

/** Read-compute-write rounds before a transaction that keeps losing races gives up. */
const MAX_ATTEMPTS = 10;

/** Record areas without a parser hold only what their own writers put there. */
function trustJson<T>(value: unknown): T {
  return value as T;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export class KvStore implements Store {
  protected readonly layout: KeyLayout;
  private readonly source: MetadataSource;
  private readonly watches = new Set<KvWatch>();
  private readonly group: GroupCommit;
  private closed = false;

  constructor(
    private readonly backend: KvBackend,
    options: StoreOptions = {},
  ) {
    this.layout = new KeyLayout(options.prefix);
    this.source = {
      now: options.now ?? (() => new Date()),
      newUid: options.newUid ?? (() => crypto.randomUUID()),
    };
    this.group = new GroupCommit(backend, this.source, async (op) => {
      const result = await this.commitOne([op], 'throw');
      if (result === undefined) throw new StoreError('Internal', 'the transaction was not written');
      return result;
    });
  }

  async get(id: ObjectId): Promise<CrosswayObject | undefined> {
    this.checkOpen();
    checkId(id);
    const key = this.layout.objectKey(id);
    const statusKey = this.layout.statusKey(id);
    const { entries } = await this.backend.read([key, statusKey]);
    const entry = entries.get(key);
    if (entry === undefined) return undefined;
    const status = entries.get(statusKey);
    return present(
      decodeObject(entry.value, key),
      entry.modRevision,
      status === undefined ? undefined : decodeStatus(status.value, statusKey),
    );
  }

  async list(options: ListOptions = {}): Promise<ListResult> {
    this.checkOpen();
    return listObjects(this.backend, this.layout, options);
  }

  async create(object: CrosswayObject): Promise<CrosswayObject> {
    return this.single({ op: 'create', object });
  }

  async update(object: CrosswayObject, options: WriteOptions = {}): Promise<CrosswayObject> {
    const op: TxOp =
      options.expectedResourceVersion === undefined
        ? { op: 'update', object }
        : { op: 'update', object, expectedResourceVersion: options.expectedResourceVersion };
    return this.single(op);
  }

  async delete(id: ObjectId, options: WriteOptions = {}): Promise<CrosswayObject> {
    const op: TxOp =
      options.expectedResourceVersion === undefined
        ? { op: 'delete', id }
        : { op: 'delete', id, expectedResourceVersion: options.expectedResourceVersion };
    return this.single(op);
  }

  private async single(op: TxOp): Promise<CrosswayObject> {
    const { objects } = await this.transaction([op]);
    const object = objects[0];
    if (object === undefined)
      throw new StoreError('Internal', 'the transaction returned no object');
    return object;
  }

  async transaction(ops: readonly TxOp[]): Promise<TxResult> {
    this.checkOpen();
    if (ops.length > MAX_TXN_OPS) {
      throw new StoreError(
        'TooLarge',
        `transaction has ${ops.length} operations; etcd allows at most ${MAX_TXN_OPS}`,
      );
    }
    const resolved = this.resolve(ops);
    const [only] = resolved;
    // Single-object writes from concurrent callers share etcd round trips.
    if (resolved.length === 1 && only !== undefined) return this.group.submit(only);
    const result = await this.commitOne(resolved, 'throw');
    if (result === undefined) throw new StoreError('Internal', 'the transaction was not written');
    return result;
  }

  async writeAll(ops: readonly TxOp[], options: WriteAllOptions = {}): Promise<TxResult> {
    this.checkOpen();
    const ttl = options.markerTtlMs;
    if (ttl !== undefined && !(Number.isFinite(ttl) && ttl > 0)) {
      throw new StoreError('InvalidArgument', `markerTtlMs must be a positive number, not ${ttl}`);
    }
    const resolved = this.resolve(ops);
    if (resolved.length <= MAX_TXN_OPS) {
      const result = await this.commitOne(resolved, 'undefined');
      if (result !== undefined) return result;
    }
    return writeInChunks(
      { backend: this.backend, layout: this.layout, source: this.source },
      resolved,
      options,
    );
  }

  async openApplyMarkers(options: { revision?: number } = {}): Promise<ApplyMarker[]> {
    this.checkOpen();
    return listMarkers(this.backend, this.layout, options.revision);
  }

  /**
   * Writes `resolved` in one etcd transaction. When it would exceed etcd's limits:
   * TooLarge, or undefined if `tooLarge` says so.
   */
  private async commitOne(
    resolved: readonly ResolvedOp[],
    tooLarge: 'throw' | 'undefined',
  ): Promise<TxResult | undefined> {
    if (resolved.length === 0)
      return { revision: await this.backend.currentRevision(), objects: [], written: [] };
    const keys = resolved.flatMap((op) => [op.key, op.statusKey]);
    for (let attempt = 1; ; attempt++) {
      const { revision, entries } = await this.backend.read(keys);
      const plan = planTransaction(resolved, entries, this.source);
      if (plan.writes.length === 0) return txResult(plan.results, revision);
      if (tooLarge === 'undefined' && !fitsLimits(plan.compares, plan.writes)) return undefined;
      checkLimits(plan.compares, plan.writes);
      const commit = await this.backend.commit(plan.compares, plan.writes);
      if (commit.succeeded) return txResult(plan.results, commit.revision);
      // Someone wrote a key we read. Reading again turns a stale expectedResourceVersion
      // into Conflict; without one, last writer wins after a fresh read.
      if (attempt === MAX_ATTEMPTS) {
        throw new StoreError(
          'Conflict',
          `transaction lost to concurrent writers ${MAX_ATTEMPTS} times; retry it`,
        );
      }
      if (attempt > 2) await delay(Math.random() * 5 * attempt);
    }
  }

  private resolve(ops: readonly TxOp[]): ResolvedOp[] {
    const seen = new Map<string, number>();
    return ops.map((op, index) => {
      let id: ObjectId;
      try {
        id = op.op === 'delete' ? op.id : idOf(op.object);
        checkId(id);
      } catch (error) {
        if (!(error instanceof StoreError) || ops.length === 1) throw error;
        throw new StoreError(error.code, `operation ${index} (${op.op}): ${error.message}`, {
          details: { ...error.details, operation: index },
        });
      }
      const key = this.layout.objectKey(id);
      const resolved: ResolvedOp = { index, op, id, key, statusKey: this.layout.statusKey(id) };
      const previous = seen.get(key);
      if (previous !== undefined) {
        throw failure(
          resolved,
          ops.length,
          'InvalidArgument',
          `${describeId(id)} is also operation ${previous}`,
        );
      }
      seen.set(key, index);
      return resolved;
    });
  }

  async setStatus(id: ObjectId, status: ObjectStatus): Promise<void> {
    this.checkOpen();
    checkId(id);
    const compares = [{ key: this.layout.objectKey(id), exists: true as const }];
    const writes = [
      { type: 'put' as const, key: this.layout.statusKey(id), value: encodeStatus(status) },
    ];
    checkLimits(compares, writes);
    // Conditional on the object existing, so a status never outlives its object.
    const { succeeded } = await this.backend.commit(compares, writes);
    if (!succeeded) throw new StoreError('NotFound', `${describeId(id)} not found`);
  }

  watch(
    afterRevision: number,
    listener: WatchListener,
    onError: WatchErrorListener,
    options: WatchOptions = {},
  ): Watch {
    const host = {
      backend: this.backend,
      layout: this.layout,
      closed: this.closed,
      watches: this.watches,
    };
    return startWatch(host, afterRevision, listener, onError, options);
  }

  async revision(): Promise<number> {
    this.checkOpen();
    return this.backend.currentRevision();
  }

  async compact(revision: number): Promise<void> {
    this.checkOpen();
    if (!Number.isSafeInteger(revision) || revision < 1) {
      throw new StoreError('InvalidArgument', `cannot compact at revision ${revision}`);
    }
    await this.backend.compact(revision);
  }

  records<T>(area: string, parse?: (value: unknown) => T): RecordArea<T> {
    return recordArea(this.backend, this.layout, area, parse ?? trustJson<T>, () =>
      this.checkOpen(),
    );
  }

  leasedRecords<T>(area: string, parse?: (value: unknown) => T): LeasedRecordArea<T> {
    return leasedRecordArea(this.backend, this.layout, area, parse ?? trustJson<T>, () =>
      this.checkOpen(),
    );
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.watches].map((w) => w.close()));
    this.watches.clear();
    await this.backend.close();
  }

  private checkOpen(): void {
    if (this.closed) throw new StoreError('Unavailable', 'the store is closed');
  }
}
