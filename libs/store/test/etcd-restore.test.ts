// etcd restored from an older backup: the store's revision goes back, and revisions a
// reader has already seen are handed out again for other content. A watch must end
// (Compacted, naming the regression) instead of waiting silently for a revision that
// the restored store will reach with different history, and an informer must re-list
// and tell its consumer not to trust equal resourceVersions.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startEtcd, type EtcdProcess } from '@crossway/testing';
import type { CrosswayObject } from '@crossway/model';
import { EtcdStore, isStoreError, startInformer, type SyncContext } from '../src/index';
import { recordWatch, service, waitFor } from './contract/fixtures';

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

function portOf(object: CrosswayObject | undefined): unknown {
  const spec = object?.spec as { ports?: { port: number }[] } | undefined;
  return spec?.ports?.[0]?.port;
}

describe('EtcdStore on an etcd restored from an older backup', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  async function member(): Promise<{ etcd: EtcdProcess; store: EtcdStore; backup: string }> {
    const etcd = await startEtcd();
    cleanup.push(() => etcd.stop());
    const store = new EtcdStore({ endpoints: etcd.endpoint });
    cleanup.push(() => store.close());
    const dir = mkdtempSync(join(tmpdir(), 'crossway-etcd-backup-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    return { etcd, store, backup: join(dir, 'data') };
  }

  it('a watch ends with Compacted naming how far the revision went back', async () => {
    const { etcd, store, backup } = await member();
    await store.create(service('a'));
    await etcd.copyDataDir(backup);
    const backupRevision = await eventually(() => store.revision());
    const watch = recordWatch(store, backupRevision);
    for (const name of ['b', 'c', 'd']) await eventually(() => store.create(service(name)));
    await watch.waitForEvents(3);
    await etcd.restoreDataDir(backup);
    const error = await watch.waitForError(15_000);
    expect(error.code).toBe('Compacted');
    expect(error.message).toMatch(/store revision went back from \d+ to \d+/);
    expect(error.regression).toEqual({ from: backupRevision + 3, to: backupRevision });
  });

  it('an informer re-lists and flags the sync, even where the restored store reuses revisions', async () => {
    const { etcd, store, backup } = await member();
    await store.create(service('a', { port: 1 }));
    await etcd.copyDataDir(backup);
    let cache = new Map<string, CrosswayObject>();
    const syncs: SyncContext[] = [];
    const informer = startInformer(store, {
      onSync: (items, _revision, context) => {
        syncs.push(context);
        cache = new Map(items.map((o) => [o.metadata.name, o]));
      },
      onEvents: (events) => {
        for (const e of events) {
          if (e.type === 'DELETED') cache.delete(e.object.metadata.name);
          else cache.set(e.object.metadata.name, e.object);
        }
      },
    });
    cleanup.push(() => informer.close());
    await informer.synced;
    const a = await eventually(() =>
      store.get({ kind: 'Service', namespace: 'default', name: 'a' }),
    );
    const updated = await store.update(service('a', { port: 2 }), {
      expectedResourceVersion: a?.metadata.resourceVersion ?? '',
    });
    await store.create(service('b'));
    await waitFor('the informer to see the writes after the backup', () => cache.has('b'));
    await etcd.restoreDataDir(backup);
    // The first write after the restore gets the revision the port-2 update had.
    const again = await eventually(() =>
      store.update(service('a', { port: 3 }), {
        expectedResourceVersion: a?.metadata.resourceVersion ?? '',
      }),
    );
    expect(again.metadata.resourceVersion).toBe(updated.metadata.resourceVersion);
    await waitFor(
      'the informer to hold the restored state plus the new write',
      () => !cache.has('b') && portOf(cache.get('a')) === 3,
      15_000,
    );
    expect(syncs.map((s) => s.revisionWentBack)).toContain(true);
    expect(syncs[0]).toEqual({ revisionWentBack: false });
    expect(informer.revision()).toBeGreaterThanOrEqual(Number(again.metadata.resourceVersion));
  });
});
