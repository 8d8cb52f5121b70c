// What one ADS stream may ask (ads/request-limits.ts): a stream over its request rate
// is ended with RESOURCE_EXHAUSTED while a stream within it and other streams are
// served on; a request naming too many resources is refused with INVALID_ARGUMENT
// naming the field; a request over the size limit is refused by gRPC with
// RESOURCE_EXHAUSTED before any token is checked. The token bucket itself on a fake clock.
import { status, type Metadata } from '@grpc/grpc-js';
import pino from 'pino';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  requestCost,
  startAdsServer,
  TokenBucket,
  type AdsServer,
  type RequestLimits,
} from '../src/ads';
import { TYPE_URLS } from '../src/contracts';
import {
  EventRecorder,
  shopEdgeResources,
  testAuthenticator,
  TestSnapshotSource,
  toProxySnapshot,
} from './support/ads-fixtures';
import { connect, connectDelta, type DeltaClient, type SotwClient } from './support/raw-ads-client';

const EDGE = { id: 'edge-1', metadata: { role: 'edge', gateway: 'edge/public' } };
const TOKEN = 'edge-token';

let server: AdsServer | undefined;
let guard: { accepted: number; limited: string[]; authentications: string[] };
let events: EventRecorder;
const clients: (SotwClient | DeltaClient)[] = [];

beforeAll(() => {
  toProxySnapshot(shopEdgeResources());
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await server?.close();
  server = undefined;
});

async function start(
  limits: RequestLimits,
  maxRequestBytes?: number,
): Promise<{ port: number; authCalls: () => number }> {
  const recorder = { accepted: 0, limited: [] as string[], authentications: [] as string[] };
  guard = recorder;
  events = new EventRecorder();
  let authCalls = 0;
  server = await startAdsServer({
    host: '127.0.0.1',
    port: 0,
    source: new TestSnapshotSource(toProxySnapshot(shopEdgeResources())),
    auth: {
      authenticate: (node: unknown, metadata: Metadata) => {
        authCalls += 1;
        return testAuthenticator.authenticate(node, metadata);
      },
    },
    events,
    logger: pino({ level: 'silent' }),
    shutdownGraceMs: 500,
    limits,
    guard: {
      accepted: () => (recorder.accepted += 1),
      limited: (stream, reason) => recorder.limited.push(`${stream}:${reason}`),
      authenticated: (result) => recorder.authentications.push(result),
    },
    ...(maxRequestBytes === undefined ? {} : { maxRequestBytes }),
  });
  return { port: server.port, authCalls: () => authCalls };
}

function sotw(port: number, id = 'edge-1'): SotwClient {
  const client = connect(port, { ...EDGE, id }, TOKEN);
  clients.push(client);
  return client;
}

describe('the token bucket', () => {
  it('lets a burst through, then the rate', () => {
    let now = 0;
    const bucket = new TokenBucket(10, 5, () => now);
    for (let i = 0; i < 5; i++) expect(bucket.take(1)).toBe(true);
    expect(bucket.take(1)).toBe(false);
    now = 100; // one token back at 10/s
    expect(bucket.take(1)).toBe(true);
    expect(bucket.take(1)).toBe(false);
    now = 10_000; // refilled to the burst, never above
    for (let i = 0; i < 5; i++) expect(bucket.take(1)).toBe(true);
    expect(bucket.take(1)).toBe(false);
  });

  it('charges a costly request up to the whole bucket, never more', () => {
    let now = 0;
    const bucket = new TokenBucket(10, 5, () => now);
    expect(bucket.take(50)).toBe(true);
    expect(bucket.take(1)).toBe(false);
    now = 500;
    expect(bucket.take(6)).toBe(true);
  });
});

describe('per-stream request limits', () => {
  it('ends a flooding stream with RESOURCE_EXHAUSTED and keeps serving the others', async () => {
    const { port } = await start({ requestsPerSecond: 20, burst: 10, maxResourceNames: 100 });
    const calm = sotw(port, 'calm');
    calm.request(TYPE_URLS.clusters);
    calm.ack(await calm.waitForResponse(TYPE_URLS.clusters));
    const flood = sotw(port, 'flood');
    flood.request(TYPE_URLS.clusters);
    const cds = await flood.waitForResponse(TYPE_URLS.clusters);
    const floodedAt = Date.now();
    for (let i = 0; i < 50; i++) flood.ack(cds);
    await events.until((e) => e.event === 'disconnected' && e.node === 'flood');
    expect(guard.limited).toEqual(['sotw:rate']);
    // While the cut stream is held, the node's new stream on the same connection has no
    // fresh burst: refused at its first request.
    const parallel = sotw(port, 'flood');
    parallel.request(TYPE_URLS.clusters);
    const ended = await flood.status;
    expect(ended.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(ended.details).toContain('more than 20 requests/s (burst 10)');
    // ... ended once its bucket is full again (10 tokens at 20/s: 0.5 s).
    expect(Date.now() - floodedAt).toBeGreaterThanOrEqual(400);
    expect((await parallel.status).code).toBe(status.RESOURCE_EXHAUSTED);
    expect(parallel.received).toEqual([]);
    expect(guard.limited).toEqual(['sotw:rate', 'sotw:rate']);
    // The calm stream is served throughout: a new subscription gets its answer.
    calm.request(TYPE_URLS.listeners);
    expect((await calm.waitForResponse(TYPE_URLS.listeners)).names.length).toBeGreaterThan(0);
    // Once the bucket is full again the node is welcome.
    const later = sotw(port, 'flood');
    later.request(TYPE_URLS.clusters);
    await later.waitForResponse(TYPE_URLS.clusters);
  });

  it('lets a stream within its rate send as long as it likes', async () => {
    const { port } = await start({ requestsPerSecond: 50, burst: 5, maxResourceNames: 100 });
    const client = sotw(port);
    client.request(TYPE_URLS.clusters);
    const cds = await client.waitForResponse(TYPE_URLS.clusters);
    // 20 requests at ~25/s: never more than the burst ahead of the rate.
    for (let i = 0; i < 20; i++) {
      client.ack(cds);
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
    client.request(TYPE_URLS.listeners);
    await client.waitForResponse(TYPE_URLS.listeners);
    expect(guard.limited).toEqual([]);
    expect(guard.accepted).toBe(22);
  });

  it('refuses a request naming too many resources with INVALID_ARGUMENT naming the field', async () => {
    const { port, authCalls } = await start({
      requestsPerSecond: 100,
      burst: 100,
      maxResourceNames: 100,
    });
    const client = sotw(port);
    client.request(
      TYPE_URLS.endpoints,
      Array.from({ length: 101 }, (_, i) => `cluster-${i}`),
    );
    const ended = await client.status;
    expect(ended.code).toBe(status.INVALID_ARGUMENT);
    expect(ended.details).toBe(
      'resource_names: a request may name at most 100 resources, this one names 101',
    );
    expect(client.received).toEqual([]);
    expect(authCalls()).toBe(0);

    const delta = connectDelta(port, EDGE, TOKEN);
    clients.push(delta);
    delta.request(TYPE_URLS.endpoints, {
      subscribe: Array.from({ length: 60 }, (_, i) => `a-${i}`),
      initialVersions: Object.fromEntries(Array.from({ length: 41 }, (_, i) => [`b-${i}`, 'v'])),
    });
    const deltaEnded = await delta.status;
    expect(deltaEnded.code).toBe(status.INVALID_ARGUMENT);
    expect(deltaEnded.details).toContain('initial_resource_versions');
    expect(guard.limited).toEqual(['sotw:names', 'delta:names']);
  });

  it('refuses a request over the size limit before any token is checked', async () => {
    const { port, authCalls } = await start(
      { requestsPerSecond: 100, burst: 100, maxResourceNames: 100_000 },
      64 * 1024,
    );
    const big = connect(
      port,
      { ...EDGE, metadata: { ...EDGE.metadata, pad: 'x'.repeat(70_000) } },
      TOKEN,
    );
    clients.push(big);
    big.request(TYPE_URLS.clusters);
    const ended = await big.status;
    expect(ended.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(big.received).toEqual([]);
    expect(authCalls()).toBe(0);
    expect(guard.authentications).toEqual([]);
    expect(events.events).toEqual([]);
    // Just under the limit is served.
    const fits = connect(
      port,
      { ...EDGE, id: 'fits', metadata: { ...EDGE.metadata, pad: 'x'.repeat(60_000) } },
      TOKEN,
    );
    clients.push(fits);
    fits.request(TYPE_URLS.clusters);
    await fits.waitForResponse(TYPE_URLS.clusters);
    expect(guard.authentications).toEqual(['ok']);
  });
});

describe('the cost of a request', () => {
  it('is one token, plus one per 1,000 names and one per 64 KiB', () => {
    expect(requestCost({ nameCount: 0, byteLength: 40 })).toBe(1);
    expect(requestCost({ nameCount: 25_000, byteLength: 600 * 1024 })).toBe(1 + 25 + 9);
  });
});
