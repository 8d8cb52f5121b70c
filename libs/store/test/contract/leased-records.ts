// Contract: leased record areas. A session's records are listed beside the others and
// vanish when its lease expires (no keep-alive) or the session is closed.
import { describe, expect, it } from 'vitest';
import type { ContractContext } from './fixtures';

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return check();
}

export function describeLeasedRecords(ctx: ContractContext): void {
  describe('leased record areas', () => {
    it('records of two sessions are listed, read and deleted', async () => {
      const store = await ctx.open();
      const proxies = store.leasedRecords<{ instance: string }>('proxies');
      const one = await proxies.session(5_000);
      const two = await proxies.session(5_000);
      await one.put('b', { instance: 'one' });
      await two.put('a', { instance: 'two' });
      await one.put('b', { instance: 'one-again' });
      expect(await proxies.list()).toEqual([
        { id: 'a', value: { instance: 'two' } },
        { id: 'b', value: { instance: 'one-again' } },
      ]);
      expect(await proxies.get('a')).toEqual({ instance: 'two' });
      expect(await two.delete('a')).toBe(true);
      expect(await two.delete('a')).toBe(false);
      expect(await proxies.get('a')).toBeUndefined();
      await one.close();
      await two.close();
    });

    it('create writes a record only when no session holds it', async () => {
      const store = await ctx.open();
      const leaders = store.leasedRecords<{ instance: string }>('leaders');
      const one = await leaders.session(5_000);
      const two = await leaders.session(5_000);
      expect(await one.create('writer', { instance: 'one' })).toBe(true);
      expect(await two.create('writer', { instance: 'two' })).toBe(false);
      expect(await one.create('writer', { instance: 'one-again' })).toBe(false);
      expect(await leaders.get('writer')).toEqual({ instance: 'one' });
      // The holder's session ends: the record goes with it and the other may take it.
      await one.close();
      expect(await leaders.get('writer')).toBeUndefined();
      expect(await two.create('writer', { instance: 'two' })).toBe(true);
      expect(await leaders.get('writer')).toEqual({ instance: 'two' });
      await expect(one.create('other', { instance: 'one' })).rejects.toThrow();
      await two.close();
      expect(await leaders.list()).toEqual([]);
    });

    it('closing a session removes its records and only its records', async () => {
      const store = await ctx.open();
      const proxies = store.leasedRecords<number>('proxies');
      const one = await proxies.session(5_000);
      const two = await proxies.session(5_000);
      await one.put('x', 1);
      await one.put('y', 2);
      await two.put('z', 3);
      await one.close();
      expect(await proxies.list()).toEqual([{ id: 'z', value: 3 }]);
      expect(await one.keepAlive()).toBe(false);
      await expect(one.put('x', 1)).rejects.toThrow();
      await two.close();
      expect(await proxies.list()).toEqual([]);
    });

    it('records vanish when the lease expires without keep-alive, and stay with it', async () => {
      const store = await ctx.open();
      const proxies = store.leasedRecords<string>('proxies');
      const lapsing = await proxies.session(1_000);
      const kept = await proxies.session(1_000);
      await lapsing.put('lapsing', 'v');
      await kept.put('kept', 'v');
      const timer = setInterval(() => void kept.keepAlive(), Math.max(200, kept.ttlMs / 4));
      try {
        const gone = await waitUntil(
          async () => (await proxies.get('lapsing')) === undefined,
          lapsing.ttlMs + 4_000,
        );
        expect(gone).toBe(true);
        expect(await lapsing.keepAlive()).toBe(false);
        await expect(lapsing.put('lapsing', 'again')).rejects.toThrow();
        expect(await proxies.get('lapsing')).toBeUndefined();
        expect(await proxies.list()).toEqual([{ id: 'kept', value: 'v' }]);
        expect(await kept.keepAlive()).toBe(true);
      } finally {
        clearInterval(timer);
        await kept.close();
      }
    }, 15_000);
  });
}
