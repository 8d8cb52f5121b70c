// The hardware floors against real parts: put -> watch latency on a real etcd
// (libs/testing), and a raw grpc-js push to streams held by a forked tsx process.
// Small sample counts: this checks the measurements work, not the machine.
import { etcdEndpointForTests } from '@crossway/testing';
import { describe, expect, it } from 'vitest';
import { measureEtcdFloor, measureGrpcPushFloor, percentile, summarize } from '../src/floors/index';

describe('percentiles', () => {
  it('takes the nearest rank', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 0.5)).toBe(50);
    expect(percentile(sorted, 0.99)).toBe(99);
    expect(percentile([7], 0.99)).toBe(7);
    expect(percentile([], 0.5)).toBeNaN();
    expect(summarize([3, 1, 2])).toEqual({ p50: 2, p99: 3, samples: 3 });
  });
});

describe('floors', () => {
  it('measures etcd put -> watch event latency', async () => {
    const endpoint = await etcdEndpointForTests();
    const floor = await measureEtcdFloor(endpoint, 40, { warmup: 5 });
    expect(floor.samples).toBe(40);
    expect(floor.p50).toBeGreaterThan(0);
    expect(floor.p99).toBeGreaterThanOrEqual(floor.p50);
    expect(floor.p99).toBeLessThan(1000);
  }, 15_000);

  it('measures a raw grpc-js push to streams in another process and back', async () => {
    const floor = await measureGrpcPushFloor(20, 15, { warmup: 2, connections: 5 });
    expect(floor.p50).toBeGreaterThan(0);
    expect(floor.p99).toBeGreaterThanOrEqual(floor.p50);
    expect(floor.p99).toBeLessThan(5000);
  }, 15_000);
});
