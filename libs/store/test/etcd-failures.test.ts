// etcd-only behaviour: restarts, crashes and unreachable members. Each test runs its
// own etcd member (never the shared one), since it stops or kills it.
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, startEtcd, type EtcdProcess } from '@crossway/testing';
import type { CrosswayObject } from '@crossway/model';
import { EtcdStore, isStoreError, startInformer, type Store } from '../src/index';
import { recordWatch, service, storeError, summary, waitFor } from './contract/fixtures';

async function eventually<T>(what: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await what();
    } catch (error) {
      if (!isStoreError(error, 'Unavailable') || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

async function elapsed(run: () => Promise<unknown>): Promise<number> {
  const start = Date.now();
  await run();
  return Date.now() - start;
}

describe('EtcdStore against a failing etcd', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  async function member(): Promise<EtcdProcess> {
    const etcd = await startEtcd();
    cleanup.push(() => etcd.stop());
    return etcd;
  }

  function storeOn(endpoint: string): EtcdStore {
    const store = new EtcdStore({ endpoints: endpoint });
    cleanup.push(() => store.close());
    return store;
  }

  it('a watch survives an etcd restart: every event arrives exactly once and in order', async () => {
    const etcd = await member();
    const store = storeOn(etcd.endpoint);
    const watch = recordWatch(store, await store.revision());
    for (let i = 0; i < 5; i++) await store.create(service(`before-${i}`));
    await watch.waitForEvents(5);
    await etcd.restart();
    for (let i = 0; i < 5; i++) await eventually(() => store.create(service(`after-${i}`)));
    await watch.waitForEvents(10, 15_000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await watch.close();
    expect(watch.errors).toEqual([]);
    expect(watch.events.map(summary)).toEqual([
      ...[0, 1, 2, 3, 4].map((i) => `ADDED Service default/before-${i}`),
      ...[0, 1, 2, 3, 4].map((i) => `ADDED Service default/after-${i}`),
    ]);
    const revisions = watch.events.map((e) => e.revision);
    expect(new Set(revisions).size).toBe(10);
    expect(revisions).toEqual([...revisions].sort((a, b) => a - b));
  });

  it('writes made while a watcher reconnects after a crash are replayed, not lost', async () => {
    const etcd = await member();
    const store = storeOn(etcd.endpoint);
    const watch = recordWatch(store, await store.revision());
    await store.create(service('a'));
    await watch.waitForEvents(1);
    await etcd.kill();
    await etcd.restart();
    // A second client writes at once, before the watcher's stream is back.
    const writer = storeOn(etcd.endpoint);
    await eventually(() =>
      writer.transaction(['b', 'c', 'd'].map((n) => ({ op: 'create', object: service(n) }))),
    );
    await eventually(() => writer.delete({ kind: 'Service', namespace: 'default', name: 'a' }));
    await watch.waitForEvents(5, 15_000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await watch.close();
    expect(watch.events.map(summary)).toEqual([
      'ADDED Service default/a',
      'ADDED Service default/b',
      'ADDED Service default/c',
      'ADDED Service default/d',
      'DELETED Service default/a',
    ]);
  });

  it('an informer keeps its cache in step across an etcd restart', async () => {
    const etcd = await member();
    const store: Store = storeOn(etcd.endpoint);
    await store.create(service('a'));
    let cache = new Map<string, CrosswayObject>();
    const informer = startInformer(store, {
      onSync: (items) => (cache = new Map(items.map((o) => [o.metadata.name, o]))),
      onEvents: (events) => {
        for (const e of events) {
          if (e.type === 'DELETED') cache.delete(e.object.metadata.name);
          else cache.set(e.object.metadata.name, e.object);
        }
      },
    });
    cleanup.push(() => informer.close());
    await informer.synced;
    await etcd.restart();
    await eventually(() => store.create(service('b')));
    await eventually(() => store.delete({ kind: 'Service', namespace: 'default', name: 'a' }));
    await waitFor('the informer to catch up', () => cache.size === 1 && cache.has('b'), 15_000);
  });

  it('a writer that dies mid-write holds readers back only until its marker lease expires', async () => {
    const etcd = await member();
    const reader = storeOn(etcd.endpoint);
    const writer = storeOn(etcd.endpoint);
    const names = new Set<string>();
    const informer = startInformer(reader, {
      onSync: () => undefined,
      onEvents: (events) => events.forEach((e) => names.add(e.object.metadata.name)),
    });
    cleanup.push(() => informer.close());
    await informer.synced;
    let resume: () => void = () => undefined;
    let firstChunk = false;
    const writing = storeError(
      writer.writeAll(
        Array.from({ length: 200 }, (_, i) => ({ op: 'create', object: service(`s${i}`) })),
        {
          markerTtlMs: 1000,
          onProgress: () => {
            firstChunk = true;
            return new Promise<void>((resolve) => (resume = resolve));
          },
        },
      ),
    );
    await waitFor('the first chunk', () => firstChunk);
    // The writer's client goes away: no keep-alive, no rollback, no close of the marker.
    await writer.close();
    resume();
    expect((await writing).code).toBe('Unavailable');
    expect(await reader.openApplyMarkers()).toHaveLength(1);
    expect(names.size).toBe(0);
    const ms = await elapsed(() =>
      waitFor('the marker to expire', () => names.size === 127, 10_000),
    );
    expect(ms).toBeLessThan(5000);
    expect(await reader.openApplyMarkers()).toEqual([]);
  });

  it('a killed etcd yields Unavailable within 5 seconds for every call, not a hang', async () => {
    const etcd = await member();
    const store = storeOn(etcd.endpoint);
    await store.create(service('a'));
    await etcd.kill();
    const id = { kind: 'Service' as const, namespace: 'default', name: 'a' };
    const calls: [string, () => Promise<unknown>][] = [
      ['get', () => store.get(id)],
      ['list', () => store.list()],
      ['create', () => store.create(service('b'))],
      ['update', () => store.update(service('a', { port: 2 }))],
      ['setStatus', () => store.setStatus(id, { conditions: [] })],
      ['revision', () => store.revision()],
    ];
    for (const [name, call] of calls) {
      let code = '';
      const ms = await elapsed(async () => (code = (await storeError(call())).code));
      expect({ name, code }).toEqual({ name, code: 'Unavailable' });
      expect(ms).toBeLessThan(5000);
    }
    expect(await elapsed(() => store.close())).toBeLessThan(3000);
  });

  it('the store works again as soon as a killed etcd is back', async () => {
    const etcd = await member();
    const store = storeOn(etcd.endpoint);
    await store.create(service('a'));
    await etcd.kill();
    expect(
      (await storeError(store.get({ kind: 'Service', namespace: 'default', name: 'a' }))).code,
    ).toBe('Unavailable');
    await etcd.restart();
    const ms = await elapsed(() =>
      eventually(() => store.get({ kind: 'Service', namespace: 'default', name: 'a' })),
    );
    expect(ms).toBeLessThan(2000);
  });

  it('an endpoint where nothing listens yields Unavailable within 5 seconds', async () => {
    const store = storeOn(`http://127.0.0.1:${await freePort()}`);
    const ms = await elapsed(async () =>
      expect((await storeError(store.revision())).code).toBe('Unavailable'),
    );
    expect(ms).toBeLessThan(5000);
  });

  it('an endpoint that accepts connections but never answers yields Unavailable within the deadline', async () => {
    const sockets = new Set<Socket>();
    const server: Server = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanup.push(
      () =>
        new Promise<void>((resolve) => {
          for (const socket of sockets) socket.destroy();
          server.close(() => resolve());
        }),
    );
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    const store = storeOn(`http://127.0.0.1:${port}`);
    const ms = await elapsed(async () =>
      expect((await storeError(store.create(service('a')))).code).toBe('Unavailable'),
    );
    expect(ms).toBeLessThan(5000);
  });
});
