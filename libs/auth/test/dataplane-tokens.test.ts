// Signed data-plane tokens on a real store: issued by one replica, verified by
// another (each with its own key cache), refused when tampered with, expired or revoked.
import { MemoryStore } from '@crossway/store';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createDataPlaneTokenVerifier,
  issueDataPlaneToken,
  storeSigningKeys,
  storeTokenRecords,
  verifyToken,
} from '../src/index';

const stores: MemoryStore[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

describe('data-plane tokens', () => {
  it('two replicas racing to create the first key agree on one', async () => {
    const store = new MemoryStore();
    stores.push(store);
    const [a, b] = await Promise.all([
      storeSigningKeys(store).current(),
      storeSigningKeys(store).current(),
    ]);
    const again = await storeSigningKeys(store).current();
    expect(again.id).toBe([a.id, b.id].sort()[0]);
  });

  it('verifies on another replica and refuses tampered, expired and revoked tokens', async () => {
    const store = new MemoryStore();
    stores.push(store);
    let clock = Date.parse('2026-11-27T12:00:00Z');
    const now = () => new Date(clock);
    const records = storeTokenRecords(store);
    const { token, record } = await issueDataPlaneToken(
      { role: 'edge', gateway: 'edge/public', ttlMs: 60_000, createdBy: 'test' },
      { records, keys: storeSigningKeys(store, now), now },
    );
    const verifier = createDataPlaneTokenVerifier({
      records,
      keys: storeSigningKeys(store),
      now,
      revocationCacheMs: 0,
    });
    expect(await verifier.verify(token)).toEqual({
      ok: true,
      claims: { jti: record.id, role: 'edge', gateway: 'edge/public', exp: clock + 60_000 },
    });
    expect(JSON.stringify(await records.list())).not.toContain(token.split('.')[1]);
    expect((await verifier.verify(`${token.slice(0, -2)}AA`)).ok).toBe(false);
    expect((await verifier.verify(token.replace('cwdp_', 'cwdp_x'))).ok).toBe(false);
    // Not an API token.
    expect((await verifyToken(token, { records, now })).ok).toBe(false);
    clock += 60_000;
    expect(await verifier.verify(token)).toEqual({ ok: false, reason: 'token expired' });
    clock -= 60_000;
    await records.delete(record.id);
    expect(await verifier.verify(token)).toEqual({
      ok: false,
      reason: 'unknown or revoked token',
    });
  });

  it('a connect burst reads the token records once, and still accepts a token newer than that read', async () => {
    const store = new MemoryStore();
    stores.push(store);
    const stored = storeTokenRecords(store);
    const calls = { get: 0, list: 0 };
    // The real records, counted: what the verifier asks of the store.
    const records = {
      ...stored,
      get: (id: string) => {
        calls.get++;
        return stored.get(id);
      },
      list: () => {
        calls.list++;
        return stored.list();
      },
    };
    const keys = storeSigningKeys(store);
    const issue = async (service: string) =>
      (
        await issueDataPlaneToken(
          { role: 'sidecar', service, ttlMs: 60_000, createdBy: 'test' },
          { records: stored, keys, now: () => new Date() },
        )
      ).token;
    const tokens = await Promise.all(Array.from({ length: 200 }, (_, i) => issue(`ns/s${i}`)));
    const revoked = await issue('ns/gone');
    const revokedId = (await stored.list()).find((r) => r.service === 'ns/gone')?.id ?? '';
    await stored.delete(revokedId);

    const verifier = createDataPlaneTokenVerifier({ records, keys });
    const results = await Promise.all([...tokens, revoked].map((t) => verifier.verify(t)));
    expect(results.slice(0, 200).every((r) => r.ok)).toBe(true);
    expect(results[200]).toEqual({ ok: false, reason: 'unknown or revoked token' });
    expect(calls.list).toBe(1);
    // The first reads before the burst was recognised, and the revoked one (absent from the list).
    expect(calls.get).toBeLessThanOrEqual(20);

    // A token issued after the list is read on its own, even inside a burst.
    const fresh = await issue('ns/new');
    const burst = await Promise.all([
      verifier.verify(fresh),
      ...Array.from({ length: 30 }, (_, i) => verifier.verify(tokens[i] ?? '')),
    ]);
    expect(burst.every((r) => r.ok)).toBe(true);
  });
});
