// Round probe: the control plane's snapshot source in this process on the memory
// store, with one watcher per sidecar and edge of a bench workload, then single
// changes (endpoint, route, mesh policy) timed from the write to the round's build.
// For profiling the build path alone, without gRPC or other processes:
// `npx tsx --tsconfig tsconfig.base.json [--cpu-prof] bench/src/round-probe.ts [quick|S|M]`.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import pino from 'pino';
import { MemoryStore } from '@crossway/store';
// A profiling tool: it drives the control plane's snapshot source in-process on purpose.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { createSnapshotSource, type ChangeTrace } from '@crossway/controlplane';
import { validateObject, type CrosswayObject } from '@crossway/model';
import { workload, seedObjects, serviceRef, GATEWAY, type WorkloadName } from './run/workloads';
import { endpointChange, routeChange } from './run/changes';

const log = pino({ level: 'info' });
const w = workload((process.argv[2] ?? 'quick') as WorkloadName);
const store = new MemoryStore();
const objects = seedObjects(w);
for (let i = 0; i < objects.length; i += 100) {
  await store.transaction(
    objects.slice(i, i + 100).map((o) => ({ op: 'create' as const, object: validated(o) })),
  );
}
function validated(o: Record<string, unknown>): CrosswayObject {
  const r = validateObject(o);
  if (!r.ok) throw new Error(JSON.stringify(r));
  return r.value as unknown as CrosswayObject;
}
const traces: ChangeTrace[] = [];
const source = createSnapshotSource({
  store,
  logger: pino({ level: 'warn' }),
  onChangeTrace: (t) => traces.push(t),
});
let t0 = performance.now();
await source.start();
log.info({ ms: Math.round(performance.now() - t0) }, 'started');
t0 = performance.now();
let delivered = 0;
for (let i = 0; i < w.sidecars; i++)
  source.watch(
    { id: `s${i}`, role: 'sidecar', service: serviceRef(i, w), locality: {} },
    (_s, delivery) => {
      delivered++;
      delivery?.done();
    },
  );
for (let e = 0; e < w.edges; e++)
  source.watch({ id: `e${e}`, role: 'edge', gateway: GATEWAY, locality: {} }, (_s, d) => {
    delivered++;
    d?.done();
  });
// Groups are built asynchronously: wait until every watcher got its first snapshot.
while (delivered < w.sidecars + w.edges) await new Promise((r) => setTimeout(r, 50));
log.info({ ms: Math.round(performance.now() - t0), delivered }, 'watched (initial builds)');

const profileTo = process.env['ROUND_PROBE_PROFILE'];
const session = new Session();
if (profileTo) {
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
}

async function timeChange(label: string, write: () => Promise<unknown>): Promise<void> {
  const before = traces.length;
  const start = performance.now();
  await write();
  while (traces.length === before) await new Promise((r) => setTimeout(r, 1));
  const t = traces[traces.length - 1] as ChangeTrace;
  log.info(
    {
      change: label,
      totalMs: Math.round(performance.now() - start),
      buildMs: Math.round(t.builtAt - t.debouncedAt),
      groups: t.groups,
    },
    'round',
  );
}
const endpointRounds = Number(process.env['ROUND_PROBE_ENDPOINTS'] ?? 5);
const routeRounds = Number(process.env['ROUND_PROBE_ROUTES'] ?? 3);
for (let k = 0; k < endpointRounds; k++) {
  const c = endpointChange(w, 100 + k);
  await timeChange('endpoint', () =>
    store.update(validated((c.write as { replace: Record<string, unknown> }).replace)),
  );
}
for (let k = 0; k < routeRounds; k++) {
  const c = routeChange(w, 100 + k);
  const write = c.write as { replace?: Record<string, unknown> };
  const replaced = write.replace;
  if (replaced) await timeChange('route', () => store.update(validated(replaced)));
}
if (profileTo) {
  const { profile } = await session.post('Profiler.stop');
  writeFileSync(profileTo, JSON.stringify(profile));
}
await source.close();
process.exit(0);
