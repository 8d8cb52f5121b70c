// ADS memory per connected proxy (issue 8 target: <= 150 KB of control-plane memory
// per connected proxy). Runs the control plane in this process on a store (etcd
// under scripts/with-etcd.mjs, else a MemoryStore whose history then counts too)
// seeded with the quick workload's synthetic model, connects simulated sidecars from
// a data-plane worker process (so no client memory is counted here), waits until
// each has ACKed CDS, EDS, LDS and RDS, forces GC and reads the V8 heap:
//   phase "groups": one sidecar per Service (every group snapshot gets built);
//   phase "sotw" / "delta": `--extra` more sidecars of each protocol on the same
//   Services, so the heap delta per stream is the cost of the stream alone.
//
//   node scripts/with-etcd.mjs npx tsx --tsconfig tsconfig.base.json \
//     bench/src/ads-memory.ts [--extra 400] \
//     [--heap-snapshots /tmp/ads]   (writes /tmp/ads-<phase>.heapsnapshot after each phase;
//     compare them with bench/src/heap-summary.ts)
//
// Decisions: GC through v8.setFlagsFromString('--expose-gc') (no node flag needed);
// heapUsed after two full GCs; the worker is the benchmark's own (bench/src/dataplane).
import { setFlagsFromString, writeHeapSnapshot } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { CrosswayObject } from '@crossway/model';
import { EtcdStore, MemoryStore, type Store } from '@crossway/store';
// The heap being measured is the control plane's, so it runs in this process.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { startControlPlane } from '@crossway/controlplane';
import {
  CDS,
  EDS,
  LDS,
  RDS,
  spawnDataPlaneWorker,
  type SimulatedProxy,
  type WorkerHandle,
} from './dataplane/index';
import { seedObjects, serviceRef, workload } from './run/workloads';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : process.argv[i + 1];
}

function heapMb(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 1048576;
}

async function synced(worker: WorkerHandle, ids: ReadonlySet<string>): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const { proxies } = await worker.state();
    const done = proxies.filter(
      (p) => ids.has(p.id) && [CDS, EDS, LDS, RDS].every((t) => (p.versions[t] ?? '') !== ''),
    ).length;
    if (done === ids.size) return;
    if (Date.now() > deadline) throw new Error(`only ${done} of ${ids.size} proxies synced`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function sidecar(i: number, service: number, protocol: 'sotw' | 'delta'): SimulatedProxy {
  const w = workload('quick');
  return {
    id: `mem-${protocol}-${i}`,
    role: 'sidecar',
    service: serviceRef(service, w),
    token: 'insecure',
    protocol,
  };
}

async function main(): Promise<void> {
  const extra = Number(arg('extra') ?? 400);
  const w = workload('quick');
  // Under scripts/with-etcd.mjs the store is a real etcd, so the store's own data
  // (the proxy registry's records and their MVCC history) is not in this heap.
  const endpoints = process.env['CROSSWAY_TEST_ETCD_ENDPOINTS'];
  const store: Store =
    endpoints === undefined || endpoints === ''
      ? new MemoryStore()
      : new EtcdStore({ endpoints, requestTimeoutMs: 10_000 });
  const objects = seedObjects(w) as unknown as CrosswayObject[];
  for (let i = 0; i < objects.length; i += 100)
    await store.transaction(
      objects.slice(i, i + 100).map((object) => ({ op: 'upsert' as const, object })),
    );
  const plane = await startControlPlane({
    store,
    logger: false,
    xdsPort: 0,
    insecure: true,
    writeStatus: false,
  });
  await plane.whenReady();
  const worker = await spawnDataPlaneWorker({ name: 'ads-memory' });
  const address = `127.0.0.1:${plane.port}`;
  const rows: { phase: string; streams: number; heapMb: number; perStreamKb: number }[] = [];
  try {
    const base = heapMb();
    rows.push({ phase: 'ready', streams: 0, heapMb: base, perStreamKb: 0 });
    const readySnapshot = arg('heap-snapshots');
    if (readySnapshot !== undefined) writeHeapSnapshot(`${readySnapshot}-0.heapsnapshot`);
    let connected = 0;
    let previous = base;
    const phase = async (name: string, proxies: SimulatedProxy[]): Promise<void> => {
      await worker.connect(proxies, address);
      await synced(worker, new Set(proxies.map((p) => p.id)));
      await new Promise((r) => setTimeout(r, 500));
      const heap = heapMb();
      connected += proxies.length;
      rows.push({
        phase: name,
        streams: connected,
        heapMb: heap,
        perStreamKb: ((heap - previous) * 1024) / proxies.length,
      });
      previous = heap;
      const prefix = arg('heap-snapshots');
      if (prefix !== undefined) writeHeapSnapshot(`${prefix}-${rows.length - 1}.heapsnapshot`);
    };
    const services = w.model.services;
    await phase(
      'groups (1 per Service)',
      Array.from({ length: services }, (_, i) => sidecar(i, i, i % 2 === 0 ? 'sotw' : 'delta')),
    );
    await phase(
      'sotw (same Services)',
      Array.from({ length: extra }, (_, i) => sidecar(services + i, i % services, 'sotw')),
    );
    await phase(
      'delta (same Services)',
      Array.from({ length: extra }, (_, i) => sidecar(services + i, i % services, 'delta')),
    );
    const total = rows.at(-1)!;
    console.log('| phase | streams | heap MB | KB per stream of the phase |');
    console.log('|---|---:|---:|---:|');
    for (const r of rows)
      console.log(
        `| ${r.phase} | ${r.streams} | ${r.heapMb.toFixed(1)} | ${r.perStreamKb.toFixed(1)} |`,
      );
    console.log(
      `\nall streams: ${(((total.heapMb - base) * 1024) / total.streams).toFixed(1)} KB per connected proxy (heap over the ready control plane)`,
    );
  } finally {
    await worker.stop();
    await plane.close();
    await store.close();
  }
}

await main();
