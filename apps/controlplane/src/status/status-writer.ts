// The status writer: writes every stored object's status (desired-statuses.ts) with
// store.setStatus, on the leader replica only (leader-election.ts). A round runs
// after each snapshot build (debounced) and when the proxy registry's records say
// something new (polled every intervalMs); it writes only statuses that changed
// (ignoring lastTransitionTime), never for an object that no longer exists, and a
// round that failed (store error, lost leadership) is simply tried again next time.
import { StoreError, type Store } from '@crossway/store';
import type { Logger } from 'pino';
import { PROXIES_AREA, type ProxyRecord } from '../registry/index';
import type { ControlPlaneSnapshotSource, ResolvedPolicyView } from '../snapshots/index';
import { dataPlaneReport } from './data-plane-report';
import { desiredStatuses, objectKey } from './desired-statuses';
import { startLeaderElection } from './leader-election';
import { sameStatus, stableJson, stampTransitions } from './transition-times';

export const STATUS_WRITER_LEADER = 'status-writer';

export interface StatusWriterOptions {
  store: Store;
  snapshots: Pick<ControlPlaneSnapshotSource, 'policy' | 'onPolicy'>;
  logger: Logger;
  /** This replica's name, recorded in the leader record. */
  instance: string;
  /** Leader lease TTL: a dead leader is replaced within about this long. Default 15 s. */
  leaseTtlMs?: number;
  /** How often the proxy registry is read for data-plane changes. Default 2 s. */
  intervalMs?: number;
  /** Quiet time after a snapshot build before writing. Default 200 ms. */
  debounceMs?: number;
  now?: () => Date;
}

export interface StatusWriterStats {
  /** Rounds that compared statuses with the store. */
  rounds: number;
  /** setStatus calls that succeeded. */
  writes: number;
  /** Rounds that failed (retried later). */
  errors: number;
}

export interface StatusWriter {
  isLeader(): boolean;
  /** Runs a full round now (if leader); resolves with the number of statuses written. */
  sync(): Promise<number>;
  stats(): StatusWriterStats;
  close(): Promise<void>;
}

export function startStatusWriter(options: StatusWriterOptions): StatusWriter {
  const { store } = options;
  const now = options.now ?? (() => new Date());
  const intervalMs = options.intervalMs ?? 2_000;
  const debounceMs = options.debounceMs ?? 200;
  const log = options.logger.child({ component: 'status-writer', instance: options.instance });
  const proxies = store.leasedRecords<ProxyRecord>(PROXIES_AREA);
  const stats: StatusWriterStats = { rounds: 0, writes: 0, errors: 0 };
  let closed = false;
  let debounce: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<number> | undefined;
  let again = false;
  /** What the last successful round wrote from. */
  let lastView: ResolvedPolicyView | undefined;
  let lastDigest: string | undefined;

  const election = startLeaderElection({
    store,
    name: STATUS_WRITER_LEADER,
    instance: options.instance,
    logger: options.logger,
    ...(options.leaseTtlMs === undefined ? {} : { ttlMs: options.leaseTtlMs }),
    onChange: (leader) => {
      lastView = undefined; // a new leader compares everything once
      if (leader) request(0);
    },
  });

  async function round(force: boolean): Promise<number> {
    if (closed || !election.isLeader()) return 0;
    const view = options.snapshots.policy();
    if (!view) return 0;
    const records = (await proxies.list()).map((r) => r.value);
    const report = dataPlaneReport(records);
    const digest = stableJson({ counts: [...report.counts], nacks: [...report.nacks] });
    if (!force && view === lastView && digest === lastDigest) return 0;
    stats.rounds++;
    const desired = desiredStatuses(view, report);
    const stored = new Map(
      (await store.list()).items.map((o) => [
        objectKey({ kind: o.kind, namespace: o.metadata.namespace, name: o.metadata.name }),
        o,
      ]),
    );
    const at = now().toISOString();
    let written = 0;
    let complete = true;
    for (const wanted of desired) {
      const object = stored.get(wanted.key);
      if (!object) continue; // deleted since the build: never write its status
      const status = stampTransitions(wanted.status, object.status, at);
      if (sameStatus(status, object.status)) continue;
      if (closed || !election.isLeader()) {
        complete = false;
        break;
      }
      try {
        await store.setStatus(wanted.id, status);
        written++;
        stats.writes++; // counted as each lands, so stats agree with what readers see
      } catch (error) {
        if (error instanceof StoreError && error.code === 'NotFound') continue;
        complete = false;
        log.warn(
          { object: wanted.key, err: error instanceof Error ? error.message : String(error) },
          'status write failed: retrying next round',
        );
        break;
      }
    }
    if (complete) {
      lastView = view;
      lastDigest = digest;
    } else stats.errors++;
    if (written > 0) log.debug({ written }, 'statuses written');
    return written;
  }

  /** sync() callers waiting for a full round that starts after the current one. */
  let waiters: ((written: number) => void)[] = [];

  function run(force: boolean): Promise<number> {
    // A closed writer starts nothing, also for rounds queued before close.
    if (closed) return Promise.resolve(0);
    if (running) {
      // A forced round (sync) must start after the current one; several share one.
      if (force) return new Promise((resolve) => waiters.push(resolve));
      again = true;
      return running;
    }
    running = round(force)
      .catch((error: unknown) => {
        stats.errors++;
        log.warn(
          { err: error instanceof Error ? error.message : String(error) },
          'status round failed: retrying next round',
        );
        return 0;
      })
      .finally(() => {
        running = undefined;
        const waiting = waiters;
        waiters = [];
        if (closed) {
          for (const resolve of waiting) resolve(0);
        } else if (waiting.length > 0) {
          // The forced round covers whatever a plain request asked for.
          again = false;
          void run(true).then((written) => {
            for (const resolve of waiting) resolve(written);
          });
        } else if (again) {
          again = false;
          void run(false);
        }
      });
    return running;
  }

  function request(delayMs: number): void {
    if (closed) return;
    if (debounce) clearTimeout(debounce);
    debounce = setTimeout(() => {
      debounce = undefined;
      void run(false);
    }, delayMs);
  }

  const unsubscribe = options.snapshots.onPolicy(() => request(debounceMs));
  const poll = setInterval(() => {
    if (!running) void run(false);
  }, intervalMs);

  return {
    isLeader: () => election.isLeader(),
    sync: () => run(true),
    stats: () => ({ ...stats }),
    close: async () => {
      closed = true;
      unsubscribe();
      clearInterval(poll);
      if (debounce) clearTimeout(debounce);
      await running;
      for (const resolve of waiters.splice(0)) resolve(0);
      await election.close();
    },
  };
}
