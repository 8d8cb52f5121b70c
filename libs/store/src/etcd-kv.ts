// The KvBackend on etcd v3 (etcd3 client). Every unary call has a deadline, and the
// client's retry and circuit-breaker policies are replaced by pass-through ones, so a
// dead etcd answers Unavailable within the deadline and a restarted one is used at once.
import { Etcd3, EtcdLeaseInvalidError, type IKeyValue, type IOptions } from 'etcd3';
import { StoreError } from './errors';
import { isOutOfRange, toStoreError } from './etcd-errors';
import type { KeyRange } from './keys';
import type { KvBackend, KvCompare, KvEntry, KvEvent, KvLease, KvWatch, KvWrite } from './kv';
import { MAX_TXN_OPS } from './limits';
import { watchEtcd } from './etcd-watch';

type FaultHandling = NonNullable<IOptions['faultHandling']>;
type Policy = NonNullable<FaultHandling['global']>;
type Backoff = NonNullable<FaultHandling['watchBackoff']>;

/** Never aborted: handed to calls made without a signal (one AbortController per call showed in profiles). */
const NEVER_ABORTED = new AbortController().signal;

/** Runs each call once: the store decides about retries, not the client. */
class PassThroughPolicy implements Policy {
  declare readonly _altReturn: never;
  readonly onSuccess = (): { dispose(): void } => ({ dispose: () => undefined });
  readonly onFailure = (): { dispose(): void } => ({ dispose: () => undefined });
  execute<T>(
    fn: (context: { signal: AbortSignal }) => PromiseLike<T> | T,
    signal?: AbortSignal,
  ): Promise<T> {
    return Promise.resolve().then(() => fn({ signal: signal ?? NEVER_ABORTED }));
  }
}

/** Watch stream reconnects: 50 ms doubling to 1 s, so a restarted etcd is picked up quickly. */
function watchBackoff(ms = 50): Backoff {
  return { duration: ms, next: () => watchBackoff(Math.min(ms * 2, 1000)) };
}

export interface EtcdKvOptions {
  endpoints: readonly string[];
  /** Deadline of each unary call. */
  requestTimeoutMs: number;
}

function toEntry(kv: IKeyValue): KvEntry {
  return {
    key: kv.key.toString('utf8'),
    value: kv.value.toString('utf8'),
    createRevision: Number(kv.create_revision),
    modRevision: Number(kv.mod_revision),
    version: Number(kv.version),
  };
}

export class EtcdKv implements KvBackend {
  private readonly client: Etcd3;
  private readonly requestTimeoutMs: number;

  constructor(options: EtcdKvOptions) {
    this.requestTimeoutMs = options.requestTimeoutMs;
    const policy = new PassThroughPolicy();
    this.client = new Etcd3({
      hosts: [...options.endpoints],
      defaultCallOptions: (context) =>
        context.isStream ? {} : { deadline: Date.now() + options.requestTimeoutMs },
      faultHandling: { host: () => policy, global: policy, watchBackoff: watchBackoff() },
      grpcOptions: { 'grpc.max_receive_message_length': 256 * 1024 * 1024 },
    });
  }

  async read(
    keys: readonly string[],
  ): Promise<{ revision: number; entries: Map<string, KvEntry> }> {
    const entries = new Map<string, KvEntry>();
    // The first request fixes the revision; later ones (over 128 keys) read at it.
    let revision: number | undefined;
    for (let i = 0; i < keys.length || revision === undefined; i += MAX_TXN_OPS) {
      const chunk = keys.slice(i, i + MAX_TXN_OPS);
      const at = revision;
      const response = await this.call('read', () =>
        this.client.kv.txn({
          success: chunk.map((key) => ({
            request_range: { key: Buffer.from(key), ...(at === undefined ? {} : { revision: at }) },
          })),
        }),
      );
      revision ??= Number(response.header.revision);
      for (const op of response.responses) {
        for (const kv of op.response_range.kvs) entries.set(kv.key.toString('utf8'), toEntry(kv));
      }
    }
    return { revision, entries };
  }

  async range(
    range: KeyRange,
    options: { revision?: number; limit?: number },
  ): Promise<{ revision: number; entries: KvEntry[]; more: boolean }> {
    try {
      const response = await this.client.kv.range({
        key: Buffer.from(range.start),
        range_end: Buffer.from(range.end),
        ...(options.revision === undefined ? {} : { revision: options.revision }),
        ...(options.limit === undefined ? {} : { limit: options.limit }),
      });
      return {
        revision: options.revision ?? Number(response.header.revision),
        entries: response.kvs.map(toEntry),
        more: response.more,
      };
    } catch (error) {
      if (options.revision !== undefined && isOutOfRange(error))
        throw await this.revisionError(options.revision, error);
      throw toStoreError(error, 'range');
    }
  }

  async commit(
    compares: readonly KvCompare[],
    writes: readonly KvWrite[],
  ): Promise<{ succeeded: boolean; revision: number }> {
    const response = await this.call('transaction', () =>
      this.client.kv.txn({
        compare: compares.map((c) =>
          'exists' in c
            ? { key: Buffer.from(c.key), target: 'Create', result: 'Greater', create_revision: 0 }
            : {
                key: Buffer.from(c.key),
                target: 'Mod',
                result: 'Equal',
                mod_revision: c.modRevision,
              },
        ),
        success: writes.map((w) =>
          w.type === 'put'
            ? {
                request_put: {
                  key: Buffer.from(w.key),
                  value: Buffer.from(w.value),
                  ...(w.lease === undefined ? {} : { lease: w.lease }),
                },
              }
            : { request_delete_range: { key: Buffer.from(w.key) } },
        ),
      }),
    );
    return { succeeded: response.succeeded, revision: Number(response.header.revision) };
  }

  async currentRevision(): Promise<number> {
    const response = await this.call('revision', () =>
      this.client.kv.range({ key: Buffer.from('\0'), limit: 1 }),
    );
    return Number(response.header.revision);
  }

  async grantLease(ttlMs: number): Promise<KvLease> {
    // etcd counts whole seconds (and may raise a TTL to its minimum).
    const ttl = Math.max(1, Math.ceil(ttlMs / 1000));
    const response = await this.call('lease grant', () =>
      this.client.leaseClient.leaseGrant({ TTL: ttl, ID: 0 }),
    );
    if (response.error !== '')
      throw new StoreError('Unavailable', `etcd lease grant failed: ${response.error}`);
    return { id: response.ID, ttlMs: Number(response.TTL) * 1000 };
  }

  async keepLeaseAlive(id: string): Promise<boolean> {
    // Keep-alives are a stream in etcd's API: open one, renew once, close it.
    const stream = await this.call('lease keep-alive', () =>
      this.client.leaseClient.leaseKeepAlive(),
    );
    try {
      const ttl = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new StoreError('Unavailable', 'etcd lease keep-alive timed out')),
          this.requestTimeoutMs,
        );
        stream.on('data', (response: { TTL: string }) => {
          clearTimeout(timer);
          resolve(Number(response.TTL));
        });
        stream.on('error', (error: unknown) => {
          clearTimeout(timer);
          reject(toStoreError(error, 'lease keep-alive'));
        });
        stream.write({ ID: id });
      });
      return ttl > 0;
    } finally {
      stream.end();
    }
  }

  async revokeLease(id: string): Promise<void> {
    try {
      await this.client.leaseClient.leaseRevoke({ ID: id });
    } catch (error) {
      // Already expired or revoked: its keys are gone, which is what was asked.
      if (!(error instanceof EtcdLeaseInvalidError)) throw toStoreError(error, 'lease revoke');
    }
  }

  async compact(revision: number): Promise<void> {
    try {
      await this.client.kv.compact({ revision, physical: true });
    } catch (error) {
      if (!isOutOfRange(error)) throw toStoreError(error, 'compact');
      const failure = await this.revisionError(revision, error);
      // Compacting where etcd already compacted is done already.
      if (failure.code !== 'Compacted') throw failure;
    }
  }

  watch(
    range: KeyRange,
    startRevision: number,
    onEvents: (events: KvEvent[]) => void,
    onError: (error: StoreError) => void,
  ): KvWatch {
    return watchEtcd(this.client, range, startRevision, onEvents, (error, nextRevision) => {
      if (error instanceof StoreError) onError(error);
      else void this.classifyCancel(range, nextRevision, error).then(onError);
    });
  }

  async close(): Promise<void> {
    this.client.close();
  }

  /** etcd answers OUT_OF_RANGE for a compacted and for a future revision alike. */
  private async revisionError(revision: number, cause: unknown): Promise<StoreError> {
    const current = await this.currentRevision();
    return revision > current
      ? new StoreError(
          'InvalidArgument',
          `revision ${revision} is in the future (current ${current})`,
          { cause },
        )
      : new StoreError('Compacted', `revision ${revision} has been compacted`, { cause });
  }

  /** etcd cancels a watch when its start revision is compacted, and for rarer reasons. */
  private async classifyCancel(
    range: KeyRange,
    nextRevision: number,
    cause: unknown,
  ): Promise<StoreError> {
    try {
      await this.range(
        { start: range.start, end: range.end },
        { revision: nextRevision, limit: 1 },
      );
      return new StoreError('Unavailable', 'etcd canceled the watch', { cause });
    } catch (error) {
      const failure = toStoreError(error, 'watch');
      return failure.code === 'Compacted'
        ? failure
        : new StoreError('Unavailable', 'etcd canceled the watch', { cause });
    }
  }

  private async call<T>(operation: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw toStoreError(error, operation);
    }
  }
}
