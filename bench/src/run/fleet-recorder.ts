// The simulated fleet as the orchestrator sees it: every ACK and problem from every
// worker recorded in arrival order, and waits for "every proxy ACKed every type it
// needs" (what initial sync, the reconnect storm and the restart are timed to).
import {
  CDS,
  connectFleet,
  LDS,
  spawnDataPlaneFleet,
  type AckEvent,
  type ProxyProblem,
  type SimulatedProxy,
  type WorkerHandle,
} from '../dataplane/index';
import { nowMs } from './api-client';

export interface SyncResult {
  /** Last ACK that completed the sync, minus `since` (ms). */
  ms: number;
  synced: number;
  total: number;
}

export class FleetRecorder {
  readonly acks: AckEvent[] = [];
  readonly problems: ProxyProblem[] = [];
  /** Per proxy: the type URLs it ACKed during the initial sync (what "synced" means later). */
  readonly needs = new Map<string, Set<string>>();
  private readonly unsubscribe: (() => void)[] = [];
  private readonly protocols = new Map<string, 'sotw' | 'delta'>();

  private constructor(
    readonly workers: WorkerHandle[],
    readonly proxies: SimulatedProxy[],
  ) {
    for (const p of proxies) this.protocols.set(p.id, p.protocol);
    for (const worker of workers) {
      this.unsubscribe.push(worker.onAcks((batch) => this.acks.push(...batch)));
      this.unsubscribe.push(worker.onProblems((batch) => this.problems.push(...batch)));
    }
  }

  static async start(proxies: SimulatedProxy[]): Promise<FleetRecorder> {
    return new FleetRecorder(await spawnDataPlaneFleet(proxies.length), proxies);
  }

  connect(xdsAddress: string): Promise<void> {
    return connectFleet(this.workers, this.proxies, xdsAddress);
  }

  async reconnect(xdsAddress: string): Promise<void> {
    await Promise.all(this.workers.map((w) => w.reconnectAll(xdsAddress)));
  }

  protocolOf(proxyId: string): 'sotw' | 'delta' | undefined {
    return this.protocols.get(proxyId);
  }

  /** ACK events at or after `since` (epoch ms). */
  acksSince(since: number): AckEvent[] {
    return this.acks.filter((a) => a.at >= since);
  }

  /**
   * Initial sync: waits until every proxy ACKed at least CDS and LDS and no ACK came
   * for `quietMs`; records each proxy's ACKed types as what it needs from now on.
   */
  async waitInitialSync(
    since: number,
    required: readonly string[],
    quietMs: number,
    timeoutMs: number,
    progress: (synced: number, total: number) => void,
  ): Promise<SyncResult> {
    const deadline = nowMs() + timeoutMs;
    let seen = 0;
    let lastAckAt = nowMs();
    let lastProgress = nowMs();
    const types = new Map<string, Set<string>>();
    let last = since;
    for (;;) {
      for (; seen < this.acks.length; seen += 1) {
        const a = this.acks[seen];
        if (a === undefined || a.at < since) continue;
        const set = types.get(a.proxyId) ?? new Set<string>();
        set.add(a.typeUrl);
        types.set(a.proxyId, set);
        lastAckAt = nowMs();
        if (a.at > last) last = a.at;
      }
      const synced = this.proxies.filter((p) => {
        const set = types.get(p.id);
        return set !== undefined && required.every((t) => set.has(t));
      }).length;
      if (nowMs() - lastProgress > 2000) {
        progress(synced, this.proxies.length);
        lastProgress = nowMs();
      }
      const quiet = nowMs() - lastAckAt >= quietMs;
      if ((synced === this.proxies.length && quiet) || nowMs() > deadline) {
        for (const [id, set] of types) this.needs.set(id, set);
        return { ms: last - since, synced, total: this.proxies.length };
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /**
   * Waits until every proxy ACKed again every type it needs (ACKs at/after `since`).
   * A Delta proxy resumes with initial_resource_versions, so only its wildcard types
   * (CDS, LDS) are owed an answer; unchanged EDS/RDS may rightly send nothing.
   */
  async waitResync(
    since: number,
    timeoutMs: number,
    progress: (synced: number, total: number) => void,
  ): Promise<SyncResult> {
    const deadline = nowMs() + timeoutMs;
    const remaining = new Map<string, Set<string>>();
    for (const p of this.proxies) {
      const needs = [...(this.needs.get(p.id) ?? [])];
      remaining.set(
        p.id,
        new Set(p.protocol === 'delta' ? needs.filter((t) => t === CDS || t === LDS) : needs),
      );
    }
    let seen = this.acks.findIndex((a) => a.at >= since);
    if (seen < 0) seen = this.acks.length;
    let last = since;
    let lastProgress = nowMs();
    for (;;) {
      for (; seen < this.acks.length; seen += 1) {
        const a = this.acks[seen];
        if (a === undefined || a.at < since) continue;
        const set = remaining.get(a.proxyId);
        if (set?.delete(a.typeUrl) && set.size === 0 && a.at > last) last = a.at;
      }
      let synced = 0;
      for (const set of remaining.values()) if (set.size === 0) synced += 1;
      if (synced === this.proxies.length || nowMs() > deadline)
        return { ms: last - since, synced, total: this.proxies.length };
      if (nowMs() - lastProgress > 2000) {
        progress(synced, this.proxies.length);
        lastProgress = nowMs();
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Resolves once no ACK arrived for `quietMs` (or `timeoutMs` passed). */
  async waitQuiet(quietMs: number, timeoutMs: number): Promise<void> {
    const deadline = nowMs() + timeoutMs;
    let count = this.acks.length;
    let changedAt = nowMs();
    while (nowMs() < deadline) {
      await new Promise((r) => setTimeout(r, 25));
      if (this.acks.length !== count) {
        count = this.acks.length;
        changedAt = nowMs();
      } else if (nowMs() - changedAt >= quietMs) return;
    }
  }

  async stop(): Promise<void> {
    for (const u of this.unsubscribe) u();
    await Promise.all(this.workers.map((w) => w.stop().catch(() => undefined)));
  }
}
