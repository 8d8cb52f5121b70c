// The simulated data planes against a real control plane over real gRPC: one worker
// process with 10 SotW and 10 Delta sidecars and an edge syncs every type without a
// problem, and an endpoint change reaches (and is ACKed by) only the proxies that
// see that Service, with its bytes counted; the others receive nothing.
import { validateObject, type CrosswayObject } from '@crossway/model';
// The real control plane in this process, so the test can change its store directly.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { startControlPlane, type ControlPlane } from '@crossway/controlplane';
import { MemoryStore } from '@crossway/store';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  CDS,
  EDS,
  LDS,
  RDS,
  spawnDataPlaneWorker,
  type AckEvent,
  type ProxyProblem,
  type ProxyState,
  type SimulatedProxy,
  type WorkerHandle,
} from '../src/dataplane/index';
import { syntheticModel } from '../src/synthetic-model';

// svc-5 lives in ns-1, svc-8 and svc-6 in ns-0; bench/client depends on svc-0..svc-2 only.
const MODEL = { services: 10, endpoints: 2, namespaces: 2, dependencies: 3 };

function proxies(): SimulatedProxy[] {
  const out: SimulatedProxy[] = [
    { id: 'edge-0', role: 'edge', gateway: 'edge/public', token: 'unused', protocol: 'sotw' },
  ];
  for (let i = 0; i < 10; i += 1) {
    const protocol = i % 2 === 0 ? 'sotw' : 'delta';
    // Scoped callers (see svc-0..2) and unscoped ones (see every Service).
    out.push({
      id: `client-${i}`,
      role: 'sidecar',
      service: 'bench/client',
      token: 'unused',
      protocol,
    });
    out.push({
      id: `svc5-${i}`,
      role: 'sidecar',
      service: 'ns-1/svc-5',
      token: 'unused',
      protocol,
    });
  }
  return out;
}

let store: MemoryStore;
let plane: ControlPlane;
let worker: WorkerHandle;
const acks: AckEvent[] = [];
const problems: ProxyProblem[] = [];

async function moveEndpoint(name: string, address: string): Promise<number> {
  const workload = await store.get({ kind: 'Workload', namespace: 'ns-0', name });
  expect(workload).toBeDefined();
  const spec = (workload as unknown as { spec: Record<string, unknown> }).spec;
  const at = Date.now();
  await store.update({ ...workload!, spec: { ...spec, address } } as CrosswayObject);
  return at;
}

async function until<T>(what: string, check: () => Promise<T | undefined>, ms = 8000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function byId(state: { proxies: ProxyState[] }): Map<string, ProxyState> {
  return new Map(state.proxies.map((p) => [p.id, p]));
}

beforeAll(async () => {
  store = new MemoryStore();
  const objects = syntheticModel(MODEL).map((raw) => {
    const result = validateObject(raw);
    if (!result.ok) throw new Error(JSON.stringify(result.violations));
    return result.value as CrosswayObject;
  });
  await store.transaction(objects.map((object) => ({ op: 'upsert' as const, object })));
  plane = await startControlPlane({
    store,
    logger: false,
    xdsPort: 0,
    insecure: true,
    debounceMs: 10,
    writeStatus: false,
  });
  await plane.whenReady();
  worker = await spawnDataPlaneWorker({ name: 'dataplane-test' });
  worker.onAcks((batch) => acks.push(...batch));
  worker.onProblems((batch) => problems.push(...batch));
}, 20_000);

afterAll(async () => {
  await worker?.stop();
  await plane?.close();
  await store?.close();
});

it('syncs every proxy, then pushes an endpoint change only to the proxies that see it', async () => {
  const fleet = proxies();
  await worker.connect(fleet, `127.0.0.1:${plane.port}`);
  const synced = await until('every proxy to ACK CDS, EDS, LDS and RDS', async () => {
    const state = await worker.state();
    const done = state.proxies.every((p) => [CDS, EDS, LDS, RDS].every((t) => p.versions[t]));
    return state.proxies.length === fleet.length && done ? state : undefined;
  });
  expect(problems).toEqual([]);
  for (const p of synced.proxies) expect(p.bytes).toBeGreaterThan(0);
  expect(acks.filter((a) => a.typeUrl === EDS).length).toBeGreaterThanOrEqual(fleet.length);

  // Move one endpoint of svc-8: the edge and the unscoped svc-5 sidecars see it.
  const before = byId(synced);
  const changedAt = await moveEndpoint('svc-8-0', '10.99.0.1');
  const affected = new Set(fleet.filter((p) => !p.id.startsWith('client-')).map((p) => p.id));
  const after = await until('the affected proxies to ACK a new EDS version', async () => {
    const state = byId(await worker.state());
    const moved = [...affected].every(
      (id) => state.get(id)!.versions[EDS] !== before.get(id)!.versions[EDS],
    );
    return moved ? state : undefined;
  });
  // Give stray pushes to the unaffected proxies time to show up.
  await new Promise((r) => setTimeout(r, 300));
  const settled = byId(await worker.state());
  const late = acks.filter((a) => a.at >= changedAt);
  for (const [id, p] of settled) {
    const old = before.get(id)!;
    if (affected.has(id)) {
      expect(after.get(id)!.bytes).toBeGreaterThan(old.bytes);
      const edsAck = late.find((a) => a.proxyId === id && a.typeUrl === EDS);
      expect(edsAck?.bytes).toBeGreaterThan(0);
      expect(edsAck?.version).toBe(p.versions[EDS]);
      // Only endpoints changed: the other types keep their versions.
      for (const t of [CDS, LDS, RDS]) expect(p.versions[t]).toBe(old.versions[t]);
    } else {
      expect(p.versions).toEqual(old.versions);
      expect(p.bytes).toBe(old.bytes);
      expect(late.filter((a) => a.proxyId === id)).toEqual([]);
    }
  }
  expect(problems).toEqual([]);
}, 20_000);

it('reconnects every stream, resuming its state, and keeps following changes', async () => {
  const before = byId(await worker.state());
  await worker.disconnectAll();
  await worker.reconnectAll(`127.0.0.1:${plane.port}`);
  // svc-0 is a dependency of bench/client, so every proxy sees this one.
  await moveEndpoint('svc-0-0', '10.99.0.2');
  await until('every proxy to ACK a new EDS version after reconnecting', async () => {
    const state = byId(await worker.state());
    return [...state].every(([id, p]) => p.versions[EDS] !== before.get(id)!.versions[EDS])
      ? state
      : undefined;
  });
  expect(problems).toEqual([]);
}, 20_000);
