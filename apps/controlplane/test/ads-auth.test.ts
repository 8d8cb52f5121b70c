// Who may open an ADS stream: both methods refuse a bad or missing token, or a token
// for another role, with the matching gRPC status before any resource is sent; a
// stream that changes its node is cut off.
import { status } from '@grpc/grpc-js';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TYPE_URLS } from '../src/contracts';
import {
  shopEdgeResources,
  startTestAds,
  TestSnapshotSource,
  toProxySnapshot,
  type EventRecorder,
} from './support/ads-fixtures';
import { connect, connectDelta, type DeltaClient, type SotwClient } from './support/raw-ads-client';

const EDGE = { id: 'edge-1', metadata: { role: 'edge', gateway: 'edge/public' } };

let source: TestSnapshotSource;
let ads: { port: number; events: EventRecorder; close(): Promise<void> };
const clients: (SotwClient | DeltaClient)[] = [];

// Loading the protos and translating the shop once, outside any test's time.
beforeAll(() => {
  toProxySnapshot(shopEdgeResources());
});

beforeEach(async () => {
  source = new TestSnapshotSource(toProxySnapshot(shopEdgeResources()));
  ads = await startTestAds(source);
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await ads.close();
});

const cases = [
  { token: undefined, code: status.UNAUTHENTICATED, name: 'no token' },
  { token: 'forged', code: status.UNAUTHENTICATED, name: 'an unknown token' },
  { token: 'wrong-role', code: status.PERMISSION_DENIED, name: 'a token for another role' },
];

describe('ADS authentication', () => {
  for (const { token, code, name } of cases) {
    it(`SotW refuses ${name} before sending anything`, async () => {
      const client = connect(ads.port, EDGE, token);
      clients.push(client);
      client.request(TYPE_URLS.clusters);
      expect((await client.status).code).toBe(code);
      expect(client.received).toEqual([]);
      expect(source.watchedNodes).toEqual([]);
      expect(ads.events.events).toEqual([]);
    });

    it(`Delta refuses ${name} before sending anything`, async () => {
      const client = connectDelta(ads.port, EDGE, token);
      clients.push(client);
      client.request(TYPE_URLS.clusters);
      expect((await client.status).code).toBe(code);
      expect(client.received).toEqual([]);
      expect(ads.events.events).toEqual([]);
    });
  }

  it('refuses a node without an id as INVALID_ARGUMENT', async () => {
    const client = connect(ads.port, { id: '' }, 'edge-token');
    clients.push(client);
    client.request(TYPE_URLS.clusters);
    expect((await client.status).code).toBe(status.INVALID_ARGUMENT);
    expect(client.received).toEqual([]);
  });

  it('cuts off a stream whose node changes after the first request', async () => {
    const client = connect(ads.port, EDGE, 'edge-token');
    clients.push(client);
    client.request(TYPE_URLS.clusters);
    client.ack(await client.waitForResponse(TYPE_URLS.clusters));
    client.request(TYPE_URLS.listeners, [], { node: { ...EDGE, id: 'someone-else' } });
    expect((await client.status).code).toBe(status.PERMISSION_DENIED);
    await ads.events.until((e) => e.event === 'disconnected' && e.node === 'edge-1');
    expect(source.openWatches).toBe(0);
  });

  it('ends open streams with UNAVAILABLE when the server closes', async () => {
    const client = connectDelta(ads.port, EDGE, 'edge-token');
    clients.push(client);
    client.request(TYPE_URLS.clusters);
    await client.waitForResponse(TYPE_URLS.clusters);
    await ads.close();
    expect((await client.status).code).toBe(status.UNAVAILABLE);
  });
});
