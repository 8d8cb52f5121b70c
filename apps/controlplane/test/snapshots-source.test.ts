// The snapshot source against the memory store and a real etcd: the demo policy set
// (examples/shop.yaml) gives a first snapshot per role, and each kind of change
// moves only the versions it should.
import { readFile } from 'node:fs/promises';
import type { CrosswayObject } from '@crossway/model';
import { decodeAny } from '@crossway/protos';
import { EtcdStore, MemoryStore, type Store } from '@crossway/store';
import { etcdEndpointForTests, uniqueTestPrefix } from '@crossway/testing';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { TYPE_URLS, type ProxyNode, type ProxySnapshot } from '../src/contracts';
import { createSnapshotSource, type ControlPlaneSnapshotSource } from '../src/snapshots/index';

const logger = pino({ level: 'silent' });
const SHOP = new URL('../../../examples/shop.yaml', import.meta.url);

const EDGE: ProxyNode = { id: 'edge-1', role: 'edge', gateway: 'edge/public', locality: {} };
const SIDECAR: ProxyNode = {
  id: 'frontend-1.shop',
  role: 'sidecar',
  service: 'shop/frontend',
  workload: 'frontend-1',
  locality: {},
};
const PROXYLESS: ProxyNode = {
  id: 'checkout-1',
  role: 'proxyless',
  service: 'shop/checkout',
  locality: {},
};

async function shopObjects(): Promise<CrosswayObject[]> {
  const text = await readFile(SHOP, 'utf8');
  return parseAllDocuments(text).map((d) => d.toJSON() as CrosswayObject);
}

async function loadShop(store: Store): Promise<void> {
  const objects = await shopObjects();
  await store.transaction(objects.map((object) => ({ op: 'upsert' as const, object })));
}

async function edit(
  store: Store,
  kind: string,
  namespace: string,
  name: string,
  change: (spec: Record<string, unknown>) => void,
): Promise<void> {
  const object = await store.get({ kind, namespace, name } as never);
  if (!object) throw new Error(`${kind} ${namespace}/${name} not stored`);
  change(object.spec as Record<string, unknown>);
  await store.update(object);
}

/** Versions by short type name. */
function versions(snapshot: ProxySnapshot): Record<string, string | undefined> {
  return Object.fromEntries(
    Object.entries(TYPE_URLS).map(([short, url]) => [short, snapshot.types.get(url)?.version]),
  );
}

function changedTypes(a: ProxySnapshot, b: ProxySnapshot): string[] {
  const before = versions(a);
  const after = versions(b);
  return Object.keys(after).filter((k) => before[k] !== after[k]);
}

/** Records every snapshot a node's watcher gets. */
function record(source: ControlPlaneSnapshotSource, node: ProxyNode) {
  const seen: ProxySnapshot[] = [];
  const waiters: (() => void)[] = [];
  const handle = source.watch(node, (s) => {
    seen.push(s);
    waiters.splice(0).forEach((w) => w());
  });
  return {
    seen,
    close: () => handle.close(),
    /** The snapshot number `count` (1-based), waiting up to `ms` for it. */
    async nth(count: number, ms = 5000): Promise<ProxySnapshot> {
      const deadline = Date.now() + ms;
      while (seen.length < count) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`only ${seen.length} snapshots, wanted ${count}`);
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(t);
            resolve();
          });
        });
      }
      return seen[count - 1] as ProxySnapshot;
    },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function endpointCount(snapshot: ProxySnapshot, cluster: string): number {
  const entry = snapshot.types.get(TYPE_URLS.endpoints)?.entries.get(cluster);
  if (!entry) return 0;
  const cla = decodeAny(entry.any).message.toJSON() as {
    endpoints?: { lb_endpoints?: unknown[]; lbEndpoints?: unknown[] }[];
  };
  return (cla.endpoints ?? []).reduce(
    (n, l) => n + (l.lb_endpoints ?? l.lbEndpoints ?? []).length,
    0,
  );
}

const stores: [string, () => Promise<Store>][] = [
  ['memory', async () => new MemoryStore()],
  [
    'etcd',
    async () =>
      new EtcdStore({
        endpoints: (await etcdEndpointForTests()).split(','),
        prefix: uniqueTestPrefix('snapshots'),
      }),
  ],
];

describe.each(stores)('snapshot source on the %s store', (_label, openStore) => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function started(debounceMs = 20, maxDelayMs = 1000) {
    const store = await openStore();
    cleanups.push(() => store.close());
    await loadShop(store);
    const source = createSnapshotSource({ store, logger, debounceMs, maxDelayMs });
    cleanups.push(() => source.close());
    await source.start();
    return { store, source };
  }

  it('serves a first snapshot per role from the demo policy set', async () => {
    const { source } = await started();
    expect(source.ready()).toBe(true);
    const edge = record(source, EDGE);
    const sidecar = record(source, SIDECAR);
    const proxyless = record(source, PROXYLESS);
    cleanups.push(edge.close, sidecar.close, proxyless.close);

    const e = await edge.nth(1);
    expect([...(e.types.get(TYPE_URLS.listeners)?.entries.keys() ?? [])].length).toBeGreaterThan(0);
    expect([...(e.types.get(TYPE_URLS.clusters)?.entries.keys() ?? [])]).toContain(
      'outbound|80||frontend.shop',
    );
    // The edge's TLS certificate is sent, key included, from the stored Secret.
    const secret = e.types.get(TYPE_URLS.secrets)?.entries.get('secret/edge/shop-example-com');
    expect(secret?.any.type_url).toBe(TYPE_URLS.secrets);
    const decoded = decodeAny(secret?.any).message.toJSON() as Record<string, unknown>;
    expect(JSON.stringify(decoded)).toContain('BEGIN PRIVATE KEY');
    expect(e.sources(TYPE_URLS.clusters, 'outbound|80||frontend.shop')).toEqual([
      'Service shop/frontend',
    ]);
    // A route table traces back to its Gateway and the routes in it (for NACK reports).
    expect(e.sources(TYPE_URLS.routes, 'gateway/edge/public/port/8080')).toEqual([
      'Gateway edge/public',
      'HTTPRoute shop/storefront',
    ]);

    const s = await sidecar.nth(1);
    expect([...(s.types.get(TYPE_URLS.clusters)?.entries.keys() ?? [])]).toContain(
      'outbound|9090||payments.payments',
    );
    // Identity secrets come from the identity layer: never in the snapshot.
    expect(s.types.get(TYPE_URLS.secrets)?.entries.size).toBe(0);

    const p = await proxyless.nth(1);
    expect(p.types.get(TYPE_URLS.listeners)?.entries.size).toBeGreaterThan(0);
    // A server Listener for the address an xDS-enabled server binds, asked for by name.
    const name = 'grpc/server?xds.resource.listening_address=127.0.0.1:19090';
    const server = p.lookup(TYPE_URLS.listeners, name);
    expect(server?.name).toBe(name);
    expect(p.lookup(TYPE_URLS.listeners, name)).toBe(server);
    expect(
      p.lookup(TYPE_URLS.listeners, 'grpc/server?xds.resource.listening_address=127.0.0.1:1'),
    ).toBeUndefined();
  });

  it('a route change gives a new RDS version only; an endpoint change only EDS', async () => {
    const { store, source } = await started();
    const edge = record(source, EDGE);
    cleanups.push(edge.close);
    const first = await edge.nth(1);

    await edit(store, 'HTTPRoute', 'shop', 'storefront', (spec) => {
      const rules = spec['rules'] as { timeouts?: Record<string, string> }[];
      if (rules[0]) rules[0].timeouts = { request: '7s' };
    });
    const second = await edge.nth(2);
    expect(changedTypes(first, second)).toEqual(['routes']);
    expect(second.changeSeenAt).toBeGreaterThanOrEqual(first.changeSeenAt);

    await edit(store, 'Workload', 'shop', 'frontend-1', (spec) => {
      spec['address'] = '127.0.0.9';
    });
    const third = await edge.nth(3);
    expect(changedTypes(second, third)).toEqual(['endpoints']);
    // Unchanged resources keep the very same encoded entry.
    expect(third.types.get(TYPE_URLS.clusters)?.entries.get('outbound|80||frontend.shop')).toBe(
      second.types.get(TYPE_URLS.clusters)?.entries.get('outbound|80||frontend.shop'),
    );
  });

  it('an identical re-apply or a status write gives no new snapshot', async () => {
    const { store, source } = await started();
    const edge = record(source, EDGE);
    cleanups.push(edge.close);
    await edge.nth(1);
    await loadShop(store);
    await store.setStatus(
      { kind: 'HTTPRoute', namespace: 'shop', name: 'storefront' } as never,
      {
        conditions: [],
      } as never,
    );
    await sleep(300);
    expect(edge.seen).toHaveLength(1);
  });

  it('coalesces a burst of writes into one rebuild', async () => {
    const { store, source } = await started(200, 2000);
    const edge = record(source, EDGE);
    cleanups.push(edge.close);
    await edge.nth(1);
    const before = source.stats().rebuilds;
    for (let i = 1; i <= 8; i++)
      await edit(store, 'HTTPRoute', 'shop', 'storefront', (spec) => {
        const rules = spec['rules'] as { timeouts?: Record<string, string> }[];
        if (rules[0]) rules[0].timeouts = { request: `${i}s` };
      });
    const last = await edge.nth(2);
    await sleep(400);
    expect(source.stats().rebuilds - before).toBe(1);
    expect(edge.seen).toHaveLength(2);
    const route = last.types.get(TYPE_URLS.routes)?.entries.get('gateway/edge/public/port/8080');
    expect(JSON.stringify(decodeAny(route?.any).message.toJSON())).toContain(
      '"timeout":{"seconds":"8"',
    );
  });

  it('never holds a change back longer than maxDelayMs during a steady stream of writes', async () => {
    const { store, source } = await started(200, 500);
    const edge = record(source, EDGE);
    cleanups.push(edge.close);
    await edge.nth(1);
    const startedAt = Date.now();
    let i = 0;
    // A write every ~50 ms for 1.5 s: the 200 ms debounce alone would never fire.
    while (Date.now() - startedAt < 1500) {
      i++;
      await edit(store, 'HTTPRoute', 'shop', 'storefront', (spec) => {
        const rules = spec['rules'] as { timeouts?: Record<string, string> }[];
        if (rules[0]) rules[0].timeouts = { request: `${i}s` };
      });
      await sleep(50);
      if (edge.seen.length > 1) break;
    }
    expect(edge.seen.length).toBeGreaterThan(1);
    expect(Date.now() - startedAt).toBeLessThan(1200);
  });

  it('never shows half of a chunked apply', async () => {
    const { store, source } = await started(1);
    const sidecar = record(source, SIDECAR);
    cleanups.push(sidecar.close);
    const first = await sidecar.nth(1);
    const cluster = 'outbound|8080||catalog.shop';
    expect(endpointCount(first, cluster)).toBe(1);
    const workloads = Array.from({ length: 150 }, (_, i) => ({
      op: 'create' as const,
      object: {
        apiVersion: 'crossway.dev/v1alpha1',
        kind: 'Workload',
        metadata: { name: `catalog-x${i}`, namespace: 'shop' },
        spec: {
          service: 'catalog',
          address: `10.0.${Math.floor(i / 200)}.${(i % 200) + 1}`,
          ports: [{ name: 'http', port: 18080 }],
        },
      } as unknown as CrosswayObject,
    }));
    await store.writeAll(workloads, { onProgress: () => sleep(50) });
    const next = await sidecar.nth(2);
    await sleep(200);
    expect(endpointCount(next, cluster)).toBe(151);
    for (const s of sidecar.seen) expect([1, 151]).toContain(endpointCount(s, cluster));
  });

  it('keeps the previous snapshot of a group whose new config is inconsistent; others update', async () => {
    const { store, source } = await started();
    const edge = record(source, EDGE);
    const proxyless = record(source, PROXYLESS);
    cleanups.push(edge.close, proxyless.close);
    const edgeFirst = await edge.nth(1);
    const proxylessFirst = await proxyless.nth(1);
    // A tls Secret without its key is valid in the model, but no Secret resource can be
    // built from it: the edge config would name a secret it does not define.
    await edit(store, 'Secret', 'edge', 'shop-example-com', (spec) => {
      delete (spec['data'] as Record<string, unknown>)['tls.key'];
    });
    await edit(store, 'Workload', 'payments', 'payments-1', (spec) => {
      spec['address'] = '127.0.0.7';
    });
    const proxylessNext = await proxyless.nth(2);
    expect(changedTypes(proxylessFirst, proxylessNext)).toEqual(['endpoints']);
    await sleep(200);
    expect(edge.seen).toHaveLength(1);
    expect(source.current(EDGE)).toBe(edgeFirst);
  });

  it('shares encoded entries between sidecar groups and drops unwatched groups', async () => {
    const { source } = await started();
    const a = record(source, SIDECAR);
    const b = record(source, {
      id: 'other',
      role: 'sidecar',
      service: 'shop/frontend',
      locality: {},
    });
    const c = record(source, { ...SIDECAR, id: 'same-group' });
    cleanups.push(a.close, b.close, c.close);
    const [sa, sb, sc] = await Promise.all([a.nth(1), b.nth(1), c.nth(1)]);
    expect(source.stats().groups).toBe(2);
    // One group, one snapshot object.
    expect(sc).toBe(sa);
    const cluster = 'outbound|9090||payments.payments';
    expect(sa.types.get(TYPE_URLS.clusters)?.entries.get(cluster)).toBeDefined();
    expect(sb.types.get(TYPE_URLS.clusters)?.entries.get(cluster)).toBe(
      sa.types.get(TYPE_URLS.clusters)?.entries.get(cluster),
    );
    a.close();
    c.close();
    expect(source.stats().groups).toBe(1);
  });
});

describe('which groups a change rebuilds (memory store)', () => {
  it('Workload and route changes rebuild only the groups whose scope they touch', async () => {
    const store = new MemoryStore();
    await loadShop(store);
    const builds: { groups: number }[] = [];
    const source = createSnapshotSource({
      store,
      logger,
      debounceMs: 5,
      onBuild: (b) => builds.push(b),
    });
    await source.start();
    // The edge sends to frontend only; checkout's proxyless client reaches payments.
    const edge = record(source, EDGE);
    const checkout = record(source, PROXYLESS);
    try {
      await edge.nth(1);
      await checkout.nth(1);
      await edit(store, 'Workload', 'payments', 'payments-1', (spec) => {
        spec['address'] = '127.0.0.8';
      });
      await checkout.nth(2);
      expect(builds.at(-1)?.groups).toBe(1);
      expect(edge.seen).toHaveLength(1);

      await edit(store, 'Workload', 'shop', 'frontend-1', (spec) => {
        spec['address'] = '127.0.0.9';
      });
      await edge.nth(2);
      expect(builds.at(-1)?.groups).toBe(1);

      // A route reaches proxies only through its parents: the edge's Gateway here.
      await edit(store, 'HTTPRoute', 'shop', 'storefront', (spec) => {
        const rules = spec['rules'] as { timeouts?: Record<string, string> }[];
        if (rules[0]) rules[0].timeouts = { request: '8s' };
      });
      await edge.nth(3);
      expect(builds.at(-1)?.groups).toBe(1);
      // A route on the checkout Service: the checkout client does not call itself,
      // so neither group is rebuilt; a route on payments rebuilds the client only.
      await edit(store, 'GRPCRoute', 'shop', 'checkout', (spec) => {
        const rules = spec['rules'] as { timeouts?: Record<string, string> }[];
        if (rules[0]) rules[0].timeouts = { request: '3s' };
      });
      await sleep(100);
      expect(builds.at(-1)?.groups).toBe(0);
      const before = builds.length;
      await store.create({
        apiVersion: 'crossway.dev/v1alpha1',
        kind: 'GRPCRoute',
        metadata: { name: 'payments-timeouts', namespace: 'payments' },
        spec: {
          parentRefs: [{ kind: 'Service', name: 'payments', port: 9090 }],
          rules: [{ backendRefs: [{ name: 'payments', port: 9090 }], timeouts: { request: '4s' } }],
        },
      });
      await checkout.nth(3);
      expect(builds.length).toBeGreaterThan(before);
      expect(builds.at(-1)?.groups).toBe(1);
      expect(edge.seen).toHaveLength(3);
      // Anything else (here a Service) rebuilds every watched group.
      const beforeService = builds.length;
      await edit(store, 'Service', 'shop', 'frontend', (spec) => {
        spec['hosts'] = ['frontend.example.internal'];
      });
      for (let i = 0; i < 100 && builds.length === beforeService; i++) await sleep(20);
      expect(builds.at(-1)?.groups).toBe(2);
    } finally {
      edge.close();
      checkout.close();
      await source.close();
      await store.close();
    }
  });
});

describe('snapshot source at scale (memory store)', () => {
  it('rebuilds 100 distinct sidecar groups per change, encoding each shared resource once', async () => {
    const store = new MemoryStore();
    await loadShop(store);
    const builds: { durationSeconds: number; groups: number }[] = [];
    const source = createSnapshotSource({
      store,
      logger,
      debounceMs: 5,
      onBuild: (b) => builds.push(b),
    });
    await source.start();
    // 100 groups with distinct configs: each sidecar's app listens on its own port.
    const watchers = Array.from({ length: 100 }, (_, i) =>
      record(source, { ...SIDECAR, id: `s-${i}`, ports: [{ name: 'http', port: 20000 + i }] }),
    );
    // Without locality failover, proxies in other zones share one build (one snapshot).
    const plain = record(source, SIDECAR);
    const zoned = record(source, { ...SIDECAR, id: 'zoned', locality: { zone: 'z1' } });
    watchers.push(plain, zoned);
    try {
      const firsts = await Promise.all(watchers.map((w) => w.nth(1)));
      expect(source.stats().groups).toBe(102);
      expect(await zoned.nth(1)).toBe(await plain.nth(1));
      const cluster = 'outbound|9090||payments.payments';
      const shared = firsts[0]?.types.get(TYPE_URLS.clusters)?.entries.get(cluster);
      expect(
        firsts.every((f) => f.types.get(TYPE_URLS.clusters)?.entries.get(cluster) === shared),
      ).toBe(true);
      const encodesBefore = source.stats().encodes;
      await edit(store, 'Workload', 'payments', 'payments-1', (spec) => {
        spec['address'] = '127.0.0.8';
      });
      await Promise.all(watchers.map((w) => w.nth(2)));
      // Only the changed ClusterLoadAssignment is encoded again, once for all groups.
      expect(source.stats().encodes - encodesBefore).toBe(1);
      const last = builds.at(-1);
      expect(last?.groups).toBe(102);
      // Measured (about 8 ms per distinct sidecar group on one core): bounded loosely.
      expect(last?.durationSeconds).toBeLessThan(5);
    } finally {
      watchers.forEach((w) => w.close());
      await source.close();
      await store.close();
    }
  });

  it('builds many new groups in slices, letting I/O run in between', async () => {
    const store = new MemoryStore();
    await loadShop(store);
    const source = createSnapshotSource({ store, logger, debounceMs: 5 });
    await source.start();
    const nodes = Array.from({ length: 300 }, (_, i) => ({
      ...SIDECAR,
      id: `burst-${i}`,
      ports: [{ name: 'http', port: 30000 + i }],
    }));
    const watchers = nodes.map((node) => record(source, node));
    try {
      // A timer set right after 300 proxies joined runs before the last group is built.
      const builtWhenTimerRan = await new Promise<number>((resolve) =>
        setTimeout(() => resolve(nodes.filter((n) => source.current(n)).length), 0),
      );
      expect(builtWhenTimerRan).toBeLessThan(nodes.length);
      await Promise.all(watchers.map((w) => w.nth(1)));
      expect(nodes.every((n) => source.current(n) !== undefined)).toBe(true);
    } finally {
      watchers.forEach((w) => w.close());
      await source.close();
      await store.close();
    }
  });
});
