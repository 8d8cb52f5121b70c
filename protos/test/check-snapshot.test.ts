import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import {
  checkSnapshot,
  encodeAny,
  ResourceCheckCache,
  RESOURCE_KINDS,
  RESOURCE_TYPES,
  typeUrl,
  type SnapshotProblem,
} from '../src/index.ts';
import { baseSnapshot, readFixture, type Snapshot } from './fixtures.ts';

interface Case {
  case: string;
  add: Partial<Snapshot>;
  expect: Pick<SnapshotProblem, 'type' | 'name' | 'path' | 'code'>[];
}

function isCase(value: unknown): value is Case {
  return (
    typeof value === 'object' &&
    value !== null &&
    'case' in value &&
    'add' in value &&
    'expect' in value
  );
}

const raw = readFixture('snapshot-cases.yaml');
const cases: Case[] = Array.isArray(raw) ? raw.filter(isCase) : [];

function brief(problems: readonly SnapshotProblem[]) {
  return problems.map(({ type, name, path, code }) => ({ type, name, path, code }));
}

describe('checkSnapshot', () => {
  it('finds nothing wrong with the consistent fixture snapshot', () => {
    expect(checkSnapshot(baseSnapshot())).toEqual([]);
  });

  it.each(cases.map((c) => [c.case, c] as const))('%s', (_name, testCase) => {
    const snapshot = baseSnapshot();
    for (const kind of RESOURCE_KINDS) snapshot[kind].push(...(testCase.add[kind] ?? []));
    expect(brief(checkSnapshot(snapshot))).toEqual(testCase.expect);
  });

  it('finds the same problems with a resource cache, filled once and reused', () => {
    const cache = new ResourceCheckCache();
    const keysOf = (snapshot: Snapshot) =>
      Object.fromEntries(
        RESOURCE_KINDS.map((k) => [
          k,
          snapshot[k].map((r) => createHash('sha256').update(JSON.stringify(r)).digest('hex')),
        ]),
      );
    for (const round of [1, 2]) {
      for (const testCase of cases) {
        const snapshot = baseSnapshot();
        for (const kind of RESOURCE_KINDS) snapshot[kind].push(...(testCase.add[kind] ?? []));
        const cached = checkSnapshot(snapshot, { cache, contentKeys: keysOf(snapshot) });
        expect(brief(cached), `${testCase.case} (round ${round})`).toEqual(testCase.expect);
      }
      // The second round adds nothing: every resource was already checked.
      if (round === 1) expect(cache.size).toBeGreaterThan(0);
    }
    const size = cache.size;
    checkSnapshot(baseSnapshot(), { cache, contentKeys: keysOf(baseSnapshot()) });
    expect(cache.size).toBe(size);
  });

  it('drops the results of versions not built for two generations, keeps those in use', () => {
    let now = 0;
    const cache = new ResourceCheckCache(1_000, 60_000, () => now);
    const check = (name: string) =>
      ({ valid: true, name, addresses: [], problems: [], local: [], references: [] }) as const;
    cache.set('in-use', check('in-use'));
    cache.set('old-version', check('old-version'));
    now = 61_000;
    // A build uses "in-use" again in the next generation; "old-version" is never built again.
    expect(cache.get('in-use')?.name).toBe('in-use');
    cache.set('new-version', check('new-version'));
    now = 122_000;
    cache.set('newer-version', check('newer-version'));
    expect(cache.get('old-version')).toBeUndefined();
    expect(cache.get('in-use')?.name).toBe('in-use');
    // Bounded by entries too: never more than `limit` in both generations.
    for (let i = 0; i < 5_000; i++) cache.set(`v${i}`, check(`v${i}`));
    expect(cache.size).toBeLessThanOrEqual(1_000);
  });

  it('explains a missing reference in its message', () => {
    const snapshot = baseSnapshot();
    snapshot.endpoints = snapshot.endpoints.filter(
      (e) => e.cluster_name !== 'outbound|5432||db.shop',
    );
    expect(checkSnapshot(snapshot)).toEqual([
      {
        type: 'clusters',
        name: 'outbound|5432||db.shop',
        path: 'name',
        code: 'missing-endpoints',
        message:
          "EDS cluster names cluster load assignment 'outbound|5432||db.shop', which the snapshot does not define",
      },
    ]);
  });

  it('lets references name clusters and secrets of the bootstrap', () => {
    const snapshot = baseSnapshot();
    snapshot.clusters = snapshot.clusters.filter((c) => c.name !== 'outbound|5432||db.shop');
    snapshot.secrets = snapshot.secrets.filter((s) => s.name !== 'mesh-roots');
    expect(brief(checkSnapshot(snapshot)).map((p) => p.code)).toEqual([
      'missing-cluster',
      'missing-secret',
    ]);
    const options = { staticClusters: ['outbound|5432||db.shop'], staticSecrets: ['mesh-roots'] };
    expect(checkSnapshot(snapshot, options)).toEqual([]);
  });

  it('takes resources as encoded Anys or as JSON with @type', () => {
    const snapshot = baseSnapshot();
    const mixed = {
      ...snapshot,
      clusters: snapshot.clusters.map((c) => encodeAny(RESOURCE_TYPES.clusters, c)),
      secrets: snapshot.secrets.map((s) => ({ '@type': typeUrl(RESOURCE_TYPES.secrets), ...s })),
    };
    expect(checkSnapshot(mixed)).toEqual([]);
    const wrong = { ...snapshot, secrets: [encodeAny(RESOURCE_TYPES.clusters, { name: 'x' })] };
    expect(brief(checkSnapshot(wrong))).toContainEqual({
      type: 'secrets',
      name: '#0',
      path: '',
      code: 'invalid-resource',
    });
  });

  it('reports the same problems whatever order the resources come in', () => {
    const snapshot = baseSnapshot();
    snapshot.listeners.push({ ...snapshot.listeners[0]!, name: 'a-clone' });
    const forward = checkSnapshot(snapshot);
    const reversed = Object.fromEntries(
      RESOURCE_KINDS.map((kind) => [kind, [...snapshot[kind]].reverse()]),
    );
    expect(checkSnapshot(reversed)).toEqual(forward);
    expect(brief(forward)).toEqual([
      {
        type: 'listeners',
        name: 'edge/shop/web/https',
        path: 'address',
        code: 'duplicate-address',
      },
    ]);
  });
});
