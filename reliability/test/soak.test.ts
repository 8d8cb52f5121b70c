// Soak: one API and one control-plane process under steady churn and traffic for
// reliabilitySettings.soakMinutes (10 quick, 60 long, --soak-minutes N). 50 Services
// with Workloads and HTTPRoutes; 10 grpc-js-xds proxyless clients calling without
// pause and 20 raw ADS clients (half SotW, half Delta) that ACK everything; churn the
// whole time (endpoints added, removed and moved, routes changed, Services created and
// deleted, tokens created, API watch streams opened and closed, proxies reconnecting
// every minute). Proves: no data-plane call fails, every change reaches the clients
// (a sampled change every ~5 s is timed to the first call it serves; at the end every
// raw client holds the final endpoints), both processes stay up, and heap grows no
// faster than the bound below once warm. Samples: tmp/reliability/soak-samples.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { percentile, reliabilityLog, reportFigures, slope } from '../src/report';
import { reliabilitySettings } from '../src/settings';
import {
  ProxylessCaller,
  RawAdsWatcher,
  floorSlope,
  heapSnapshotEnv,
  heapUsedMb,
  sampleProcess,
  takeHeapSnapshot,
} from '../src/soak-load';
import type { AdsTally, CallTally, ProcessSample } from '../src/soak-load';
import { ROOT, ReliabilityStack, eventually, manifests as m } from '../src/stack';
/* eslint-disable @nx/enforce-module-boundaries -- types of the controlplane e2e data planes the stack hands out */
import type { EchoBackend } from '../../apps/controlplane/test/support/e2e-echo';
import type { XdsEchoClient } from '../../apps/controlplane/test/support/e2e-xds';
/* eslint-enable @nx/enforce-module-boundaries */

const NS = 'soak';
const PORT = 50051;
const SERVICES = 50;
const CALLERS = 10;
const RAW_CLIENTS = 20;
const CHURN_STEP_MS = 250;
const SAMPLE_EVERY_MS = 5000;
const RECONNECT_EVERY_MS = 60_000;
const WATCH_EVERY_MS = 10_000;
const soakMs = reliabilitySettings.soakMinutes * 60_000;

// Heap-slope bound. At this churn (~4 writes/s, ~240 store changes a minute, each a
// snapshot round pushed to ~31 streams, ~7,000 pushes a minute) a leak of one 1 KB
// object per push is ~7 MB/min and one kept snapshot per change (tens of KB) is tens
// of MB/min: both well over 2 MB/min. GC noise (the control plane's heap used swings
// ~60 -> 160 MB between collections) is taken out by fitting the per-window floor (see
// floorSlope) over several minutes; a shorter span gets a proportionally looser bound.
// A leak of one small (~300 B) object per change (~70 KB/min) is below what 10 minutes
// can tell from noise: that is what the 60-minute long form is for. Found this way:
// the check cache of built resources (ResourceCheckCache, protos/src/semantic/
// check-snapshot.ts) keeps the results of every resource version ever built until it
// holds 50,000 of them, ~1 MB/min at this churn (heap snapshots, see HEAP_SNAPSHOTS).
const HEAP_SLOPE_MB_PER_MIN = 2;
// RSS: the control plane's rose ~7 MB/min over 10 minutes (177 -> 340 MB) while its
// heap floor stayed flat: V8 grows the committed heap towards the sawtooth's peak and
// gives pages back late. So RSS only catches what the heap cannot see, a native leak
// (buffers, gRPC, protobuf) of 15 MB/min or more; the heap bound is the sharp one.
const RSS_SLOPE_MB_PER_MIN = 15;

// RELIABILITY_SOAK_HEAP_SNAPSHOTS=1: the control plane writes a heap snapshot when the
// warm-up ends and when the run ends (tmp/reliability/soak-heap/), to find what grows.
const HEAP_SNAPSHOTS = process.env['RELIABILITY_SOAK_HEAP_SNAPSHOTS'] === '1';
const SNAPSHOT_DIR = join(ROOT, 'tmp', 'reliability', 'soak-heap');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Deterministic choices, so a failing run can be replayed step by step. */
function random(seed: number): (n: number) => number {
  let state = seed;
  return (n) => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state % n;
  };
}

interface Sample {
  atMs: number;
  cp: ProcessSample;
  api: ProcessSample;
  callsOk: number;
  callsFailed: number;
  changes: number;
  probeLatencyMs: number | null;
}

let stack: ReliabilityStack;
const pool: EchoBackend[] = [];
let probeBackends: [EchoBackend, EchoBackend];

beforeAll(async () => {
  stack = await ReliabilityStack.start({ name: 'soak' });
  await stack.startApi();
  const cp = await stack.startControlPlane(HEAP_SNAPSHOTS ? heapSnapshotEnv(SNAPSHOT_DIR) : {});
  for (let i = 0; i < 6; i++) pool.push(await stack.backend(`pool-${i}`));
  probeBackends = [await stack.backend('probe-a'), await stack.backend('probe-b')];
  const objects: unknown[] = [
    m.meshWithoutMtls(),
    m.service('reliability', 'caller', 8080),
    m.service(NS, 'probe', PORT),
    m.workload(NS, 'probe-1', 'probe', probeBackends[0].port),
  ];
  for (let i = 0; i < SERVICES; i++)
    objects.push(
      m.service(NS, `svc-${i}`, PORT),
      m.workload(NS, `svc-${i}-a`, `svc-${i}`, pool[i % pool.length]!.port),
      m.workload(NS, `svc-${i}-b`, `svc-${i}`, pool[(i + 1) % pool.length]!.port),
      route(i, 10),
    );
  // Batches stay well under etcd's 128 operations per transaction.
  for (let i = 0; i < objects.length; i += 50) await stack.client().apply(objects.slice(i, i + 50));
  await eventually(
    'the control plane ready',
    async () => (await fetch(`${cp.adminUrl}/readyz`)).ok,
    60_000,
  );
});

afterAll(async () => {
  await stack?.close();
});

function route(i: number, timeoutSeconds: number) {
  return m.route(NS, `svc-${i}`, { service: `svc-${i}`, port: PORT }, [
    {
      backendRefs: [{ name: `svc-${i}`, port: PORT }],
      timeouts: { request: `${timeoutSeconds}s` },
    },
  ]);
}

it(`survives ${reliabilitySettings.soakMinutes} minutes of churn and traffic without failures or heap growth`, async () => {
  const log = stack.log;
  const api = stack.apis[0]!;
  const cp = stack.controlPlanes[0]!;
  const client = stack.client();
  const ttl = `${Math.ceil(reliabilitySettings.soakMinutes) + 30}m`;
  const started = Date.now();
  const endAt = started + soakMs;

  // --- data planes ---------------------------------------------------------------
  const calls: CallTally = { ok: 0, failed: 0, failures: [] };
  const callers = Array.from(
    { length: CALLERS },
    (_, i) =>
      new ProxylessCaller(
        `xds:///svc-${i}.${NS}:${PORT}`,
        () => stack.xdsClient(`xds:///svc-${i}.${NS}:${PORT}`, { xds: cp }),
        calls,
        300,
        10_000,
      ),
  );
  for (const caller of callers) await caller.start();

  const ads: AdsTally = { responses: 0, unexpectedEnds: [] };
  const sidecarToken = (
    await client.createToken({
      type: 'dataplane',
      role: 'sidecar',
      service: 'reliability/caller',
      ttl,
    })
  ).token;
  let rawCounter = 0;
  const openRaw = (mode: 'sotw' | 'delta') =>
    new RawAdsWatcher(
      mode,
      cp.xdsPort,
      `soak-raw-${(rawCounter += 1)}`,
      { role: 'sidecar', service: 'reliability/caller' },
      sidecarToken,
      ads,
      soakMs + 10 * 60_000,
    );
  const raw = Array.from({ length: RAW_CLIENTS }, (_, i) =>
    openRaw(i % 2 === 0 ? 'sotw' : 'delta'),
  );

  const probe: XdsEchoClient = await stack.xdsClient(`xds:///probe.${NS}:${PORT}`, { xds: cp });
  await eventually(
    'the probe served by probe-a',
    async () => (await probe.call({ deadlineMs: 2000 })).backend === 'probe-a',
    30_000,
  );
  let probeAt = 0;

  // --- churn ---------------------------------------------------------------------
  const pick = random(9);
  const portOfA = new Map<number, number>(
    Array.from({ length: SERVICES }, (_, i) => [i, pool[i % pool.length]!.port]),
  );
  const hasC = new Set<number>();
  const timeouts = new Map<number, number>();
  const extras: string[] = [];
  let extraCounter = 0;
  const churn = { changes: 0, failedWrites: 0, tokens: 0, errors: [] as string[] };
  const write = async (what: string, action: () => Promise<unknown>) => {
    try {
      await action();
      churn.changes += 1;
    } catch (error) {
      churn.failedWrites += 1;
      if (churn.errors.length < 10) churn.errors.push(`${what}: ${String(error)}`);
    }
  };
  const churnStep = async (step: number) => {
    const i = pick(SERVICES);
    switch (step % 4) {
      case 0: {
        // Move: svc-i-a to another backend of the pool.
        const port = pool[pick(pool.length)]!.port;
        portOfA.set(i, port);
        await write('move', () => client.apply([m.workload(NS, `svc-${i}-a`, `svc-${i}`, port)]));
        break;
      }
      case 1:
        // Add or remove a third endpoint (never the last one: calls must not fail).
        if (hasC.delete(i))
          await write('remove', () => client.delete('Workload', `svc-${i}-c`, NS));
        else {
          hasC.add(i);
          const port = pool[pick(pool.length)]!.port;
          await write('add', () => client.apply([m.workload(NS, `svc-${i}-c`, `svc-${i}`, port)]));
        }
        break;
      case 2: {
        const next = timeouts.get(i) === 11 ? 10 : 11;
        timeouts.set(i, next);
        await write('route', () => client.apply([route(i, next)]));
        break;
      }
      default: {
        const name = `extra-${(extraCounter += 1)}`;
        extras.push(name);
        await write('create service', () =>
          client.apply([
            m.service(NS, name, PORT),
            m.workload(NS, `${name}-1`, name, pool[pick(pool.length)]!.port),
          ]),
        );
        if (extras.length > 3) {
          const old = extras.shift()!;
          await write('delete workload', () => client.delete('Workload', `${old}-1`, NS));
          await write('delete service', () => client.delete('Service', old, NS));
        }
      }
    }
    if (step % 20 === 19)
      await write('token', async () => {
        await client.createToken({
          type: 'dataplane',
          role: 'proxyless',
          service: `${NS}/svc-${i}`,
          ttl: '10m',
        });
        churn.tokens += 1;
      });
  };
  const churnLoop = (async () => {
    for (let step = 0; Date.now() < endAt; step++) {
      const next = Date.now() + CHURN_STEP_MS;
      await churnStep(step);
      await sleep(Math.max(0, next - Date.now()));
    }
  })();

  // Watch streams opened and closed on the API.
  const watches = { opened: 0, events: 0 };
  const watchLoop = (async () => {
    while (Date.now() < endAt) {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), 3000);
      watches.opened += 1;
      try {
        for await (const event of client.watch(
          { kind: 'Workload', namespace: NS },
          controller.signal,
        )) {
          if (event.type !== 'bookmark') watches.events += 1;
        }
      } catch (error) {
        log.warn({ err: error }, 'watch stream failed');
      } finally {
        clearTimeout(timer);
      }
      await sleep(Math.max(0, Math.min(WATCH_EVERY_MS - 3000, endAt - Date.now())));
    }
  })();

  // Proxies reconnecting: two proxyless clients and two raw ADS clients a minute.
  let reconnects = 0;
  const reconnectLoop = (async () => {
    let round = 0;
    while (Date.now() + RECONNECT_EVERY_MS < endAt) {
      await sleep(RECONNECT_EVERY_MS);
      for (let k = 0; k < 2; k++) {
        callers[(round * 2 + k) % CALLERS]!.requestReconnect();
        const index = (round * 2 + k) % RAW_CLIENTS;
        const old = raw[index]!;
        await old.close();
        raw[index] = openRaw(old.mode);
        reconnects += 2;
      }
      round += 1;
    }
  })();

  // --- sampling --------------------------------------------------------------------
  const samples: Sample[] = [];
  // Heap alone, every second: a GC cycle of the control plane is ~25 s under this churn,
  // so 5-s samples rarely land right after a collection; 1-s ones find its floor.
  const heapTrace: { atMs: number; cp: number; api: number }[] = [];
  let heapScrapeFailures = 0;
  const heapLoop = (async () => {
    while (Date.now() < endAt) {
      const tickAt = Date.now();
      try {
        const [cpHeap, apiHeap] = await Promise.all([
          heapUsedMb(`${cp.adminUrl}/metrics`),
          heapUsedMb(`${api.url}/metrics`),
        ]);
        heapTrace.push({ atMs: tickAt - started, cp: cpHeap, api: apiHeap });
      } catch (error) {
        // Once: a dead process fails the test through its liveness check.
        if ((heapScrapeFailures += 1) === 1) log.warn({ err: error }, 'heap scrape failed');
      }
      await sleep(Math.max(0, tickAt + 1000 - Date.now()));
    }
  })();
  const probeLatencies: number[] = [];
  let probesMissed = 0;
  let lastProgress = started;
  const warmUpMs = Math.min(Math.max(0.2 * soakMs, 60_000), 0.5 * soakMs);
  let warmSnapshot = !HEAP_SNAPSHOTS;
  while (Date.now() < endAt) {
    const tickAt = Date.now();
    if (!warmSnapshot && tickAt - started >= warmUpMs) {
      warmSnapshot = true;
      log.info({ file: await takeHeapSnapshot(cp.child, SNAPSHOT_DIR) }, 'heap snapshot (warm)');
    }
    // The sampled change: move the probe's only endpoint and time it to the first call
    // the other backend serves.
    probeAt = 1 - probeAt;
    const expected = probeBackends[probeAt]!;
    const writtenAt = Date.now();
    await client.apply([m.workload(NS, 'probe-1', 'probe', expected.port)]);
    let probeLatencyMs: number | null = null;
    try {
      await eventually(
        `the probe served by ${expected.name}`,
        async () => {
          const result = await probe.call({ deadlineMs: 2000 });
          return result.backend === expected.name;
        },
        30_000,
        20,
      );
      probeLatencyMs = Date.now() - writtenAt;
      probeLatencies.push(probeLatencyMs);
    } catch {
      probesMissed += 1;
    }
    const [cpSample, apiSample] = await Promise.all([
      sampleProcess(`${cp.adminUrl}/metrics`, cp.child),
      sampleProcess(`${api.url}/metrics`, api.child),
    ]);
    samples.push({
      atMs: Date.now() - started,
      cp: cpSample,
      api: apiSample,
      callsOk: calls.ok,
      callsFailed: calls.failed,
      changes: churn.changes,
      probeLatencyMs,
    });
    if (Date.now() - lastProgress >= 60_000) {
      lastProgress = Date.now();
      log.info(
        {
          minute: Math.round((Date.now() - started) / 60_000),
          cpHeapMb: Math.round(cpSample.heapMb),
          apiHeapMb: Math.round(apiSample.heapMb),
          cpRssMb: Math.round(cpSample.rssMb),
          apiRssMb: Math.round(apiSample.rssMb),
          calls: calls.ok,
          failed: calls.failed,
          changes: churn.changes,
          adsResponses: ads.responses,
          probeP99Ms: percentile(probeLatencies, 99),
        },
        'soak progress',
      );
    }
    await sleep(Math.max(0, tickAt + SAMPLE_EVERY_MS - Date.now()));
  }
  await Promise.all([churnLoop, watchLoop, reconnectLoop, heapLoop]);

  // --- convergence: every raw client holds the final endpoints ---------------------
  const finalProbePort = probeBackends[probeAt]!.port;
  const expectedEndpoints = (watcher: RawAdsWatcher): string | undefined => {
    const holds = (service: string, port: number) =>
      watcher.endpoints.get(`outbound|${PORT}||${service}.${NS}`)?.includes(String(port)) ?? false;
    if (!holds('probe', finalProbePort)) return `probe not on ${finalProbePort}`;
    for (const [i, port] of portOfA)
      if (!holds(`svc-${i}`, port)) return `svc-${i}-a not on ${port}`;
    return undefined;
  };
  let lagging: string[] = [];
  const convergedMs = await eventually(
    'every raw ADS client holding the final endpoints',
    async () => {
      lagging = raw.flatMap((w) => {
        const missing = expectedEndpoints(w);
        return missing === undefined ? [] : [`${w.id}: ${missing}`];
      });
      return lagging.length === 0;
    },
    30_000,
  ).catch(() => Number.NaN);

  for (const caller of callers) await caller.stop();
  for (const watcher of raw) await watcher.close();

  // --- figures -----------------------------------------------------------------------
  if (HEAP_SNAPSHOTS)
    log.info({ file: await takeHeapSnapshot(cp.child, SNAPSHOT_DIR) }, 'heap snapshot (end)');
  const warm = samples.filter((s) => s.atMs >= warmUpMs);
  const windowMinutes = warm.length > 1 ? (warm.at(-1)!.atMs - warm[0]!.atMs) / 60_000 : 0;
  const slopeOf = (value: (s: Sample) => number) =>
    slope(warm.map((s) => ({ x: s.atMs / 60_000, y: value(s) })));
  // Heap: the slope of the per-window minimum (after a collection; see floorSlope),
  // windows of an eighth of the measured span but at least 30 s (a few GC cycles).
  const floorWindowMs = Math.max(30_000, (windowMinutes * 60_000) / 8);
  const warmHeap = heapTrace.filter((h) => h.atMs >= warmUpMs);
  const floorOf = (value: (h: (typeof heapTrace)[number]) => number) =>
    floorSlope(
      warmHeap.map((h) => ({ atMs: h.atMs, value: value(h) })),
      floorWindowMs,
    );
  const slopes = {
    cpHeap: floorOf((h) => h.cp),
    apiHeap: floorOf((h) => h.api),
    cpHeapRaw: slopeOf((s) => s.cp.heapMb),
    apiHeapRaw: slopeOf((s) => s.api.heapMb),
    cpRss: slopeOf((s) => s.cp.rssMb),
    apiRss: slopeOf((s) => s.api.rssMb),
  };
  const looseness = Math.max(1, 5 / Math.max(windowMinutes, 0.1));
  const heapBound = HEAP_SLOPE_MB_PER_MIN * looseness;
  const rssBound = RSS_SLOPE_MB_PER_MIN * looseness;
  const first = warm[0] ?? samples[0];
  const last = samples.at(-1);
  const round1 = (n: number | undefined) => (n === undefined ? null : Math.round(n * 10) / 10);
  const samplesFile = join(ROOT, 'tmp', 'reliability', 'soak-samples.json');
  mkdirSync(join(ROOT, 'tmp', 'reliability'), { recursive: true });
  writeFileSync(
    samplesFile,
    JSON.stringify({ warmUpMs, floorWindowMs, slopes, samples, heapTrace }, null, 2) + '\n',
  );
  reportFigures('soak', {
    minutes: reliabilitySettings.soakMinutes,
    slopeWindowMinutes: round1(windowMinutes),
    cpHeapSlopeMbPerMin: round1(slopes.cpHeap),
    apiHeapSlopeMbPerMin: round1(slopes.apiHeap),
    cpHeapRawSlopeMbPerMin: round1(slopes.cpHeapRaw),
    apiHeapRawSlopeMbPerMin: round1(slopes.apiHeapRaw),
    cpRssSlopeMbPerMin: round1(slopes.cpRss),
    apiRssSlopeMbPerMin: round1(slopes.apiRss),
    heapSlopeBoundMbPerMin: round1(heapBound),
    cpHeapStartMb: round1(first?.cp.heapMb),
    cpHeapEndMb: round1(last?.cp.heapMb),
    apiHeapStartMb: round1(first?.api.heapMb),
    apiHeapEndMb: round1(last?.api.heapMb),
    cpRssStartMb: round1(first?.cp.rssMb),
    cpRssEndMb: round1(last?.cp.rssMb),
    apiRssStartMb: round1(first?.api.rssMb),
    apiRssEndMb: round1(last?.api.rssMb),
    cpLagP99MaxMs: round1(Math.max(...samples.map((s) => s.cp.lagP99Ms))),
    apiLagP99MaxMs: round1(Math.max(...samples.map((s) => s.api.lagP99Ms))),
    callsOk: calls.ok,
    callsFailed: calls.failed,
    changes: churn.changes,
    failedWrites: churn.failedWrites,
    tokensCreated: churn.tokens,
    watchStreams: watches.opened,
    watchEvents: watches.events,
    reconnects,
    adsResponses: ads.responses,
    adsUnexpectedEnds: ads.unexpectedEnds.length,
    sampledChanges: probeLatencies.length + probesMissed,
    sampledChangesMissed: probesMissed,
    changeToServeP50Ms: percentile(probeLatencies, 50),
    changeToServeP99Ms: percentile(probeLatencies, 99),
    convergedMs,
  });
  reliabilityLog.info({ samplesFile }, 'soak samples written');

  // --- assertions ---------------------------------------------------------------------
  expect(cp.child.running, 'control plane alive').toBe(true);
  expect(api.child.running, 'API alive').toBe(true);
  expect(churn.errors, 'every churn write accepted').toEqual([]);
  expect(calls.failures, 'no failed data-plane call').toEqual([]);
  expect(calls.ok).toBeGreaterThan(CALLERS * (soakMs / 1000)); // ~3 calls/s each
  expect(ads.unexpectedEnds, 'no ADS stream ended by the server').toEqual([]);
  expect(probesMissed, 'every sampled change served').toBe(0);
  expect(lagging, 'every raw client converged on the final endpoints').toEqual([]);
  expect(watches.events).toBeGreaterThan(0);
  expect(warm.length).toBeGreaterThanOrEqual(2);
  expect(slopes.cpHeap, 'control-plane heap floor slope (MB/min)').toBeLessThan(heapBound);
  expect(slopes.apiHeap, 'API heap floor slope (MB/min)').toBeLessThan(heapBound);
  expect(slopes.cpRss, 'control-plane RSS slope (MB/min)').toBeLessThan(rssBound);
  expect(slopes.apiRss, 'API RSS slope (MB/min)').toBeLessThan(rssBound);
});
