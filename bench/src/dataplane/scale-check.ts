// Measures what the simulated data planes cost at scale, against an in-process
// control plane on the memory store (insecure xDS): time to open N streams, time
// until every proxy has ACKed CDS, EDS, LDS and RDS, worker CPU, and one endpoint
// change to the last affected ACK. A tool for sizing the workers, not the benchmark.
//   npx tsx --tsconfig tsconfig.base.json bench/src/dataplane/scale-check.ts --proxies 5000
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
// A sizing tool: the control plane runs in this process so the store can be changed directly.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { startControlPlane } from '@crossway/controlplane';
import { validateObject, type CrosswayObject } from '@crossway/model';
import { MemoryStore } from '@crossway/store';
import pino from 'pino';
import { syntheticModel } from '../synthetic-model';
import { connectFleet, spawnDataPlaneFleet } from './fleet';
import { CDS, EDS, LDS, RDS } from './type-urls';
import type { AckEvent, ProxyProblem, SimulatedProxy, WorkerHandle } from './types';

const log = pino({ name: 'dataplane-scale' });
const { values } = parseArgs({
  options: {
    proxies: { type: 'string', default: '1000' },
    services: { type: 'string', default: '1000' },
    dependencies: { type: 'string', default: '30' },
    edges: { type: 'string', default: '10' },
  },
});
const PROXIES = Number(values.proxies);
const EDGES = Number(values.edges);
const MODEL = {
  services: Number(values.services),
  endpoints: 5,
  namespaces: 10,
  dependencies: Number(values.dependencies),
};

/** User + system CPU seconds of a process (from /proc, 10 ms ticks). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Resident memory of a process in MB. */
function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Math.round(Number(match?.[1] ?? 0) / 1024);
}

/** CPU seconds each worker used since `since` (one reading per worker). */
function cpuSince(fleet: WorkerHandle[], since: number[]): number[] {
  return fleet.map((w, i) => Math.round((cpuSeconds(w.pid) - (since[i] ?? 0)) * 100) / 100);
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(
    sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0,
  );
}

function fleetProxies(): SimulatedProxy[] {
  const out: SimulatedProxy[] = [];
  for (let i = 0; i < EDGES; i += 1)
    out.push({
      id: `edge-${i}`,
      role: 'edge',
      gateway: 'edge/public',
      token: 'x',
      protocol: 'sotw',
    });
  for (let i = 0; i < PROXIES; i += 1)
    out.push({
      id: `sidecar-${i}`,
      role: 'sidecar',
      service: i % 2 === 0 ? 'bench/client' : 'bench/client-2',
      token: 'x',
      protocol: i % 4 < 2 ? 'sotw' : 'delta',
    });
  return out;
}

async function synced(fleet: WorkerHandle[], total: number): Promise<void> {
  for (;;) {
    const states = await Promise.all(fleet.map((w) => w.state()));
    const done = states
      .flatMap((s) => s.proxies)
      .filter((p) => [CDS, EDS, LDS, RDS].every((t) => p.versions[t] !== undefined)).length;
    log.info({ synced: done, total }, 'sync progress');
    if (done === total) return;
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function main(): Promise<void> {
  const store = new MemoryStore();
  const objects = syntheticModel(MODEL).map((raw) => {
    const result = validateObject(raw);
    if (!result.ok) throw new Error(JSON.stringify(result.violations));
    return result.value as CrosswayObject;
  });
  for (let i = 0; i < objects.length; i += 100)
    await store.transaction(
      objects.slice(i, i + 100).map((object) => ({ op: 'upsert' as const, object })),
    );
  const plane = await startControlPlane({ store, xdsPort: 0, insecure: true, writeStatus: false });
  await plane.whenReady();
  log.info({ objects: objects.length }, 'control plane ready');

  const proxies = fleetProxies();
  const fleet = await spawnDataPlaneFleet(proxies.length);
  const acks: AckEvent[] = [];
  const problems: ProxyProblem[] = [];
  for (const w of fleet) {
    w.onAcks((b) => acks.push(...b));
    w.onProblems((b) => problems.push(...b));
  }
  const cpu0 = fleet.map((w) => cpuSeconds(w.pid));
  const t0 = Date.now();
  await connectFleet(fleet, proxies, `127.0.0.1:${plane.port}`);
  const opened = Date.now() - t0;
  await synced(fleet, proxies.length);
  const syncMs = Date.now() - t0;
  const cpuSync = cpuSince(fleet, cpu0);
  log.info(
    {
      proxies: proxies.length,
      workers: fleet.length,
      openMs: opened,
      syncMs,
      workerCpuSeconds: cpuSync,
      workerRssMb: fleet.map((w) => rssMb(w.pid)),
      problems: problems.length,
    },
    'initial sync',
  );

  // An endpoint change on a dependency every sidecar and edge sees.
  const before = acks.length;
  const workload = await store.get({ kind: 'Workload', namespace: 'ns-0', name: 'svc-0-0' });
  if (workload === undefined) throw new Error('Workload ns-0/svc-0-0 is missing');
  const spec = (workload as unknown as { spec: Record<string, unknown> }).spec;
  const cpu1 = fleet.map((w) => cpuSeconds(w.pid));
  const changeAt = performance.timeOrigin + performance.now();
  await store.update({ ...workload, spec: { ...spec, address: '10.250.0.1' } } as CrosswayObject);
  for (;;) {
    const eds = acks.slice(before).filter((a) => a.typeUrl === EDS);
    if (eds.length >= proxies.length) {
      const delays = eds.map((a) => a.at - changeAt);
      const bytes = eds.reduce((s, a) => s + a.bytes, 0) / eds.length;
      const workerCpuSeconds = cpuSince(fleet, cpu1);
      log.info(
        {
          firstAckMs: percentile(delays, 0),
          p50Ms: percentile(delays, 50),
          p99Ms: percentile(delays, 99),
          lastAckMs: percentile(delays, 100),
          acks: eds.length,
          meanBytes: Math.round(bytes),
          workerCpuSeconds,
        },
        'endpoint change',
      );
      break;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  log.info({ problems: problems.slice(0, 5), count: problems.length }, 'problems');
  await Promise.all(fleet.map((w) => w.stop()));
  await plane.close();
  await store.close();
}

main().catch((error: unknown) => {
  log.error({ err: error }, 'scale check failed');
  process.exitCode = 1;
});
