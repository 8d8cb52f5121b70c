import type { CrosswayObject } from '@crossway/model';
import { describe, expect, it } from 'vitest';
import { startInformer, type Store, type WatchEvent } from '../../src/index';
import {
  interceptList,
  recordWatch,
  rv,
  service,
  summary,
  waitFor,
  workload,
  type ContractContext,
} from './fixtures';

const sid = (name: string) => ({ kind: 'Service' as const, namespace: 'default', name });

/** A consumer's cache, fed by an informer. */
function cacheOf(): {
  map: Map<string, CrosswayObject>;
  syncs: number;
  onSync: (items: CrosswayObject[]) => void;
  onEvents: (events: WatchEvent[]) => void;
} {
  const cache = {
    map: new Map<string, CrosswayObject>(),
    syncs: 0,
    onSync: (items: CrosswayObject[]) => {
      cache.syncs++;
      cache.map = new Map(items.map((o) => [key(o), o]));
    },
    onEvents: (events: WatchEvent[]) => {
      for (const e of events) {
        if (e.type === 'DELETED') cache.map.delete(key(e.object));
        else cache.map.set(key(e.object), e.object);
      }
    },
  };
  return cache;
}

const key = (o: CrosswayObject) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
const view = (objects: Iterable<CrosswayObject>) =>
  [...objects]
    .map((o) => `${key(o)}@${o.metadata.resourceVersion}:${JSON.stringify(o.spec)}`)
    .sort();

async function converged(store: Store, map: Map<string, CrosswayObject>): Promise<boolean> {
  return JSON.stringify(view(map.values())) === JSON.stringify(view((await store.list()).items));
}

export function describeWatch(ctx: ContractContext): void {
  describe('watch', () => {
    it('delivers ADDED, MODIFIED and DELETED in order, with revisions', async () => {
      const store = await ctx.open();
      const watch = recordWatch(store, await store.revision());
      const created = await store.create(service('api'));
      const updated = await store.update(service('api', { port: 81 }));
      const deleted = await store.delete(sid('api'));
      await watch.waitForEvents(3);
      await watch.close();
      expect(watch.events.map(summary)).toEqual([
        'ADDED Service default/api',
        'MODIFIED Service default/api',
        'DELETED Service default/api',
      ]);
      const [added, modified, removed] = watch.events;
      expect(added?.object).toEqual(created);
      expect(modified?.object).toEqual(updated);
      expect(added?.revision).toBe(Number(rv(created)));
      expect(modified?.revision).toBe(Number(rv(updated)));
      // A DELETED event carries the last object, at the revision of the delete.
      expect(removed?.object.spec).toEqual(deleted.spec);
      expect(removed?.object.metadata.resourceVersion).toBe(String(removed?.revision));
      expect(removed!.revision).toBeGreaterThan(modified!.revision);
      expect(watch.errors).toEqual([]);
    });

    it('a transaction arrives as events of one revision, in one batch', async () => {
      const store = await ctx.open();
      const watch = recordWatch(store, await store.revision());
      const { revision } = await store.transaction([
        { op: 'create', object: service('a') },
        { op: 'create', object: workload('w', 1) },
      ]);
      await watch.waitForEvents(2);
      await watch.close();
      expect(watch.batches).toHaveLength(1);
      expect(watch.events.map((e) => e.revision)).toEqual([revision, revision]);
    });

    it('a watch from an old revision replays history, then follows new writes', async () => {
      const store = await ctx.open();
      const start = await store.revision();
      await store.create(service('a'));
      await store.update(service('a', { port: 2 }));
      await store.create(service('b'));
      const watch = recordWatch(store, start);
      await watch.waitForEvents(3);
      await store.delete(sid('a'));
      await watch.waitForEvents(4);
      await watch.close();
      expect(watch.events.map(summary)).toEqual([
        'ADDED Service default/a',
        'MODIFIED Service default/a',
        'ADDED Service default/b',
        'DELETED Service default/a',
      ]);
      const revisions = watch.events.map((e) => e.revision);
      expect(revisions).toEqual([...revisions].sort((x, y) => x - y));
      expect(revisions[0]).toBeGreaterThan(start);
    });

    it('status writes are not watch events', async () => {
      const store = await ctx.open();
      await store.create(service('a'));
      const watch = recordWatch(store, await store.revision());
      await store.setStatus(sid('a'), { conditions: [] });
      await store.update(service('a', { port: 5 }));
      await watch.waitForEvents(1);
      await new Promise((resolve) => setTimeout(resolve, 50));
      await watch.close();
      expect(watch.events.map(summary)).toEqual(['MODIFIED Service default/a']);
    });

    it('a closed watch delivers nothing more', async () => {
      const store = await ctx.open();
      const watch = recordWatch(store, await store.revision());
      await store.create(service('a'));
      await watch.waitForEvents(1);
      await watch.close();
      await store.create(service('b'));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(watch.events).toHaveLength(1);
    });

    it('a watch from a compacted revision fails with Compacted', async () => {
      const store = await ctx.open({ exclusive: true });
      const start = await store.revision();
      await store.create(service('a'));
      await store.create(service('b'));
      await store.compact(await store.revision());
      const watch = recordWatch(store, start);
      const error = await watch.waitForError();
      await watch.close();
      expect(error.code).toBe('Compacted');
      expect(watch.events).toEqual([]);
      // Watching from the compaction revision itself still works.
      const fromCompaction = recordWatch(store, (await store.revision()) - 1);
      await fromCompaction.waitForEvents(1);
      await fromCompaction.close();
      expect(fromCompaction.events.map(summary)).toEqual(['ADDED Service default/b']);
    });
  });

  describe('informer', () => {
    it('syncs the current state, then follows changes', async () => {
      const store = await ctx.open();
      await store.create(service('a'));
      const cache = cacheOf();
      const informer = startInformer(store, cache, { pageSize: 1 });
      await informer.synced;
      expect([...cache.map.keys()]).toEqual(['Service/default/a']);
      await store.create(service('b'));
      await store.delete(sid('a'));
      await waitFor(
        'the cache to follow',
        () => cache.map.size === 1 && cache.map.has('Service/default/b'),
      );
      await informer.close();
      expect(await converged(store, cache.map)).toBe(true);
    });

    for (const waitForApplyMarkers of [false, true]) {
      it(`re-lists after a compaction it fell behind on and converges to a fresh list (waitForApplyMarkers ${waitForApplyMarkers})`, async () => {
        const inner = await ctx.open({ exclusive: true });
        await inner.transaction(['a', 'b', 'c'].map((n) => ({ op: 'create', object: service(n) })));
        // Between the informer's first list and its watch, the store moves on and compacts.
        let lists = 0;
        const store = interceptList(inner, async (options) => {
          const result = await inner.list(options);
          if (lists++ === 0) {
            await inner.delete(sid('a'));
            await inner.update(service('b', { port: 2 }));
            await inner.create(service('d'));
            await inner.compact(await inner.revision());
          }
          return result;
        });
        const cache = cacheOf();
        const errors: string[] = [];
        const informer = startInformer(
          store,
          { ...cache, onError: (e) => errors.push(e.code) },
          { waitForApplyMarkers },
        );
        await informer.synced;
        // Reading the markers at the listed revision finds the compaction before the first
        // sync; without markers, the watch finds it after the first sync.
        await waitFor('a re-list', () => cache.syncs === (waitForApplyMarkers ? 1 : 2));
        expect(errors).toContain('Compacted');
        expect(await converged(inner, cache.map)).toBe(true);
        await inner.create(service('e'));
        await waitFor('the new object', () => cache.map.has('Service/default/e'));
        await informer.close();
        expect(cache.syncs).toBe(waitForApplyMarkers ? 1 : 2);
        expect(await converged(inner, cache.map)).toBe(true);
      });
    }
  });
}
