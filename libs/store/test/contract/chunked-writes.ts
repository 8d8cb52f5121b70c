import type { CrosswayObject } from '@crossway/model';
import { describe, expect, it } from 'vitest';
import type {
  ApplyMarker,
  ApplyMarkerChange,
  Store,
  StoreError,
  TxOp,
  WatchEvent,
  WriteProgress,
} from '../../src/index';
import { rv, service, storeError, waitFor, type ContractContext } from './fixtures';

const sid = (name: string) => ({ kind: 'Service' as const, namespace: 'default', name });
const names = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(3, '0')}`);
const creates = (prefix: string, count: number): TxOp[] =>
  names(prefix, count).map((name) => ({ op: 'create', object: service(name) }));

/** Object events and marker changes of one watch, in the order they arrived. */
export function recordMarkers(
  store: Store,
  afterRevision: number,
): { events: WatchEvent[]; markers: ApplyMarkerChange[]; close(): Promise<void> } {
  const events: WatchEvent[] = [];
  const markers: ApplyMarkerChange[] = [];
  const errors: StoreError[] = [];
  const watch = store.watch(
    afterRevision,
    (batch) => events.push(...batch),
    (error) => errors.push(error),
    { onApplyMarker: (change) => markers.push(change) },
  );
  return {
    events,
    markers,
    close: async () => {
      await watch.close();
      expect(errors).toEqual([]);
    },
  };
}

/** The store's objects without resourceVersion, which a rollback cannot keep. */
async function snapshot(store: Store): Promise<Record<string, CrosswayObject>> {
  const result: Record<string, CrosswayObject> = {};
  for (const object of (await store.list()).items) {
    const metadata = { ...object.metadata };
    delete metadata.resourceVersion;
    result[`${object.kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`] = {
      ...object,
      metadata,
    };
  }
  return result;
}

export function describeChunkedWrites(ctx: ContractContext): void {
  describe('writes of any size', () => {
    it('a set of 300 creates is written in chunks under one apply marker, and every object exists afterwards', async () => {
      const store = await ctx.open();
      const log = recordMarkers(store, await store.revision());
      const progress: WriteProgress[] = [];
      let during: ApplyMarker[] = [];
      const result = await store.writeAll(creates('s', 300), {
        owner: 'apply-test',
        onProgress: async (p) => {
          progress.push(p);
          if (progress.length === 1) during = await store.openApplyMarkers();
        },
      });
      expect((await store.list({ kind: 'Service' })).items.map((o) => o.metadata.name)).toEqual(
        names('s', 300),
      );
      expect(progress).toEqual([
        { written: 127, total: 300 },
        { written: 254, total: 300 },
        { written: 300, total: 300 },
      ]);
      expect(during).toEqual([
        {
          id: expect.any(String),
          startedAt: expect.any(String),
          operations: 300,
          owner: 'apply-test',
        },
      ]);
      await waitFor('the marker to close', () => log.markers.length === 2);
      await log.close();
      const [opened, closed] = log.markers;
      expect(opened).toMatchObject({ type: 'OPENED', marker: during[0] });
      expect(closed).toMatchObject({ type: 'CLOSED', id: during[0]?.id });
      // Three chunks, each at its own revision, all inside the marker.
      const revisions = [...new Set(log.events.map((e) => e.revision))];
      expect(revisions).toHaveLength(3);
      expect(revisions.every((r) => r > opened!.revision && r < closed!.revision)).toBe(true);
      expect(result.revision).toBe(revisions[2]);
      expect(result.objects.map((o) => Number(rv(o)))).toEqual(log.events.map((e) => e.revision));
      expect(await store.openApplyMarkers()).toEqual([]);
    });

    it('a set that fits one transaction is written at one revision, without a marker', async () => {
      const store = await ctx.open({ exclusive: true });
      await store.create(service('old'));
      await store.create(service('gone'));
      const before = await store.revision();
      const log = recordMarkers(store, before);
      const result = await store.writeAll([
        ...creates('n', 100),
        { op: 'update', object: service('old', { port: 81 }) },
        { op: 'delete', id: sid('gone') },
      ]);
      expect(result.revision).toBe(before + 1);
      expect(await store.revision()).toBe(before + 1);
      await waitFor('the events', () => log.events.length === 102);
      await log.close();
      expect(log.markers).toEqual([]);
      expect(new Set(log.events.map((e) => e.revision))).toEqual(new Set([before + 1]));
    });

    it('few operations that overflow one transaction (70 deletes are 140 writes) are chunked too', async () => {
      const store = await ctx.open();
      await store.writeAll(creates('d', 70));
      const log = recordMarkers(store, await store.revision());
      await store.writeAll(names('d', 70).map((name) => ({ op: 'delete', id: sid(name) })));
      expect((await store.list({ kind: 'Service' })).items).toEqual([]);
      await waitFor('the marker to close', () => log.markers.length === 2);
      await log.close();
      expect(log.markers.map((m) => m.type)).toEqual(['OPENED', 'CLOSED']);
    });

    it('a set over 1.5 MiB is chunked by size, and one object too large for any transaction fails with TooLarge', async () => {
      const store = await ctx.open();
      const big = (name: string, bytes: number) =>
        service(name, { extra: { blob: 'x'.repeat(bytes) } });
      const log = recordMarkers(store, await store.revision());
      const progress: WriteProgress[] = [];
      await store.writeAll(
        ['a', 'b', 'c'].map((name): TxOp => ({ op: 'create', object: big(name, 700_000) })),
        { onProgress: (p) => void progress.push(p) },
      );
      expect(progress).toEqual([
        { written: 2, total: 3 },
        { written: 3, total: 3 },
      ]);
      expect((await store.list({ kind: 'Service' })).items).toHaveLength(3);
      await waitFor('the marker to close', () => log.markers.length === 2);
      await log.close();
      const error = await storeError(
        store.writeAll([
          { op: 'create', object: service('small') },
          { op: 'create', object: big('huge', 1_600_000) },
        ]),
      );
      expect(error.code).toBe('TooLarge');
      expect(error.message).toContain('operation 1 (create Service default/huge)');
      expect(await store.get(sid('small'))).toBeUndefined();
    });

    it('a large set that fails planning writes nothing and opens no marker', async () => {
      const store = await ctx.open({ exclusive: true });
      const before = await store.revision();
      const ops = creates('s', 200);
      ops[150] = { op: 'update', object: service('missing') };
      const error = await storeError(store.writeAll(ops));
      expect(error.code).toBe('NotFound');
      expect(error.message).toContain('operation 150 (update Service default/missing)');
      expect(await store.revision()).toBe(before);
    });

    it('a large set whose last chunk meets a stale resourceVersion leaves every object as it was, statuses included', async () => {
      const store = await ctx.open();
      await store.writeAll([...creates('u', 100), ...creates('d', 40), ...creates('target', 1)]);
      for (const name of names('d', 40)) await store.setStatus(sid(name), { phase: name });
      const target = await store.get(sid('target000'));
      const before = await snapshot(store);
      const log = recordMarkers(store, await store.revision());
      const ops: TxOp[] = [
        ...names('u', 100).map((name): TxOp => ({
          op: 'update',
          object: service(name, { port: 81 }),
        })),
        ...names('d', 40).map((name): TxOp => ({ op: 'delete', id: sid(name) })),
        ...creates('n', 100),
        {
          op: 'update',
          object: service('target000', { port: 9 }),
          expectedResourceVersion: rv(target),
        },
      ];
      const progress: WriteProgress[] = [];
      let rival: CrosswayObject | undefined;
      const error = await storeError(
        store.writeAll(ops, {
          onProgress: async (p) => {
            progress.push(p);
            // Another writer changes the target after planning, before the last chunk.
            if (progress.length === 2)
              rival = await store.update(service('target000', { labels: { rival: 'yes' } }));
          },
        }),
      );
      expect(error.code).toBe('Conflict');
      expect(error.details.operation).toBe(240);
      expect(error.message).toContain('operation 240 (update Service default/target000)');
      expect(progress).toHaveLength(2);
      const after = await snapshot(store);
      const expected = {
        ...before,
        'Service/default/target000': after['Service/default/target000'],
      };
      expect(after).toEqual(expected);
      expect(after['Service/default/target000']?.metadata.labels).toEqual(rival?.metadata.labels);
      expect(await store.openApplyMarkers()).toEqual([]);
      await waitFor('the marker to close', () => log.markers.length === 2);
      await log.close();
      expect(log.markers.map((m) => m.type)).toEqual(['OPENED', 'CLOSED']);
    });

    it('a large set whose last create loses to a concurrent create fails with AlreadyExists and keeps only the rival object', async () => {
      const store = await ctx.open();
      const error = await storeError(
        store.writeAll(creates('s', 200), {
          onProgress: async () => {
            await store.create(service('s199', { port: 7 }));
          },
        }),
      );
      expect(error.code).toBe('AlreadyExists');
      expect(error.message).toContain('operation 199 (create Service default/s199)');
      const left = (await store.list({ kind: 'Service' })).items;
      expect(left.map((o) => [o.metadata.name, o.spec])).toEqual([
        ['s199', service('s199', { port: 7 }).spec],
      ]);
      expect(await store.openApplyMarkers()).toEqual([]);
    });
  });
}
