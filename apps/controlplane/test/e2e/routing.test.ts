// Live end-to-end: traffic policy written through the REST API reaches real
// grpc-js-xds clients. One etcd store, API and control plane for the whole file;
// each scenario uses its own Services in namespace "demo" so they do not interact.
import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifests as m } from '../support/e2e-api';
import { eventually, servedBy, startE2eEnv, type E2eEnv } from '../support/e2e-env';

const NS = 'demo';
let env: E2eEnv;

beforeAll(async () => {
  env = await startE2eEnv();
  await env.api.apply([m.meshWithoutMtls(), m.service('e2e', 'caller', 8080)]);
});

afterAll(async () => {
  await env?.close();
});

describe('live traffic through grpc-js-xds clients', { timeout: 30_000 }, () => {
  it('routes xds:///echo.demo:50051 to the Workload registered through the API', async () => {
    const backend = await env.backend('echo-1');
    await env.api.apply([
      m.service(NS, 'echo', 50051),
      m.workload(NS, 'echo-1', 'echo', backend.port),
    ]);
    const client = await env.client('xds:///echo.demo:50051');
    await servedBy(client, 'echo-1');
    const counts = await client.tally(20);
    expect(Object.fromEntries(counts)).toEqual({ 'echo-1': 20 });
  });

  it('splits 80/20 by backendRef weight within ±5% over 2,000 calls', async () => {
    const v1 = await env.backend('split-v1');
    const v2 = await env.backend('split-v2');
    await env.api.apply([
      m.service(NS, 'split', 50052),
      m.service(NS, 'split-v1', 50052),
      m.service(NS, 'split-v2', 50052),
      m.workload(NS, 'split-v1-1', 'split-v1', v1.port),
      m.workload(NS, 'split-v2-1', 'split-v2', v2.port),
      m.route(NS, 'split', { service: 'split', port: 50052 }, [
        {
          backendRefs: [
            { name: 'split-v1', port: 50052, weight: 80 },
            { name: 'split-v2', port: 50052, weight: 20 },
          ],
        },
      ]),
    ]);
    const client = await env.client('xds:///split.demo:50052');
    await servedBy(client, 'split-v2');
    await servedBy(client, 'split-v1');
    const counts = await client.tally(2000, { concurrency: 50 });
    const share = (counts.get('split-v1') ?? 0) / 2000;
    expect(counts.get('split-v1')! + (counts.get('split-v2') ?? 0)).toBe(2000);
    expect(share).toBeGreaterThanOrEqual(0.75);
    expect(share).toBeLessThanOrEqual(0.85);
  });

  it('routes by a gRPC metadata header to another backend', async () => {
    const main = await env.backend('hdr-main');
    const canary = await env.backend('hdr-canary');
    await env.api.apply([
      m.service(NS, 'hdr', 50053),
      m.service(NS, 'hdr-canary', 50053),
      m.workload(NS, 'hdr-main-1', 'hdr', main.port),
      m.workload(NS, 'hdr-canary-1', 'hdr-canary', canary.port),
      m.route(NS, 'hdr', { service: 'hdr', port: 50053 }, [
        {
          matches: [{ headers: [{ name: 'x-variant', value: 'canary' }] }],
          backendRefs: [{ name: 'hdr-canary', port: 50053 }],
        },
        { backendRefs: [{ name: 'hdr', port: 50053 }] },
      ]),
    ]);
    const client = await env.client('xds:///hdr.demo:50053');
    await servedBy(client, 'hdr-canary', { headers: { 'x-variant': 'canary' } });
    expect(
      Object.fromEntries(await client.tally(20, { headers: { 'x-variant': 'canary' } })),
    ).toEqual({ 'hdr-canary': 20 });
    expect(Object.fromEntries(await client.tally(20))).toEqual({ 'hdr-main': 20 });
    expect(
      Object.fromEntries(await client.tally(20, { headers: { 'x-variant': 'stable' } })),
    ).toEqual({ 'hdr-main': 20 });
  });

  it('follows a route change on the same channel, without a failed call', async () => {
    const a = await env.backend('move-a');
    const b = await env.backend('move-b');
    const routeTo = (target: string) =>
      m.route(NS, 'move', { service: 'move', port: 50054 }, [
        { backendRefs: [{ name: target, port: 50054 }] },
      ]);
    await env.api.apply([
      m.service(NS, 'move', 50054),
      m.service(NS, 'move-a', 50054),
      m.service(NS, 'move-b', 50054),
      m.workload(NS, 'move-a-1', 'move-a', a.port),
      m.workload(NS, 'move-b-1', 'move-b', b.port),
      routeTo('move-a'),
    ]);
    const client = await env.client('xds:///move.demo:50054');
    await servedBy(client, 'move-a');

    // Keep calling on the one channel while the route changes under it.
    const seen: string[] = [];
    let calling = true;
    const loop = (async () => {
      while (calling) {
        const result = await client.call({ deadlineMs: 2000 });
        seen.push(result.ok ? result.backend! : `error:${status[result.code!]}`);
      }
    })();
    await env.api.apply([routeTo('move-b')]);
    await eventually('the new route', async () => seen.at(-1) === 'move-b');
    calling = false;
    await loop;
    expect(seen.filter((s) => s.startsWith('error'))).toEqual([]);
    const firstB = seen.indexOf('move-b');
    expect(seen.slice(firstB).every((s) => s === 'move-b')).toBe(true);
    expect(Object.fromEntries(await client.tally(20))).toEqual({ 'move-b': 20 });
  });

  it('shifts traffic when Workloads are added and removed', async () => {
    const p1 = await env.backend('pool-1');
    const p2 = await env.backend('pool-2');
    await env.api.apply([m.service(NS, 'pool', 50055), m.workload(NS, 'pool-1', 'pool', p1.port)]);
    const client = await env.client('xds:///pool.demo:50055');
    await servedBy(client, 'pool-1');

    await env.api.apply([m.workload(NS, 'pool-2', 'pool', p2.port)]);
    await eventually('traffic to reach the added Workload', async () => {
      const counts = await client.tally(20);
      return (counts.get('pool-1') ?? 0) > 0 && (counts.get('pool-2') ?? 0) > 0;
    });

    await env.api.remove('workloads', NS, 'pool-1');
    await eventually('traffic to leave the removed Workload', async () => {
      const counts = await client.tally(20);
      return counts.get('pool-2') === 20;
    });
    expect(Object.fromEntries(await client.tally(40))).toEqual({ 'pool-2': 40 });
  });

  it('aborts calls with the gRPC status of a TrafficPolicy fault', async () => {
    const backend = await env.backend('faulty-1');
    await env.api.apply([
      m.service(NS, 'faulty', 50056),
      m.workload(NS, 'faulty-1', 'faulty', backend.port),
      {
        kind: 'TrafficPolicy',
        metadata: { name: 'faulty-abort', namespace: NS },
        spec: {
          targetRef: { kind: 'Service', name: 'faulty' },
          faultInjection: { abort: { grpcStatus: status.RESOURCE_EXHAUSTED, percentage: 100 } },
        },
      },
    ]);
    const client = await env.client('xds:///faulty.demo:50056');
    await eventually('the fault to be in force', async () => {
      const result = await client.call({ deadlineMs: 1000 });
      return result.code === status.RESOURCE_EXHAUSTED;
    });
    const callsBefore = backend.calls;
    expect(Object.fromEntries(await client.tally(20))).toEqual({
      'error:RESOURCE_EXHAUSTED': 20,
    });
    // Aborted by the client's fault filter: the backend never saw them.
    expect(backend.calls).toBe(callsBefore);
  });

  it('retries UNAVAILABLE on another backend when the route asks for it', async () => {
    const bad = await env.backend('flaky-bad');
    const good = await env.backend('flaky-good');
    bad.behaviour = { kind: 'fail', code: status.UNAVAILABLE };
    await env.api.apply([
      m.service(NS, 'flaky', 50057),
      m.workload(NS, 'flaky-bad', 'flaky', bad.port),
      m.workload(NS, 'flaky-good', 'flaky', good.port),
    ]);
    const client = await env.client('xds:///flaky.demo:50057');
    await servedBy(client, 'flaky-good');
    // Without a retry policy, round robin sends about half the calls to the failing backend.
    await eventually('the failing backend to be in rotation', async () => {
      await client.call({ deadlineMs: 1000 });
      return bad.calls > 0;
    });
    const before = await client.tally(20, { concurrency: 1 });
    expect(before.get('error:UNAVAILABLE') ?? 0).toBeGreaterThan(0);

    await env.api.apply([
      m.route(NS, 'flaky', { service: 'flaky', port: 50057 }, [
        {
          retry: { attempts: 3, on: ['unavailable'] },
          backendRefs: [{ name: 'flaky', port: 50057 }],
        },
      ]),
    ]);
    await eventually('retries to be in force', async () => {
      const counts = await client.tally(20, { concurrency: 1 });
      return counts.get('flaky-good') === 20;
    });
    const badBefore = bad.calls;
    expect(Object.fromEntries(await client.tally(40, { concurrency: 1 }))).toEqual({
      'flaky-good': 40,
    });
    // The failing backend was still tried: the calls recovered by retrying.
    expect(bad.calls).toBeGreaterThan(badBefore);
  });

  it('ends a call at the per-route timeout, before the client deadline', async () => {
    const backend = await env.backend('slow-1');
    backend.behaviour = { kind: 'slow', delayMs: 4000 };
    await env.api.apply([
      m.service(NS, 'slow', 50058),
      m.workload(NS, 'slow-1', 'slow', backend.port),
      m.route(NS, 'slow', { service: 'slow', port: 50058 }, [
        { timeouts: { request: '300ms' }, backendRefs: [{ name: 'slow', port: 50058 }] },
      ]),
    ]);
    const client = await env.client('xds:///slow.demo:50058');
    await eventually('the backend to be reached', async () => {
      await client.call({ deadlineMs: 1000 });
      return backend.calls > 0;
    });
    const result = await client.call({ deadlineMs: 5000 });
    expect(result.code).toBe(status.DEADLINE_EXCEEDED);
    expect(result.elapsedMs).toBeGreaterThanOrEqual(250);
    expect(result.elapsedMs).toBeLessThan(1500);
  });
});
