// The Delta ADS protocol over real gRPC on 127.0.0.1: initial sync, resources the
// client already holds, subscribe/unsubscribe, removals, ACK and NACK.
import type { JsonObject } from '@crossway/protos';
import type { EnvoyResources } from '@crossway/xds';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TYPE_URLS } from '../src/contracts';
import {
  namesOf,
  originOf,
  shopEdgeResources,
  startTestAds,
  TestSnapshotSource,
  toProxySnapshot,
  type EventRecorder,
} from './support/ads-fixtures';
import { connectDelta, type DeltaClient } from './support/raw-ads-client';

const { clusters: CDS, endpoints: EDS, listeners: LDS, routes: RDS } = TYPE_URLS;
const EDGE = { id: 'edge-d', metadata: { role: 'edge', gateway: 'edge/public' } };
const FRONTEND = 'outbound|80||frontend.shop';
const JWKS = 'jwks|https|login.shop.example.com:443';

function frontend(resources: EnvoyResources): JsonObject {
  return resources.clusters.find((c) => c['name'] === FRONTEND)!;
}

/**
 * Waits until the server has handled every request sent before: re-subscribing to a
 * route always gets an answer, and requests are handled in order.
 */
async function handled(client: DeltaClient): Promise<void> {
  const route = namesOf(shopEdgeResources(), RDS)[0]!;
  client.request(RDS, { unsubscribe: [route] });
  client.request(RDS, { subscribe: [route] });
  await client.waitForResponse(RDS);
}

let source: TestSnapshotSource;
let ads: { port: number; events: EventRecorder; close(): Promise<void> };
const clients: DeltaClient[] = [];

function open(): DeltaClient {
  const client = connectDelta(ads.port, EDGE, 'edge-token');
  clients.push(client);
  return client;
}

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

describe('Delta ADS', () => {
  it('syncs wildcard CDS/LDS and named EDS/RDS with per-resource versions', async () => {
    const base = shopEdgeResources();
    const snapshot = toProxySnapshot(base);
    const client = open();
    client.request(CDS);
    const cds = await client.waitForResponse(CDS);
    expect(cds.names.sort()).toEqual(namesOf(base, CDS));
    expect(cds.removed).toEqual([]);
    expect(cds.systemVersionInfo).toBe(snapshot.types.get(CDS)!.version);
    for (const r of cds.resources)
      expect(r.version).toBe(snapshot.types.get(CDS)!.entries.get(r.name)!.version);
    client.ack(cds);
    client.request(EDS, { subscribe: namesOf(base, EDS) });
    client.request(LDS, { subscribe: ['*'] });
    client.request(RDS, { subscribe: namesOf(base, RDS) });
    const eds = await client.waitForResponse(EDS);
    const lds = await client.waitForResponse(LDS);
    const rds = await client.waitForResponse(RDS);
    expect(eds.names).toEqual(namesOf(base, EDS));
    expect(lds.names.sort()).toEqual(namesOf(base, LDS));
    expect(rds.names.sort()).toEqual(namesOf(base, RDS));
    await ads.events.until((e) => e.event === 'acked' && e.typeUrl === CDS);
    expect(ads.events.of('connected')).toEqual([
      { event: 'connected', node: 'edge-d', stream: 'delta' },
    ]);
  });

  it('does not resend what the client holds at the same version (initial_resource_versions)', async () => {
    const snapshot = toProxySnapshot(shopEdgeResources());
    const held = snapshot.types.get(CDS)!.entries.get(JWKS)!.version;
    const client = open();
    client.request(CDS, {
      initialVersions: { [JWKS]: held, [FRONTEND]: 'old', 'gone|cluster': 'v1' },
    });
    const cds = await client.waitForResponse(CDS);
    expect(cds.names).toEqual([FRONTEND]);
    expect(cds.removed).toEqual(['gone|cluster']);
  });

  it('answers a wildcard subscriber that already holds everything with an empty response', async () => {
    const snapshot = toProxySnapshot(shopEdgeResources());
    const client = open();
    const held = Object.fromEntries(
      [...snapshot.types.get(CDS)!.entries.values()].map((e) => [e.name, e.version]),
    );
    client.request(CDS, { initialVersions: held });
    const cds = await client.waitForResponse(CDS);
    expect(cds.resources).toEqual([]);
    expect(cds.removed).toEqual([]);
  });

  it('honours subscribe and unsubscribe, and sends removals of resources that disappear', async () => {
    const client = open();
    client.request(CDS, { subscribe: [FRONTEND, JWKS] });
    const first = await client.waitForResponse(CDS);
    expect(first.names.sort()).toEqual([FRONTEND, JWKS].sort());
    client.ack(first);

    client.request(CDS, { unsubscribe: [JWKS] });
    await handled(client);
    expect(await client.responsesWithin(50)).toEqual([]);
    // A change to an unsubscribed resource is not sent.
    const changed = shopEdgeResources();
    changed.clusters = changed.clusters.filter((c) => c['name'] !== JWKS);
    source.publish(toProxySnapshot(changed));
    expect(await client.responsesWithin(150)).toEqual([]);

    // Only the changed resource is sent.
    frontend(changed)['connect_timeout'] = '4s';
    source.publish(toProxySnapshot(changed));
    const update = await client.waitForResponse(CDS);
    expect(update.names).toEqual([FRONTEND]);
    expect(update.resources[0]!.resource).toMatchObject({ connect_timeout: { seconds: '4' } });
    client.ack(update);

    changed.clusters = [];
    changed.endpoints = [];
    source.publish(toProxySnapshot(changed));
    const removal = await client.waitForResponse(CDS);
    expect(removal.resources).toEqual([]);
    expect(removal.removed).toEqual([FRONTEND]);

    // Subscribing again to a name that comes back later gets it when it appears.
    client.request(CDS, { subscribe: [JWKS] });
    await handled(client);
    expect(await client.responsesWithin(50)).toEqual([]);
    source.publish(toProxySnapshot(shopEdgeResources()));
    const back = await client.waitForResponse(CDS);
    expect(back.names.sort()).toEqual([FRONTEND, JWKS].sort());
  });

  it('reports a NACK with the objects behind it and does not resend the same version', async () => {
    const client = open();
    client.request(CDS);
    client.ack(await client.waitForResponse(CDS));
    const changed = shopEdgeResources();
    frontend(changed)['connect_timeout'] = '9s';
    source.publish(toProxySnapshot(changed));
    const bad = await client.waitForResponse(CDS);
    client.nack(bad, 'cluster rejected');
    const nack = await ads.events.until((e) => e.event === 'nacked');
    expect(nack).toMatchObject({
      typeUrl: CDS,
      objects: [originOf(FRONTEND)],
      error: 'cluster rejected',
    });
    source.publish(toProxySnapshot(changed));
    expect((await client.responsesWithin(150)).filter((r) => r.typeUrl === CDS)).toEqual([]);
  });
});
