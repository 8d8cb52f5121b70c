// The proxy registry: a record per connected proxy in the store, under one lease per
// control-plane instance, so any API replica lists every proxy of every instance and a
// dead instance's proxies vanish with its lease. Events only change memory; records
// are written by a coalescing flush (at most one write per proxy per interval), never
// one store write per event. A lease that is lost (store outage longer than the TTL)
// is replaced and every record rewritten.
import type { LeaseSession, Store } from '@crossway/store';
import type { Logger } from 'pino';
import type { ProxyEvents, ProxyNode } from '../contracts';
import {
  emptyVersions,
  PROXIES_AREA,
  recordId,
  typeNameOf,
  type ProxyRecord,
} from './proxy-record';
import { createWorkloadRegistration } from './workload-registration';

export interface ProxyRegistryOptions {
  store: Store;
  /** This control-plane instance's name (e.g. hostname-pid). */
  instance: string;
  logger: Logger;
  /** Lease TTL; records of a dead instance vanish this long after it stopped. Default 15 s. */
  ttlMs?: number;
  /** How often the lease is renewed. Default a third of the TTL. */
  keepAliveIntervalMs?: number;
  /** Coalescing interval of record writes. Default 250 ms. */
  flushIntervalMs?: number;
  /** How long a disconnected sidecar's self-registered Workload stays. Default 30 s. */
  workloadGraceMs?: number;
  now?: () => Date;
}

export interface ProxyRegistry extends ProxyEvents {
  /** Writes pending changes now (tests, shutdown). */
  flush(): Promise<void>;
  /** Stops renewing and revokes the lease: this instance's records vanish. */
  close(): Promise<void>;
}

const WRITE_CONCURRENCY = 16;

interface Entry {
  record: ProxyRecord;
  /** Open streams of this node id on this instance (a reconnect may overlap). */
  streams: number;
}

export function createProxyRegistry(options: ProxyRegistryOptions): ProxyRegistry {
  const now = options.now ?? (() => new Date());
  const ttlMs = options.ttlMs ?? 15_000;
  const flushIntervalMs = options.flushIntervalMs ?? 250;
  const log = options.logger.child({ component: 'proxy-registry', instance: options.instance });
  const area = options.store.leasedRecords<ProxyRecord>(PROXIES_AREA);

  const entries = new Map<string, Entry>();
  /** Node ids whose record must be written (present in entries) or deleted (absent). */
  const dirty = new Set<string>();
  let session: LeaseSession<ProxyRecord> | undefined;
  let opening: Promise<LeaseSession<ProxyRecord>> | undefined;
  let flushTimer: ReturnType<typeof setTimeout> | undefined;
  let flushing: Promise<void> | undefined;
  let closed = false;

  const workloads = createWorkloadRegistration({
    store: options.store,
    logger: options.logger,
    graceMs: options.workloadGraceMs ?? 30_000,
    stillConnected: async (nodeId) =>
      entries.has(nodeId) || (await area.get(recordId(nodeId))) !== undefined,
  });

  const currentSession = async (): Promise<LeaseSession<ProxyRecord>> => {
    if (session !== undefined) return session;
    opening ??= area.session(ttlMs).then(
      (opened) => {
        session = opened;
        opening = undefined;
        return opened;
      },
      (error: unknown) => {
        opening = undefined;
        throw error;
      },
    );
    return opening;
  };

  const writeDirty = async (): Promise<void> => {
    if (dirty.size === 0) return;
    const lease = await currentSession();
    const ids = [...dirty];
    dirty.clear();
    const failed: string[] = [];
    // Bounded concurrency: a reconnect storm of thousands of proxies is a queue, not a burst.
    let next = 0;
    const worker = async (): Promise<void> => {
      for (let id = ids[next++]; id !== undefined; id = ids[next++]) {
        try {
          const entry = entries.get(id);
          if (entry === undefined) await lease.delete(recordId(id));
          else await lease.put(recordId(id), entry.record);
        } catch (error) {
          failed.push(id);
          log.warn({ err: error, node: id }, 'proxy record write failed; will retry');
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(WRITE_CONCURRENCY, ids.length) }, worker));
    for (const id of failed) dirty.add(id);
    if (failed.length === 0) return;
    // Writes under an expired lease fail: open a new one and rewrite every record.
    if (session === lease && !(await lease.keepAlive().catch(() => true))) {
      log.warn('proxy registry lease was lost; re-registering every proxy');
      session = undefined;
      for (const id of entries.keys()) dirty.add(id);
      schedule(0);
      return;
    }
    schedule(Math.max(flushIntervalMs, 1_000));
  };

  const flush = async (): Promise<void> => {
    while (flushing !== undefined) await flushing;
    flushing = writeDirty()
      .catch((error: unknown) => {
        log.warn({ err: error }, 'proxy registry flush failed; will retry');
        schedule(1_000);
      })
      .finally(() => {
        flushing = undefined;
      });
    await flushing;
  };

  function schedule(delayMs: number = flushIntervalMs): void {
    if (closed || flushTimer !== undefined) return;
    flushTimer = setTimeout(() => {
      flushTimer = undefined;
      void flush();
    }, delayMs);
    flushTimer.unref();
  }

  const touch = (nodeId: string): void => {
    dirty.add(nodeId);
    schedule();
  };

  // Keep the lease alive; if it was lost, open a new one and rewrite every record.
  const keepAlive = setInterval(
    () => {
      const current = session;
      if (current === undefined || closed) return;
      current.keepAlive().then(
        (alive) => {
          if (alive || closed || session !== current) return;
          log.warn('proxy registry lease was lost; re-registering every proxy');
          session = undefined;
          for (const id of entries.keys()) dirty.add(id);
          schedule(0);
        },
        (error: unknown) => log.warn({ err: error }, 'proxy registry lease keep-alive failed'),
      );
    },
    options.keepAliveIntervalMs ?? Math.max(100, Math.floor(ttlMs / 3)),
  );
  keepAlive.unref();

  const entryOf = (node: ProxyNode): Entry | undefined => entries.get(node.id);

  return {
    connected: (node, stream) => {
      const existing = entries.get(node.id);
      if (existing !== undefined) {
        existing.streams += 1;
      } else {
        const record: ProxyRecord = {
          id: node.id,
          role: node.role,
          ...(node.gateway !== undefined ? { gateway: node.gateway } : {}),
          ...(node.service !== undefined ? { service: node.service } : {}),
          ...(node.workload !== undefined ? { workload: node.workload } : {}),
          instance: options.instance,
          connectedAt: now().toISOString(),
          stream,
          versions: emptyVersions(),
          sent: emptyVersions(),
        };
        entries.set(node.id, { record, streams: 1 });
      }
      touch(node.id);
      workloads.connected(node);
    },
    sent: (node, push) => {
      const entry = entryOf(node);
      const type = typeNameOf(push.typeUrl);
      if (entry === undefined || type === undefined) return;
      if (entry.record.sent[type] === push.version) return;
      entry.record.sent[type] = push.version;
      touch(node.id);
    },
    acked: (node, ack) => {
      const entry = entryOf(node);
      const type = typeNameOf(ack.typeUrl);
      if (entry === undefined || type === undefined) return;
      const { record } = entry;
      const nackCleared =
        record.nack?.type === type && ack.version !== '' && ack.version !== record.nack.version;
      if (record.versions[type] === ack.version && !nackCleared) return;
      record.versions[type] = ack.version;
      if (nackCleared) delete record.nack;
      touch(node.id);
    },
    nacked: (node, nack) => {
      const entry = entryOf(node);
      const type = typeNameOf(nack.typeUrl);
      if (entry === undefined || type === undefined) return;
      entry.record.nack = {
        type,
        error: nack.error,
        at: now().toISOString(),
        objects: nack.objects,
        version: nack.version,
      };
      touch(node.id);
    },
    disconnected: (node) => {
      const entry = entries.get(node.id);
      if (entry === undefined) return;
      entry.streams -= 1;
      if (entry.streams > 0) return;
      entries.delete(node.id);
      touch(node.id);
      workloads.disconnected(node);
    },
    flush: async () => {
      if (flushTimer !== undefined) clearTimeout(flushTimer);
      flushTimer = undefined;
      await flush();
      await workloads.idle();
    },
    close: async () => {
      if (closed) return;
      closed = true;
      clearInterval(keepAlive);
      if (flushTimer !== undefined) clearTimeout(flushTimer);
      workloads.close();
      while (flushing !== undefined) await flushing;
      await workloads.idle();
      const lease =
        session ?? (opening === undefined ? undefined : await opening.catch(() => undefined));
      session = undefined;
      await lease?.close();
    },
  };
}
