// crossway sync against real git repositories in temp directories, a real API server
// and a real etcd: first sync, a change, a rename, a bad commit, drift (repaired and
// reported), the prune threshold, two owners side by side, and the long-running loop.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CrosswayClient, type ApiObject, type SyncStatus } from '@crossway/client';
import { EtcdStore } from '@crossway/store';
import { etcdEndpointForTests, uniqueTestPrefix } from '@crossway/testing';
import { ADMIN_TOKEN, crossway, service, startApi, tempDir, type Api } from './support/harness';
import { createRepo, type TestRepo } from './support/git';

let api: Api;
let client: CrosswayClient;
beforeAll(async () => {
  const endpoint = await etcdEndpointForTests();
  api = await startApi(
    new EtcdStore({ endpoints: endpoint.split(','), prefix: uniqueTestPrefix('cli-sync') }),
  );
  client = new CrosswayClient({ server: api.url, token: ADMIN_TOKEN });
});
afterAll(async () => api?.close());

interface Syncing {
  repo: TestRepo;
  owner: string;
  /** One `crossway sync --once` round with these extra flags. */
  once(...extra: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  status(): Promise<SyncStatus>;
}

function syncing(owner: string, path = 'policies'): Syncing {
  const repo = createRepo();
  const workdir = tempDir();
  return {
    repo,
    owner,
    once: (...extra) =>
      crossway(
        [
          'sync',
          '--repo',
          repo.dir,
          '--path',
          path,
          '--owner',
          owner,
          '--workdir',
          workdir,
          '--once',
          ...extra,
        ],
        { url: api.url },
      ),
    status: () => client.getSync(owner),
  };
}

async function services(namespace: string): Promise<Map<string, ApiObject>> {
  const items = await client.listAll('Service', { namespace });
  return new Map(items.map((o) => [o.metadata.name, o]));
}

const svc = service;

describe('crossway sync', () => {
  it('first sync applies the tree with owner and source stamps and records the status', async () => {
    const s = syncing('first');
    const commit = s.repo.commit('two services', {
      'policies/web.yaml': svc('web', 'sync-first'),
      'policies/nested/api.yaml': svc('api', 'sync-first'),
      'README.md': 'not a manifest\n',
    });
    const run = await s.once();
    expect(run.code, run.stderr).toBe(0);
    const stored = await services('sync-first');
    expect([...stored.keys()].sort()).toEqual(['api', 'web']);
    expect(stored.get('api')?.metadata.annotations).toMatchObject({
      'crossway.dev/owner': 'first',
      'crossway.dev/source-file': 'policies/nested/api.yaml',
      'crossway.dev/source-commit': commit,
    });
    const status = await s.status();
    expect(status).toMatchObject({
      owner: 'first',
      phase: 'Synced',
      appliedCommit: commit,
      headCommit: commit,
      branch: 'main',
      path: 'policies',
      consecutiveFailures: 0,
      result: { created: 2, configured: 0, unchanged: 0, pruned: 0 },
    });
    expect(status.error).toBeUndefined();

    // Logs are structured JSON lines when nobody watches (no TTY).
    const lines = run.stderr
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { msg: string; owner: string });
    expect(lines.map((l) => l.msg)).toEqual(
      expect.arrayContaining(['reading files', 'applying', 'applied']),
    );
    expect(lines.every((l) => l.owner === 'first')).toBe(true);

    // A second round changes nothing and bumps no revision.
    const again = await s.once();
    expect(again.code, again.stderr).toBe(0);
    const after = await services('sync-first');
    expect(after.get('web')?.metadata.resourceVersion).toBe(
      stored.get('web')?.metadata.resourceVersion,
    );

    // Readable through the CLI and the API list.
    const table = await crossway(['sync', 'status'], { url: api.url });
    expect(table.stdout).toMatch(/OWNER\s+PHASE\s+APPLIED/);
    expect(table.stdout).toMatch(new RegExp(`first\\s+Synced\\s+${commit.slice(0, 12)}`));
    expect((await client.listSyncs()).map((x) => x.owner)).toContain('first');
  });

  it('a change rewrites only the changed objects; a rename deletes and creates', async () => {
    const s = syncing('change');
    const first = s.repo.commit('start', {
      'policies/a.yaml': svc('a', 'sync-change'),
      'policies/b.yaml': svc('b', 'sync-change'),
    });
    expect((await s.once()).code).toBe(0);
    const before = await services('sync-change');

    const second = s.repo.commit('port of b', {
      'policies/b.yaml': svc('b', 'sync-change', 9090),
    });
    const run = await s.once();
    expect(run.code, run.stderr).toBe(0);
    expect((await s.status()).result).toEqual({
      created: 0,
      configured: 1,
      unchanged: 1,
      pruned: 0,
    });
    const after = await services('sync-change');
    // The untouched object keeps its revision and the commit it last changed in.
    expect(after.get('a')?.metadata.resourceVersion).toBe(
      before.get('a')?.metadata.resourceVersion,
    );
    expect(after.get('a')?.metadata.annotations?.['crossway.dev/source-commit']).toBe(first);
    expect(after.get('b')?.metadata.annotations?.['crossway.dev/source-commit']).toBe(second);
    expect((after.get('b')?.spec as { ports: { port: number }[] }).ports[0]?.port).toBe(9090);

    s.repo.commit('rename b to c', {
      'policies/b.yaml': null,
      'policies/c.yaml': svc('c', 'sync-change', 9090),
    });
    expect((await s.once()).code).toBe(0);
    expect((await s.status()).result).toEqual({
      created: 1,
      configured: 0,
      unchanged: 1,
      pruned: 1,
    });
    expect([...(await services('sync-change')).keys()].sort()).toEqual(['a', 'c']);
  });

  it('a bad commit applies nothing, keeps the last good commit and names the file and line', async () => {
    const s = syncing('bad');
    const good = s.repo.commit('good', { 'policies/a.yaml': svc('a', 'sync-bad') });
    expect((await s.once()).code).toBe(0);
    const before = await services('sync-bad');

    // One valid change and one broken file in the same commit: neither is applied.
    const bad = s.repo.commit('half good', {
      'policies/a.yaml': svc('a', 'sync-bad', 7070),
      'policies/z-broken.yaml': 'kind: Service\nmetadata:\n  name: [unclosed\n',
    });
    const run = await s.once();
    expect(run.code).toBe(1);
    const status = await s.status();
    expect(status.phase).toBe('Failed');
    expect(status.appliedCommit).toBe(good);
    expect(status.headCommit).toBe(bad);
    expect(status.consecutiveFailures).toBe(1);
    expect(status.error).toMatchObject({ reason: 'InvalidManifests', commit: bad });
    expect(status.error?.message).toMatch(/policies\/z-broken\.yaml:\d+/);
    const after = await services('sync-bad');
    expect(after.get('a')?.metadata.resourceVersion).toBe(
      before.get('a')?.metadata.resourceVersion,
    );

    // An invalid object (not a parse error) names the field path; failures count up.
    s.repo.commit('invalid port', {
      'policies/z-broken.yaml': svc('z', 'sync-bad', 70000),
    });
    expect((await s.once()).code).toBe(1);
    const invalid = await s.status();
    expect(invalid.consecutiveFailures).toBe(2);
    expect(invalid.error?.message).toContain(
      'policies/z-broken.yaml (document 1): spec.ports[0].port',
    );

    const fixed = s.repo.commit('fixed', { 'policies/z-broken.yaml': svc('z', 'sync-bad') });
    expect((await s.once()).code).toBe(0);
    const healed = await s.status();
    expect(healed).toMatchObject({ phase: 'Synced', appliedCommit: fixed, consecutiveFailures: 0 });
    expect(healed.error).toBeUndefined();
    expect([...(await services('sync-bad')).keys()].sort()).toEqual(['a', 'z']);
  });

  it('drift is repaired by default and only reported with --drift report', async () => {
    const s = syncing('drift');
    s.repo.commit('three', {
      'policies/all.yaml': [svc('x', 'sync-drift'), svc('y', 'sync-drift')].join('---\n'),
    });
    expect((await s.once()).code).toBe(0);

    const change = async (): Promise<void> => {
      await client.patch(
        'Service',
        'x',
        { spec: { ports: [{ name: 'http', port: 1234, protocol: 'http' }] } },
        'sync-drift',
      );
      await client.delete('Service', 'y', 'sync-drift');
      await client.create({
        apiVersion: 'crossway.dev/v1alpha1',
        kind: 'Service',
        metadata: {
          name: 'stray',
          namespace: 'sync-drift',
          annotations: { 'crossway.dev/owner': 'drift' },
        },
        spec: { ports: [{ name: 'http', port: 80, protocol: 'http' }] },
      });
    };

    await change();
    const reported = await s.once('--drift', 'report');
    expect(reported.code).toBe(6);
    const drifted = await s.status();
    expect(drifted.phase).toBe('Drifted');
    expect(drifted.drift?.repaired).toBe(false);
    expect(drifted.drift?.objects).toEqual(
      expect.arrayContaining([
        { kind: 'Service', namespace: 'sync-drift', name: 'x', change: 'modified' },
        { kind: 'Service', namespace: 'sync-drift', name: 'y', change: 'deleted' },
        { kind: 'Service', namespace: 'sync-drift', name: 'stray', change: 'added' },
      ]),
    );
    expect([...(await services('sync-drift')).keys()].sort()).toEqual(['stray', 'x']);

    const repaired = await s.once();
    expect(repaired.code, repaired.stderr).toBe(0);
    const status = await s.status();
    expect(status.phase).toBe('Synced');
    expect(status.drift?.repaired).toBe(true);
    expect(status.drift?.objects).toHaveLength(3);
    const stored = await services('sync-drift');
    expect([...stored.keys()].sort()).toEqual(['x', 'y']);
    expect((stored.get('x')?.spec as { ports: { port: number }[] }).ports[0]?.port).toBe(8080);
  });

  it('refuses a prune over the safety limits unless forced', async () => {
    const s = syncing('prune');
    const files: Record<string, string> = {};
    for (let i = 0; i < 7; i++) files[`policies/s${i}.yaml`] = svc(`s${i}`, 'sync-prune');
    const all = s.repo.commit('seven', files);
    expect((await s.once()).code).toBe(0);

    const removal: Record<string, null> = {};
    for (let i = 1; i < 7; i++) removal[`policies/s${i}.yaml`] = null;
    s.repo.commit('oops, six removed', removal);
    const refused = await s.once();
    expect(refused.code).toBe(4);
    const status = await s.status();
    expect(status).toMatchObject({ phase: 'Failed', appliedCommit: all });
    expect(status.error?.reason).toBe('PruneRefused');
    expect(status.error?.message).toContain('would prune 6 of 7 objects owned by "prune"');
    expect((await services('sync-prune')).size).toBe(7);

    const forced = await s.once('--force');
    expect(forced.code, forced.stderr).toBe(0);
    expect([...(await services('sync-prune')).keys()]).toEqual(['s0']);
  });

  it('two owners side by side: each prunes only its own, and neither takes the other’s objects', async () => {
    const a = syncing('team-a');
    const b = syncing('team-b', '.');
    a.repo.commit('a', {
      'policies/a.yaml': svc('a1', 'sync-two') + '---\n' + svc('a2', 'sync-two'),
    });
    b.repo.commit('b', { 'b.yaml': svc('b1', 'sync-two') });
    expect((await a.once()).code).toBe(0);
    expect((await b.once()).code).toBe(0);

    a.repo.commit('drop a2', { 'policies/a.yaml': svc('a1', 'sync-two') });
    expect((await a.once()).code).toBe(0);
    expect([...(await services('sync-two')).keys()].sort()).toEqual(['a1', 'b1']);

    // b now also declares a1, which team-a owns: refused whole, nothing of b's commit written.
    b.repo.commit('claims a1', {
      'b.yaml': svc('b1', 'sync-two', 9999) + '---\n' + svc('a1', 'sync-two', 7777),
    });
    const conflict = await b.once();
    expect(conflict.code).toBe(1);
    const status = await b.status();
    expect(status.error?.reason).toBe('OwnershipConflict');
    expect(status.error?.message).toContain('team-a');
    const stored = await services('sync-two');
    expect(stored.get('a1')?.metadata.annotations?.['crossway.dev/owner']).toBe('team-a');
    expect((stored.get('b1')?.spec as { ports: { port: number }[] }).ports[0]?.port).toBe(8080);
    expect((await a.status()).phase).toBe('Synced');
  });

  it('runs until stopped, picks up new commits, and backs off while the repository is unreachable', async () => {
    const repo = createRepo();
    repo.commit('one', { 'p/one.yaml': svc('one', 'sync-loop') });
    const stop = new AbortController();
    const running = crossway(
      ['sync', '--repo', repo.dir, '--path', 'p', '--owner', 'loop', '--interval', '100ms'],
      { url: api.url, signal: stop.signal },
    );
    const waitFor = async (check: () => Promise<boolean>): Promise<void> => {
      const deadline = Date.now() + 10_000;
      while (!(await check())) {
        if (Date.now() > deadline) throw new Error('timed out');
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    await waitFor(async () => (await services('sync-loop')).has('one'));
    const two = repo.commit('two', { 'p/two.yaml': svc('two', 'sync-loop') });
    await waitFor(async () => (await client.getSync('loop')).appliedCommit === two);
    expect([...(await services('sync-loop')).keys()].sort()).toEqual(['one', 'two']);
    stop.abort();
    const done = await running;
    expect(done.code, done.stderr).toBe(0);

    const failing = new AbortController();
    const missing = `${tempDir()}/no-such-repo`;
    const broken = crossway(
      [
        'sync',
        '--repo',
        missing,
        '--owner',
        'loop-broken',
        '--interval',
        '100ms',
        '--max-backoff',
        '400ms',
      ],
      { url: api.url, signal: failing.signal },
    );
    await waitFor(async () => {
      const s = await client.getSync('loop-broken').catch(() => undefined);
      return (s?.consecutiveFailures ?? 0) >= 3;
    });
    const status = await client.getSync('loop-broken');
    failing.abort();
    expect((await broken).code).toBe(0);
    expect(status.phase).toBe('Failed');
    expect(status.error?.reason).toBe('GitFailed');
    // The third failure waits about four intervals (capped at --max-backoff), not one.
    const wait = Date.parse(status.nextAttemptAt ?? '') - Date.parse(status.lastAttemptAt);
    expect(wait).toBeGreaterThanOrEqual(300);
  });
});
