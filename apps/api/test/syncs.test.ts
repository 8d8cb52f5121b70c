// Sync status records (GET|PUT|DELETE /api/v1/syncs[/{owner}]) on the memory store
// and on real etcd: roundtrips, validation with field paths, who may read and write,
// sharing between replicas and the audit log. The client's methods: libs/client/test.
import { afterEach, describe, expect, it } from 'vitest';
import { EtcdStore, MemoryStore, type Store } from '@crossway/store';
import { etcdEndpointForTests, uniqueTestPrefix } from '@crossway/testing';
import { build } from '../src/server';
import type { SyncStatus } from '../src/sync-status';
import { storeTokenRecords } from '../src/token-records';
import { ADMIN, startHarness, type Harness, capturedLogger } from './harness';

const full = (owner: string): SyncStatus => ({
  owner,
  repo: 'https://git.example.com/platform/policies.git',
  branch: 'main',
  path: 'clusters/prod',
  instance: 'runner-1:4242',
  phase: 'Drifted',
  headCommit: '0123456789abcdef0123456789abcdef01234567',
  appliedCommit: '89abcdef0123456789abcdef0123456789abcdef',
  lastAttemptAt: '2026-11-28T00:10:00.000Z',
  lastSyncedAt: '2026-11-28T00:09:30.000Z',
  nextAttemptAt: '2026-11-28T00:10:30.000Z',
  consecutiveFailures: 2,
  result: { created: 1, configured: 2, unchanged: 30, pruned: 1 },
  error: {
    reason: 'InvalidObject',
    message: 'policies/web.yaml: spec.ports[0].port: must be an integer from 1 to 65535',
    commit: '0123456789abcdef0123456789abcdef01234567',
    at: '2026-11-28T00:10:00.000Z',
  },
  drift: {
    detectedAt: '2026-11-28T00:10:00.000Z',
    repaired: false,
    objects: [
      { kind: 'Service', namespace: 'shop', name: 'web', change: 'modified' },
      { kind: 'Mesh', name: 'default', change: 'modified' },
    ],
  },
});

const minimal = (owner: string): SyncStatus => ({
  owner,
  repo: '/srv/policies',
  branch: 'main',
  path: '.',
  phase: 'Synced',
  lastAttemptAt: '2026-11-28T00:00:00Z',
  consecutiveFailures: 0,
});

const backends: Record<string, () => Promise<Store>> = {
  memory: async () => new MemoryStore(),
  etcd: async () =>
    new EtcdStore({ endpoints: await etcdEndpointForTests(), prefix: uniqueTestPrefix('syncs') }),
};

for (const [name, open] of Object.entries(backends)) {
  describe(`sync status API (${name} store)`, () => {
    let h: Harness | undefined;
    afterEach(async () => {
      await h?.close();
      h = undefined;
    });
    const start = async (): Promise<Harness> => {
      h = await startHarness({ store: await open() });
      return h;
    };
    const put = (owner: string, payload: unknown, token?: string) =>
      h!.request({
        method: 'PUT',
        url: `/api/v1/syncs/${owner}`,
        payload: payload as Record<string, unknown>,
        ...(token === undefined ? {} : { token }),
      });

    it('put, get, list sorted by owner, replace and delete round-trip', async () => {
      await start();
      const created = await put('git-prod', full('git-prod'));
      expect(created.statusCode).toBe(200);
      expect(created.json()).toEqual(full('git-prod'));
      expect((await put('alpha', minimal('alpha'))).statusCode).toBe(200);

      const got = await h!.request({ method: 'GET', url: '/api/v1/syncs/git-prod' });
      expect(got.statusCode).toBe(200);
      expect(got.json()).toEqual(full('git-prod'));
      const list = await h!.request({ method: 'GET', url: '/api/v1/syncs' });
      expect(list.json()).toEqual({ items: [minimal('alpha'), full('git-prod')] });

      const replaced = { ...minimal('git-prod'), phase: 'Failed', consecutiveFailures: 3 };
      expect((await put('git-prod', replaced)).json()).toEqual(replaced);
      expect((await h!.request({ method: 'GET', url: '/api/v1/syncs/git-prod' })).json()).toEqual(
        replaced,
      );

      const deleted = await h!.request({ method: 'DELETE', url: '/api/v1/syncs/git-prod' });
      expect(deleted.statusCode).toBe(200);
      expect(deleted.json()).toEqual(replaced);
      expect((await h!.request({ method: 'GET', url: '/api/v1/syncs/git-prod' })).statusCode).toBe(
        404,
      );
      expect((await h!.request({ method: 'GET', url: '/api/v1/syncs' })).json().items).toEqual([
        minimal('alpha'),
      ]);
    });

    it('rejects invalid statuses with 422 and field paths, and stores nothing', async () => {
      await start();
      const cases: [unknown, { path: string; message?: string }][] = [
        [{ ...minimal('git-a'), phase: 'Done' }, { path: 'phase' }],
        [minimal('git-b'), { path: 'owner', message: 'must be "git-a" (the owner in the URL)' }],
        [
          { ...minimal('git-a'), extra: 1 },
          { path: 'extra', message: 'unknown field' },
        ],
        [{ ...minimal('git-a'), consecutiveFailures: -1 }, { path: 'consecutiveFailures' }],
        [{ ...minimal('git-a'), consecutiveFailures: 1.5 }, { path: 'consecutiveFailures' }],
        [{ ...minimal('git-a'), lastAttemptAt: 'yesterday' }, { path: 'lastAttemptAt' }],
        [{ ...minimal('git-a'), branch: undefined }, { path: 'branch' }],
        [
          {
            ...minimal('git-a'),
            drift: {
              detectedAt: '2026-11-28T00:00:00Z',
              repaired: true,
              objects: [{ kind: 'Service', name: 'web', change: 'moved' }],
            },
          },
          { path: 'drift.objects[0].change' },
        ],
        [
          {
            ...minimal('git-a'),
            drift: {
              detectedAt: '2026-11-28T00:00:00Z',
              repaired: true,
              objects: Array.from({ length: 1001 }, (_, i) => ({
                kind: 'Service',
                name: `s${i}`,
                change: 'added',
              })),
            },
          },
          { path: 'drift.objects' },
        ],
        [
          {
            ...minimal('git-a'),
            error: { reason: 'Big', message: 'x'.repeat(8 * 1024 + 1), at: '2026-11-28T00:00:00Z' },
          },
          { path: 'error.message' },
        ],
        [
          { ...minimal('git-a'), result: { created: 1, configured: 0, unchanged: 0 } },
          { path: 'result.pruned' },
        ],
      ];
      for (const [payload, error] of cases) {
        const answer = await put('git-a', payload);
        expect(answer.statusCode, JSON.stringify(error)).toBe(422);
        expect(answer.headers['content-type']).toContain('application/problem+json');
        expect(answer.json().errors, JSON.stringify(error)).toContainEqual(
          error.message === undefined ? expect.objectContaining(error) : error,
        );
      }
      expect((await h!.request({ method: 'GET', url: '/api/v1/syncs' })).json().items).toEqual([]);
      const atLimit = {
        ...minimal('git-a'),
        error: { reason: 'Big', message: 'é'.repeat(4 * 1024), at: '2026-11-28T00:00:00Z' },
      };
      expect((await put('git-a', atLimit)).statusCode).toBe(200);
      expect((await put('git-a', { ...atLimit, phase: 'Done' })).statusCode).toBe(422);
      expect((await h!.request({ method: 'GET', url: '/api/v1/syncs/git-a' })).json()).toEqual(
        atLimit,
      );
      expect((await put('git-b', [minimal('git-b')])).statusCode).toBe(400);
    });

    it('an owner id in the path follows the apply owner rule', async () => {
      await start();
      for (const owner of ['-bad', 'a%2Fb', 'x'.repeat(64)]) {
        const answer = await h!.request({ method: 'GET', url: `/api/v1/syncs/${owner}` });
        expect(answer.statusCode, owner).toBe(400);
        expect(answer.json().errors).toEqual([{ path: 'owner', message: 'invalid owner id' }]);
      }
      expect((await put('git_a.v2', minimal('git_a.v2'))).statusCode).toBe(200);
    });

    it('any role reads; only admins and unrestricted editors write; no token is 401', async () => {
      await start();
      const { viewer, shopEditor, editor } = h!.tokens;
      expect((await put('git-a', minimal('git-a'), editor)).statusCode).toBe(200);
      for (const token of [viewer, shopEditor]) {
        const write = await put('git-a', { ...minimal('git-a'), phase: 'Failed' }, token);
        expect(write.statusCode).toBe(403);
        expect(write.json().code).toBe('Forbidden');
        const remove = await h!.request({ method: 'DELETE', url: '/api/v1/syncs/git-a', token });
        expect(remove.statusCode).toBe(403);
        expect((await put('git-new', minimal('git-new'), token)).statusCode).toBe(403);
        const list = await h!.request({ method: 'GET', url: '/api/v1/syncs', token });
        expect(list.statusCode).toBe(200);
        expect(list.json().items).toEqual([minimal('git-a')]);
        const one = await h!.request({ method: 'GET', url: '/api/v1/syncs/git-a', token });
        expect(one.json()).toEqual(minimal('git-a'));
      }
      expect((await h!.request({ method: 'GET', url: '/api/v1/syncs/git-new' })).statusCode).toBe(
        404,
      );
      for (const request of [
        { method: 'GET' as const, url: '/api/v1/syncs' },
        { method: 'GET' as const, url: '/api/v1/syncs/git-a' },
        { method: 'PUT' as const, url: '/api/v1/syncs/git-a', payload: minimal('git-a') },
        { method: 'DELETE' as const, url: '/api/v1/syncs/git-a' },
      ]) {
        const answer = await h!.request({ ...request, token: null });
        expect(answer.statusCode, request.method).toBe(401);
      }
      const removed = await h!.request({
        method: 'DELETE',
        url: '/api/v1/syncs/git-a',
        token: editor,
      });
      expect(removed.statusCode).toBe(200);
    });

    it('the routes are in the OpenAPI document under the syncs tag', async () => {
      await start();
      const doc = (await h!.request({ method: 'GET', url: '/openapi.json', token: null })).json();
      expect(doc.paths['/api/v1/syncs'].get.tags).toEqual(['syncs']);
      for (const method of ['get', 'put', 'delete'])
        expect(doc.paths['/api/v1/syncs/{owner}'][method].tags, method).toEqual(['syncs']);
    });

    it('404s for a missing status on get and delete', async () => {
      await start();
      for (const method of ['GET', 'DELETE'] as const) {
        const answer = await h!.request({ method, url: '/api/v1/syncs/nobody' });
        expect(answer.statusCode, method).toBe(404);
        expect(answer.json().code).toBe('NotFound');
      }
    });
  });
}

describe('sync status records are shared and audited', () => {
  it('another API replica on the same etcd prefix reads what one wrote', async () => {
    const endpoints = await etcdEndpointForTests();
    const prefix = uniqueTestPrefix('syncs-shared');
    const a = await startHarness({ store: new EtcdStore({ endpoints, prefix }) });
    const b = await startHarness({ store: new EtcdStore({ endpoints, prefix }) });
    try {
      await a.request({ method: 'PUT', url: '/api/v1/syncs/git-a', payload: minimal('git-a') });
      expect((await b.request({ method: 'GET', url: '/api/v1/syncs/git-a' })).json()).toEqual(
        minimal('git-a'),
      );
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('writes are audit-logged with actor, object and result', async () => {
    const { logger, lines } = capturedLogger();
    const store = new MemoryStore();
    const app = await build({
      store,
      tokens: storeTokenRecords(store),
      adminToken: ADMIN,
      logger,
    });
    const headers = { authorization: `Bearer ${ADMIN}` };
    await app.inject({
      method: 'PUT',
      url: '/api/v1/syncs/git-a',
      headers,
      payload: minimal('git-a'),
    });
    await app.inject({
      method: 'PUT',
      url: '/api/v1/syncs/git-a',
      headers,
      payload: minimal('git-a'),
    });
    await app.inject({ method: 'DELETE', url: '/api/v1/syncs/git-a', headers });
    await app.close();
    const audits = lines
      .map((l) => l['audit'])
      .filter((a): a is Record<string, unknown> => typeof a === 'object' && a !== null);
    expect(audits).toEqual([
      expect.objectContaining({
        actor: 'bootstrap-admin',
        action: 'put-sync',
        object: 'SyncStatus/git-a',
        result: 'created',
      }),
      expect.objectContaining({ action: 'put-sync', result: 'updated' }),
      expect.objectContaining({
        action: 'delete-sync',
        object: 'SyncStatus/git-a',
        result: 'deleted',
      }),
    ]);
  });
});
