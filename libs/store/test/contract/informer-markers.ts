import type { CrosswayObject } from '@crossway/model';
import { describe, expect, it } from 'vitest';
import { startInformer, type Store, type TxOp, type WatchEvent } from '../../src/index';
import { recordWatch, service, storeError, waitFor, type ContractContext } from './fixtures';

const creates = (count: number): TxOp[] =>
  Array.from({ length: count }, (_, i) => ({ op: 'create', object: service(`s${i}`) }));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** An informer whose consumer records every sync and every batch. */
function watched(store: Store): {
  syncs: CrosswayObject[][];
  batches: WatchEvent[][];
  names: Set<string>;
  informer: ReturnType<typeof startInformer>;
} {
  const state = {
    syncs: [] as CrosswayObject[][],
    batches: [] as WatchEvent[][],
    names: new Set<string>(),
  };
  const informer = startInformer(store, {
    onSync: (items) => {
      state.syncs.push(items);
      state.names = new Set(items.map((o) => o.metadata.name));
    },
    onEvents: (events) => {
      state.batches.push(events);
      for (const e of events) {
        if (e.type === 'DELETED') state.names.delete(e.object.metadata.name);
        else state.names.add(e.object.metadata.name);
      }
    },
  });
  return Object.assign(state, { informer });
}

/** A gate a writer's onProgress waits at until the test opens it. */
function gate(): { wait(): Promise<void>; reached: boolean; open(): void } {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => (open = resolve));
  const state = {
    reached: false,
    open: () => open(),
    wait: async () => {
      state.reached = true;
      await opened;
    },
  };
  return state;
}

export function describeInformerMarkers(ctx: ContractContext): void {
  describe('informer and apply markers', () => {
    it('an informer hands over none of a chunked write while its marker is open, then all of it in one batch', async () => {
      const store = await ctx.open();
      const consumer = watched(store);
      await consumer.informer.synced;
      const plain = recordWatch(store, await store.revision());
      const heldBack: number[] = [];
      const result = await store.writeAll(creates(300), {
        onProgress: async ({ written, total }) => {
          if (written === total) return;
          // A plain watch sees the chunk; the informer's consumer must not.
          await plain.waitForEvents(written);
          await sleep(50);
          heldBack.push(consumer.batches.length);
        },
      });
      expect(heldBack).toEqual([0, 0]);
      await waitFor('the batch', () => consumer.batches.length > 0);
      await sleep(50);
      await plain.close();
      await consumer.informer.close();
      expect(consumer.batches).toHaveLength(1);
      const [batch = []] = consumer.batches;
      expect(batch).toHaveLength(300);
      const revisions = batch.map((e) => e.revision);
      expect(revisions).toEqual([...revisions].sort((a, b) => a - b));
      expect(consumer.informer.revision()).toBeGreaterThan(result.revision);
    });

    it('an informer that lists while a marker is open syncs only once the marker has closed', async () => {
      const store = await ctx.open();
      const paused = gate();
      const writing = store.writeAll(creates(300), {
        onProgress: async ({ written }) => {
          if (written === 127) await paused.wait();
        },
      });
      await waitFor('the first chunk', () => paused.reached);
      const consumer = watched(store);
      await sleep(100);
      expect(consumer.syncs).toEqual([]);
      paused.open();
      await writing;
      await consumer.informer.synced;
      await consumer.informer.close();
      expect(consumer.syncs.map((items) => items.length)).toEqual([300]);
      expect(consumer.batches).toEqual([]);
    });

    it('a marker whose writer stalled past its TTL expires and releases the informer, and the writer then rolls back', async () => {
      const store = await ctx.open();
      const consumer = watched(store);
      await consumer.informer.synced;
      const stalled = gate();
      const writing = storeError(
        store.writeAll(creates(300), { markerTtlMs: 1000, onProgress: () => stalled.wait() }),
      );
      await waitFor('the first chunk', () => stalled.reached);
      expect(await store.openApplyMarkers()).toHaveLength(1);
      expect(consumer.batches).toEqual([]);
      await waitFor('the marker to expire', () => consumer.names.size === 127, 10_000);
      expect(await store.openApplyMarkers()).toEqual([]);
      stalled.open();
      const error = await writing;
      expect(error.code).toBe('Unavailable');
      expect(error.message).toContain('apply marker expired');
      await waitFor('the rollback', () => consumer.names.size === 0);
      await consumer.informer.close();
      expect((await store.list({ kind: 'Service' })).items).toEqual([]);
    }, 15_000);
  });
}
