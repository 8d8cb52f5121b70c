// Leader election for the status writer on the memory store and on real etcd: a
// leader that stops renewing (a hung or dead replica) is replaced once its lease
// expires, and the replacement gives the record up at once when it closes.
import { EtcdStore, MemoryStore, type Store } from '@crossway/store';
import { etcdEndpointForTests, uniqueTestPrefix } from '@crossway/testing';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { LEADERS_AREA, startLeaderElection, type LeaderRecord } from '../src/status/index';

const logger = pino({ level: 'silent' });

async function until(check: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

const stores: Record<string, () => Promise<Store>> = {
  memory: async () => new MemoryStore(),
  etcd: async () =>
    new EtcdStore({ endpoints: await etcdEndpointForTests(), prefix: uniqueTestPrefix('leader') }),
};

for (const [storeName, open] of Object.entries(stores)) {
  describe(`status writer leader election (${storeName} store)`, () => {
    const cleanups: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });

    it('replaces a leader that stopped renewing once its lease expires', async () => {
      const store = await open();
      cleanups.push(() => store.close());
      const area = store.leasedRecords<LeaderRecord>(LEADERS_AREA);
      // A hung leader: holds the record, never keeps its lease alive.
      const hung = await area.session(2_000);
      cleanups.push(() => hung.close());
      expect(await hung.create('status-writer', { instance: 'hung', since: '' })).toBe(true);
      const heldFrom = Date.now();

      const changes: boolean[] = [];
      const election = startLeaderElection({
        store,
        name: 'status-writer',
        instance: 'standby',
        logger,
        ttlMs: 2_000,
        onChange: (leader) => changes.push(leader),
      });
      cleanups.push(() => election.close());
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(election.isLeader()).toBe(false);

      expect(await until(() => election.isLeader(), 8_000)).toBe(true);
      expect(Date.now() - heldFrom).toBeGreaterThanOrEqual(1_500);
      expect(await area.get('status-writer')).toMatchObject({ instance: 'standby' });
      // It stays leader while it renews (well past one TTL).
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      expect(election.isLeader()).toBe(true);

      await election.close();
      expect(election.isLeader()).toBe(false);
      expect(await area.get('status-writer')).toBeUndefined();
      expect(changes).toEqual([true, false]);
    }, 20_000);
  });
}
