// Several data-plane workers for one benchmark: one process per 1,000 proxies (at
// most 4), and the even split of a proxy list over them.
import { spawnDataPlaneWorker } from './handle';
import type { SimulatedProxy, WorkerHandle } from './types';

export const PROXIES_PER_WORKER = 1000;
export const MAX_WORKERS = 4;

export function workersFor(count: number): number {
  return Math.max(1, Math.min(MAX_WORKERS, Math.ceil(count / PROXIES_PER_WORKER)));
}

/** Spawns the workers for `count` proxies (1 per 1,000, max 4). */
export async function spawnDataPlaneFleet(count: number): Promise<WorkerHandle[]> {
  const n = workersFor(count);
  return Promise.all(
    Array.from({ length: n }, (_, i) => spawnDataPlaneWorker({ name: `dataplane-${i}` })),
  );
}

/** Deals `proxies` round-robin over `workers` lists (edges and sidecars spread evenly). */
export function splitProxies(proxies: SimulatedProxy[], workers: number): SimulatedProxy[][] {
  return Array.from({ length: workers }, (_, w) => proxies.filter((_, i) => i % workers === w));
}

/** Connects `proxies`, split over `fleet`, to `xdsAddress`. */
export async function connectFleet(
  fleet: WorkerHandle[],
  proxies: SimulatedProxy[],
  xdsAddress: string,
): Promise<void> {
  const lists = splitProxies(proxies, fleet.length);
  await Promise.all(fleet.map((worker, i) => worker.connect(lists[i] ?? [], xdsAddress)));
}
