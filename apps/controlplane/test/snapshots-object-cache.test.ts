// The object cache behind the snapshots: a re-list reuses what it validated for an
// unchanged resourceVersion, except after the store's revision went back (etcd
// restored from an older backup), where one resourceVersion can name other content.
// Its digest is what /debug/objects serves.
import type { CrosswayObject, ValidatedObject } from '@crossway/model';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { ObjectCache } from '../src/snapshots/object-cache';

const logger = pino({ level: 'silent' });

function workload(port: number, resourceVersion: string): CrosswayObject {
  return {
    apiVersion: 'crossway.dev/v1alpha1',
    kind: 'Workload',
    metadata: { name: 'echo-1', namespace: 'demo', resourceVersion },
    spec: { service: 'echo', address: '127.0.0.1', ports: [{ name: 'grpc', port }] },
  };
}

function portOf(objects: ValidatedObject[]): unknown {
  const spec = objects[0]?.spec as { ports?: { port: number }[] } | undefined;
  return spec?.ports?.[0]?.port;
}

describe('ObjectCache', () => {
  it('keeps the validated object for an equal resourceVersion on an ordinary re-list', () => {
    const cache = new ObjectCache(logger);
    cache.replace([workload(1000, '7')]);
    const before = cache.validObjects()[0];
    cache.replace([workload(1000, '7')]);
    expect(cache.validObjects()[0]).toBe(before);
  });

  it('takes the listed content after the revision went back, even at an equal resourceVersion', () => {
    const cache = new ObjectCache(logger);
    cache.replace([workload(1000, '7')]);
    // Without the flag an equal resourceVersion is trusted (the ordinary case above).
    cache.replace([workload(2000, '7')]);
    expect(portOf(cache.validObjects())).toBe(1000);
    cache.replace([workload(2000, '7')], { revisionWentBack: true });
    expect(portOf(cache.validObjects())).toBe(2000);
  });

  it('describes its objects sorted, as /debug/objects serves them', () => {
    const cache = new ObjectCache(logger);
    cache.replace([
      workload(1000, '9'),
      {
        apiVersion: 'crossway.dev/v1alpha1',
        kind: 'Mesh',
        metadata: { name: 'default', resourceVersion: '3' },
        spec: {},
      },
    ]);
    expect(cache.digest()).toEqual([
      { kind: 'Mesh', name: 'default', resourceVersion: '3' },
      { kind: 'Workload', namespace: 'demo', name: 'echo-1', resourceVersion: '9' },
    ]);
  });
});
