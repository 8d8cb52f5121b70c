// Endpoint patches (Workload-only batches) against full rebuilds: after each of a
// series of Workload changes (address, new Workload, health, port, unknown port
// name, a move to another Service, a deletion, the sidecar's own Workload), every
// watched group's snapshot from the live source (patched) must equal the one a
// fresh source builds from scratch on the same store: same type versions, same
// resource versions, same fingerprint. Edges and sidecars in two localities with
// locality failover on, so per-locality endpoints are covered.
import { readFile } from 'node:fs/promises';
import type { CrosswayObject } from '@crossway/model';
import { MemoryStore, type Store } from '@crossway/store';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { ProxyNode, ProxySnapshot } from '../src/contracts';
import { createSnapshotSource, type ControlPlaneSnapshotSource } from '../src/snapshots/index';

const logger = pino({ level: 'silent' });
const SHOP = new URL('../../../examples/shop.yaml', import.meta.url);

const WEST_A = { region: 'eu-west', zone: 'eu-west-1a' };
const EAST = { region: 'us-east', zone: 'us-east-1a' };
const NODES: ProxyNode[] = [
  { id: 'edge-a', role: 'edge', gateway: 'edge/public', locality: WEST_A },
  { id: 'edge-b', role: 'edge', gateway: 'edge/public', locality: EAST },
  {
    id: 'frontend-1',
    role: 'sidecar',
    service: 'shop/frontend',
    workload: 'frontend-1',
    locality: WEST_A,
  },
  { id: 'frontend-x', role: 'sidecar', service: 'shop/frontend', locality: EAST },
  { id: 'checkout-s', role: 'sidecar', service: 'shop/checkout', locality: {} },
  {
    id: 'catalog-1',
    role: 'sidecar',
    service: 'shop/catalog',
    workload: 'catalog-1',
    locality: WEST_A,
  },
  { id: 'checkout-g', role: 'proxyless', service: 'shop/checkout', locality: {} },
];

const FAILOVER = {
  apiVersion: 'crossway.dev/v1alpha1',
  kind: 'TrafficPolicy',
  metadata: { name: 'catalog-nearby', namespace: 'shop' },
  spec: {
    targetRef: { kind: 'Service', name: 'catalog' },
    localityFailover: { failover: [{ from: 'eu-west', to: ['us-east'] }] },
  },
} as unknown as CrosswayObject;

function workload(
  name: string,
  service: string,
  address: string,
  extra: Record<string, unknown> = {},
): CrosswayObject {
  return {
    apiVersion: 'crossway.dev/v1alpha1',
    kind: 'Workload',
    metadata: { name, namespace: 'shop' },
    spec: {
      service,
      address,
      locality: EAST,
      ports: [{ name: 'http', port: 18080 }],
      ...extra,
    },
  } as unknown as CrosswayObject;
}

async function seed(store: Store): Promise<void> {
  const text = await readFile(SHOP, 'utf8');
  const objects = parseAllDocuments(text).map((d) => d.toJSON() as CrosswayObject);
  await store.transaction(
    [...objects, FAILOVER].map((object) => ({ op: 'upsert' as const, object })),
  );
}

async function edit(
  store: Store,
  name: string,
  namespace: string,
  change: (spec: Record<string, unknown>) => void,
): Promise<void> {
  const object = await store.get({ kind: 'Workload', namespace, name } as never);
  if (!object) throw new Error(`Workload ${namespace}/${name} not stored`);
  change(object.spec as Record<string, unknown>);
  await store.update(object);
}

/** Type versions and every resource version: what a proxy would be sent. */
function content(snapshot: ProxySnapshot | undefined): Record<string, unknown> {
  if (!snapshot) return {};
  return Object.fromEntries(
    [...snapshot.types].map(([url, t]) => [
      url,
      { version: t.version, entries: [...t.entries].map(([n, e]) => `${n}@${e.version}`) },
    ]),
  );
}

function fingerprint(snapshot: ProxySnapshot | undefined): unknown {
  return (snapshot as { fingerprint?: string } | undefined)?.fingerprint;
}

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

const sources: ControlPlaneSnapshotSource[] = [];
afterEach(async () => {
  await Promise.all(sources.splice(0).map((s) => s.close()));
});

async function watching(store: Store): Promise<ControlPlaneSnapshotSource> {
  const source = createSnapshotSource({ store, logger, debounceMs: 5 });
  sources.push(source);
  await source.start();
  for (const node of NODES) source.watch(node, () => undefined);
  await until(() => NODES.every((n) => source.current(n) !== undefined));
  return source;
}

describe('endpoint patches equal full rebuilds', () => {
  it('after each Workload change, every group matches a fresh full build', async () => {
    const store = new MemoryStore();
    await seed(store);
    const live = await watching(store);
    const changes: [string, () => Promise<unknown>][] = [
      ['address', () => edit(store, 'catalog-1', 'shop', (s) => (s['address'] = '10.9.0.1'))],
      [
        'new Workload',
        () => store.create(workload('catalog-2', 'catalog', '10.9.0.2', { weight: 5 })),
      ],
      ['health', () => edit(store, 'catalog-2', 'shop', (s) => (s['health'] = 'Unhealthy'))],
      [
        'port',
        () =>
          edit(
            store,
            'payments-1',
            'payments',
            (s) => (s['ports'] = [{ name: 'grpc', port: 29091 }]),
          ),
      ],
      [
        'unknown port name',
        () =>
          store.create(
            workload('catalog-3', 'catalog', '10.9.0.3', { ports: [{ name: 'nope', port: 1 }] }),
          ),
      ],
      [
        'moved to another Service',
        () => edit(store, 'catalog-2', 'shop', (s) => (s['service'] = 'frontend')),
      ],
      [
        'deleted',
        () => store.delete({ kind: 'Workload', namespace: 'shop', name: 'catalog-1' } as never),
      ],
      ['own Workload', () => edit(store, 'frontend-1', 'shop', (s) => (s['address'] = '10.9.0.9'))],
    ];
    let changedSomewhere = 0;
    for (const [label, change] of changes) {
      const before = live.stats().rebuilds;
      const previous = NODES.map((n) => content(live.current(n)));
      await change();
      await until(() => live.stats().rebuilds > before);
      const fresh = await watching(store);
      for (const [i, node] of NODES.entries()) {
        const patched = live.current(node);
        const full = fresh.current(node);
        expect(content(patched), `${label}: ${node.id}`).toEqual(content(full));
        expect(fingerprint(patched), `${label}: ${node.id}`).toBe(fingerprint(full));
        if (JSON.stringify(previous[i]) !== JSON.stringify(content(patched))) changedSomewhere++;
      }
      await fresh.close();
      sources.splice(sources.indexOf(fresh), 1);
    }
    // The patch path ran (not only full rebuilds), and the changes did change configs.
    expect(live.stats().endpointPatches).toBeGreaterThan(changes.length);
    expect(changedSomewhere).toBeGreaterThan(changes.length);
  });

  it('a batch with any other kind of change is rebuilt whole, not patched', async () => {
    const store = new MemoryStore();
    await seed(store);
    const live = await watching(store);
    const before = live.stats();
    const route = await store.get({
      kind: 'HTTPRoute',
      namespace: 'shop',
      name: 'catalog-canary',
    } as never);
    if (!route) throw new Error('route missing');
    await store.transaction([
      {
        op: 'update',
        object: {
          ...route,
          spec: {
            ...(route.spec as object),
            rules: [{ backendRefs: [{ name: 'catalog', port: 8080 }] }],
          },
        } as CrosswayObject,
      },
      { op: 'upsert', object: workload('catalog-9', 'catalog', '10.9.0.99') },
    ]);
    await until(() => live.stats().rebuilds > before.rebuilds);
    expect(live.stats().endpointPatches).toBe(before.endpointPatches);
  });
});
