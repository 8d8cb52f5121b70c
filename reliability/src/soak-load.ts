// The load of the soak scenario (reliability/test/soak.test.ts): raw ADS clients that
// subscribe like a sidecar and ACK everything, proxyless callers that call without
// pause and can reconnect between two calls, and a sampler of a process's heap, RSS
// and event-loop lag from its Prometheus /metrics and /proc.
// eslint-disable-next-line @nx/enforce-module-boundaries -- the benchmark's child-process wrapper, as stack.ts uses it
import type { CrosswayChild } from '../../bench/src/run/child';
/* eslint-disable @nx/enforce-module-boundaries -- the raw ADS client of the controlplane protocol tests, so the soak speaks SotW and Delta exactly */
import {
  connect,
  connectDelta,
  SotwClient,
  type DeltaClient,
  type StreamStatus,
} from '../../apps/controlplane/test/support/raw-ads-client';
import type { CallResult, XdsEchoClient } from '../../apps/controlplane/test/support/e2e-xds';
/* eslint-enable @nx/enforce-module-boundaries */
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { slope } from './report';

export const CDS = 'type.googleapis.com/envoy.config.cluster.v3.Cluster';
export const EDS = 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What every raw ADS client saw, summed by the test. */
export interface AdsTally {
  responses: number;
  /** Streams that ended while the test had not closed them (with their status). */
  unexpectedEnds: StreamStatus[];
}

/**
 * A sidecar-like raw ADS client: CDS wildcard, EDS for every outbound cluster CDS
 * names (re-subscribed as clusters come and go), every response ACKed. It keeps the
 * latest ClusterLoadAssignment of each cluster, so the test can check a change arrived.
 */
export class RawAdsWatcher {
  /** Latest ClusterLoadAssignment per cluster name, as JSON text. */
  readonly endpoints = new Map<string, string>();
  private readonly stream: SotwClient | DeltaClient;
  private clusters: string[] = [];
  private closed = false;
  private readonly loop: Promise<void>;

  constructor(
    readonly mode: 'sotw' | 'delta',
    port: number,
    readonly id: string,
    metadata: Record<string, unknown>,
    token: string,
    private readonly tally: AdsTally,
    streamDeadlineMs: number,
  ) {
    const node = { id, metadata };
    this.stream =
      mode === 'sotw'
        ? connect(port, node, token, streamDeadlineMs)
        : connectDelta(port, node, token, streamDeadlineMs);
    if (this.stream instanceof SotwClient) this.stream.request(CDS);
    else this.stream.request(CDS, { subscribe: ['*'] });
    void this.stream.status.then((status) => {
      if (!this.closed) this.tally.unexpectedEnds.push(status);
    });
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    while (!this.closed) {
      let response: { typeUrl: string; names: string[] };
      try {
        // A short wait so close() ends the loop promptly; quiet periods are normal.
        response = await this.stream.waitForResponse(undefined, 2000);
      } catch {
        continue;
      }
      if (this.closed) return;
      this.tally.responses += 1;
      if (this.stream instanceof SotwClient) this.onSotw(this.stream, response as never);
      else this.onDelta(this.stream, response as never);
    }
  }

  private onSotw(stream: SotwClient, response: Parameters<SotwClient['ack']>[0]): void {
    stream.ack(response);
    if (response.typeUrl === CDS) {
      const clusters = response.names.filter((n) => n.startsWith('outbound|')).sort();
      if (clusters.join() !== this.clusters.join()) {
        this.clusters = clusters;
        stream.request(EDS, clusters);
      }
    } else if (response.typeUrl === EDS) {
      // SotW EDS answers every subscribed name: what is absent has no endpoints now.
      response.names.forEach((name, i) =>
        this.endpoints.set(name, JSON.stringify(response.resources[i])),
      );
    }
  }

  private onDelta(stream: DeltaClient, response: Parameters<DeltaClient['ack']>[0]): void {
    stream.ack(response);
    if (response.typeUrl === CDS) {
      const known = new Set(this.clusters);
      const added = response.names.filter((n) => n.startsWith('outbound|') && !known.has(n));
      const removed = response.removed.filter((n) => known.has(n));
      this.clusters = [...known].filter((n) => !removed.includes(n)).concat(added);
      for (const name of removed) this.endpoints.delete(name);
      if (added.length > 0 || removed.length > 0)
        stream.request(EDS, { subscribe: added, unsubscribe: removed });
    } else if (response.typeUrl === EDS) {
      for (const r of response.resources) this.endpoints.set(r.name, JSON.stringify(r.resource));
      for (const name of response.removed) this.endpoints.delete(name);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.stream.close();
    await this.loop;
  }
}

/** Data-plane call counts of all proxyless callers. */
export interface CallTally {
  ok: number;
  failed: number;
  /** The first failures, for the assertion message. */
  failures: (CallResult & { target: string; at: number })[];
}

/**
 * One proxyless client calling its target in a loop (a call, then `pauseMs`). A
 * reconnect closes the channel and opens a new one between two calls, the way a
 * restarted application would: no call is cut on purpose.
 */
export class ProxylessCaller {
  private client: XdsEchoClient | undefined;
  private reconnectRequested = false;
  private stopped = false;
  private loop: Promise<void> | undefined;
  reconnects = 0;

  constructor(
    readonly target: string,
    private readonly open: () => Promise<XdsEchoClient>,
    private readonly tally: CallTally,
    private readonly pauseMs: number,
    private readonly deadlineMs: number,
  ) {}

  async start(): Promise<void> {
    this.client = await this.open();
    this.loop = this.run();
  }

  requestReconnect(): void {
    this.reconnectRequested = true;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      if (this.reconnectRequested) {
        this.reconnectRequested = false;
        this.client?.close();
        this.client = await this.open();
        this.reconnects += 1;
      }
      const client = this.client;
      if (client === undefined) return;
      const result = await client.call({ deadlineMs: this.deadlineMs });
      if (result.ok) this.tally.ok += 1;
      else {
        this.tally.failed += 1;
        if (this.tally.failures.length < 20)
          this.tally.failures.push({ ...result, target: this.target, at: Date.now() });
      }
      await sleep(this.pauseMs);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
    this.client?.close();
  }
}

/** One process's memory and lag at one moment. */
export interface ProcessSample {
  heapMb: number;
  rssMb: number;
  /** Event-loop delay p99 since the previous scrape (prom-client), in ms. */
  lagP99Ms: number;
}

/** The value of an unlabelled Prometheus metric in `text`, or NaN. */
export function metricValue(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? Number.NaN : Number(line.slice(name.length + 1).split(' ')[0]);
}

/** crossway_nodejs_heap_size_used_bytes of the process behind `metricsUrl`, in MB. */
export async function heapUsedMb(metricsUrl: string): Promise<number> {
  const response = await fetch(metricsUrl, { signal: AbortSignal.timeout(5000) });
  if (!response.ok) throw new Error(`${metricsUrl} answered ${response.status}`);
  return metricValue(await response.text(), 'crossway_nodejs_heap_size_used_bytes') / 2 ** 20;
}

/** Scrapes `metricsUrl` (heap, lag) and reads RSS of `child` from /proc. */
export async function sampleProcess(
  metricsUrl: string,
  child: CrosswayChild,
): Promise<ProcessSample> {
  const response = await fetch(metricsUrl, { signal: AbortSignal.timeout(5000) });
  if (!response.ok) throw new Error(`${metricsUrl} answered ${response.status}`);
  const text = await response.text();
  return {
    heapMb: metricValue(text, 'crossway_nodejs_heap_size_used_bytes') / 2 ** 20,
    rssMb: child.rssMb(),
    lagP99Ms: metricValue(text, 'crossway_nodejs_eventloop_lag_p99_seconds') * 1000,
  };
}

/**
 * Least-squares slope (y per minute) of the lowest sample in each `windowMs` window:
 * the heap right after a collection, which is what a leak raises. Heap used between
 * collections is a sawtooth (the control plane's swings ~60 -> 160 MB every ~25 s
 * under soak churn), so a slope over raw samples mostly says where in that cycle the
 * first and last samples fell. Windows should span a few GC cycles.
 */
export function floorSlope(
  points: readonly { atMs: number; value: number }[],
  windowMs: number,
): number {
  const start = points[0]?.atMs;
  const end = points.at(-1)?.atMs;
  if (start === undefined || end === undefined) return Number.NaN;
  // Whole windows only: a short last window's minimum is not a floor, so its samples
  // join the window before.
  const whole = Math.max(1, Math.floor((end - start) / windowMs));
  const floors = new Map<number, { atMs: number; value: number }>();
  for (const p of points) {
    const window = Math.min(whole - 1, Math.floor((p.atMs - start) / windowMs));
    const floor = floors.get(window);
    if (floor === undefined || p.value < floor.value) floors.set(window, p);
  }
  return slope([...floors.values()].map((p) => ({ x: p.atMs / 60_000, y: p.value })));
}

/**
 * Diagnostics: the NODE_OPTIONS that make a child write a V8 heap snapshot into `dir`
 * on SIGUSR2, and the trigger that waits for the file to be complete. Compare two with
 * `npx tsx bench/src/heap-summary.ts before.heapsnapshot after.heapsnapshot`.
 */
export function heapSnapshotEnv(dir: string): Record<string, string> {
  // Node does not create the directory: without it the signal kills the process.
  mkdirSync(dir, { recursive: true });
  return { NODE_OPTIONS: `--heapsnapshot-signal=SIGUSR2 --diagnostic-dir=${dir}` };
}

export async function takeHeapSnapshot(child: CrosswayChild, dir: string): Promise<string> {
  const list = () =>
    existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.heapsnapshot')) : [];
  const before = new Set(list());
  process.kill(child.pid, 'SIGUSR2');
  const deadline = Date.now() + 120_000;
  let lastSize = -1;
  while (Date.now() < deadline) {
    await sleep(1000);
    const file = list().find((f) => !before.has(f));
    if (file === undefined) continue;
    const size = statSync(join(dir, file)).size;
    if (size > 0 && size === lastSize) return join(dir, file);
    lastSize = size;
  }
  throw new Error(`no heap snapshot of pid ${child.pid} in ${dir}`);
}
