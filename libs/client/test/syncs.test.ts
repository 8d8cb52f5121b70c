// The client's sync status methods against the real API server (in-process,
// MemoryStore, loopback HTTP), as `crossway sync` uses them.
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The client is tested against the real API app and its token records, not a copy.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { storeTokenRecords } from '@crossway/auth';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { MemoryStore } from '@crossway/store';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { build } from '../../../apps/api/src/server';
import { CrosswayApiError, CrosswayClient, type SyncStatus } from '../src/index';

const ADMIN = 'client-sync-test-admin-token-0123456789';
let app: Awaited<ReturnType<typeof build>>;
let client: CrosswayClient;

const status = (owner: string, extra: Partial<SyncStatus> = {}): SyncStatus => ({
  owner,
  repo: 'https://git.example.com/platform/policies.git',
  branch: 'main',
  path: '.',
  instance: 'runner-1:4242',
  phase: 'Synced',
  headCommit: '0123456789abcdef0123456789abcdef01234567',
  appliedCommit: '0123456789abcdef0123456789abcdef01234567',
  lastAttemptAt: '2026-11-28T00:10:00.000Z',
  lastSyncedAt: '2026-11-28T00:10:00.000Z',
  consecutiveFailures: 0,
  result: { created: 3, configured: 0, unchanged: 0, pruned: 0 },
  ...extra,
});

beforeAll(async () => {
  const store = new MemoryStore();
  app = await build({ store, tokens: storeTokenRecords(store), adminToken: ADMIN, logger: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  client = new CrosswayClient({ server: `http://127.0.0.1:${port}`, token: ADMIN });
});
afterAll(async () => app.close());

describe('CrosswayClient sync status', () => {
  it('puts, lists sorted by owner, gets and deletes', async () => {
    const drifted = status('git-b', {
      phase: 'Drifted',
      drift: {
        detectedAt: '2026-11-28T00:11:00.000Z',
        repaired: false,
        objects: [{ kind: 'Service', namespace: 'shop', name: 'web', change: 'modified' }],
      },
    });
    expect(await client.putSync(drifted)).toEqual(drifted);
    await client.putSync(status('git-a'));
    expect((await client.listSyncs()).map((s) => s.owner)).toEqual(['git-a', 'git-b']);
    expect(await client.getSync('git-b')).toEqual(drifted);
    expect(await client.deleteSync('git-b')).toEqual(drifted);
    const missing = await client.getSync('git-b').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(CrosswayApiError);
    expect((missing as CrosswayApiError).status).toBe(404);
  });

  it('an invalid status is a CrosswayApiError with the field path', async () => {
    const invalid = await client
      .putSync(status('git-a', { phase: 'Done' as SyncStatus['phase'] }))
      .catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(CrosswayApiError);
    expect((invalid as CrosswayApiError).status).toBe(422);
    expect((invalid as CrosswayApiError).errors.map((e) => e.path)).toEqual(['phase']);
  });

  it('apply with takeOwnership takes over objects another owner holds', async () => {
    const svc = {
      apiVersion: 'crossway.dev/v1alpha1',
      kind: 'Service',
      metadata: { name: 'owned', namespace: 'sync' },
      spec: { ports: [{ name: 'http', port: 80, protocol: 'http' }] },
    };
    await client.apply([svc], { owner: 'team-a' });
    const refused = await client.apply([svc], { owner: 'team-b' }).catch((e: unknown) => e);
    expect((refused as CrosswayApiError).status).toBe(409);
    expect((refused as CrosswayApiError).errors[0]?.message).toContain('"team-a"');
    const taken = await client.apply([svc], { owner: 'team-b', takeOwnership: true });
    expect(taken.results[0]?.action).toBe('configured');
    expect(
      (await client.get('svc', 'owned', 'sync')).metadata.annotations?.['crossway.dev/owner'],
    ).toBe('team-b');
  });
});
