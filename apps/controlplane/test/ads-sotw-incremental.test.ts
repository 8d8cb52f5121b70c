// SotW ADS over real gRPC on 127.0.0.1: EDS (like RDS and SDS) responses are
// incremental. An endpoint change sends exactly the changed ClusterLoadAssignment, a
// new subscription gets only its new resources, and after a NACK the next response
// carries the rejected resources again so the client converges; CDS stays complete.
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { JsonObject } from '@crossway/protos';
import type { EnvoyResources } from '@crossway/xds';
import { TYPE_URLS } from '../src/contracts';
import {
  namesOf,
  shopEdgeResources,
  startTestAds,
  TestSnapshotSource,
  toProxySnapshot,
  type EventRecorder,
} from './support/ads-fixtures';
import { connect, type SotwClient, type SotwResponse } from './support/raw-ads-client';

const { clusters: CDS, endpoints: EDS } = TYPE_URLS;
const EDGE = { id: 'edge-1', metadata: { role: 'edge', gateway: 'edge/public' } };
const FRONTEND = 'outbound|80||frontend.shop';
const EXTRA = [
  'outbound|80||extra-a.shop',
  'outbound|80||extra-b.shop',
  'outbound|80||extra-c.shop',
];

/** The shop edge with three more EDS clusters (copies of frontend), each with one endpoint. */
function shop(): EnvoyResources {
  const resources = shopEdgeResources();
  const cluster = resources.clusters.find((c) => c['name'] === FRONTEND)!;
  const assignment = resources.endpoints.find((e) => e['cluster_name'] === FRONTEND)!;
  for (const name of EXTRA) {
    resources.clusters.push({ ...structuredClone(cluster), name });
    resources.endpoints.push({ ...structuredClone(assignment), cluster_name: name });
  }
  return resources;
}

/** Sets the port of the only endpoint of `cluster`'s ClusterLoadAssignment. */
function setPort(resources: EnvoyResources, cluster: string, port: number): void {
  const assignment = resources.endpoints.find((e) => e['cluster_name'] === cluster)!;
  const localities = assignment['endpoints'] as { lb_endpoints: JsonObject[] }[];
  const endpoint = localities[0]!.lb_endpoints[0]!['endpoint'] as {
    address: { socket_address: { port_value: number } };
  };
  endpoint.address.socket_address.port_value = port;
}

function portOf(response: SotwResponse, cluster: string): unknown {
  const assignment = response.resources.find((r) => r['cluster_name'] === cluster) as
    { endpoints: { lb_endpoints: { endpoint: { address: unknown } }[] }[] } | undefined;
  return assignment?.endpoints[0]?.lb_endpoints[0]?.endpoint.address;
}

let source: TestSnapshotSource;
let ads: { port: number; events: EventRecorder; close(): Promise<void> };
const clients: SotwClient[] = [];

/** A client subscribed like Envoy (CDS wildcard, EDS by name), ACKing what it got. */
async function synced(names = namesOf(shop(), EDS)): Promise<SotwClient> {
  const client = connect(ads.port, EDGE, 'edge-token');
  clients.push(client);
  client.request(CDS);
  client.request(EDS, names);
  client.ack(await client.waitForResponse(CDS));
  const eds = await client.waitForResponse(EDS);
  expect(eds.names).toEqual([...names].sort());
  client.ack(eds);
  await ads.events.until((e) => e.event === 'acked' && e.typeUrl === EDS);
  return client;
}

beforeAll(() => {
  toProxySnapshot(shop());
});

beforeEach(async () => {
  source = new TestSnapshotSource();
  ads = await startTestAds(source);
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await ads.close();
});

describe('SotW ADS, incremental EDS', () => {
  it('sends exactly the changed ClusterLoadAssignment for an endpoint change', async () => {
    const resources = shop();
    source.publish(toProxySnapshot(resources));
    const client = await synced();

    setPort(resources, EXTRA[1]!, 20001);
    const snapshot = toProxySnapshot(resources);
    source.publish(snapshot);
    const eds = await client.waitForResponse(EDS);
    expect(eds.names).toEqual([EXTRA[1]]);
    expect(portOf(eds, EXTRA[1]!)).toMatchObject({ socket_address: { port_value: 20001 } });
    // The version is the type's version, so the client reports what it now runs.
    expect(eds.versionInfo).toBe(snapshot.types.get(EDS)!.version);
    expect(await client.responsesWithin(200)).toEqual([]);
    client.ack(eds);
    await ads.events.until((e) => e.event === 'acked' && e.version === eds.versionInfo);
  });

  it('keeps CDS complete: a cluster change resends every cluster', async () => {
    const resources = shop();
    source.publish(toProxySnapshot(resources));
    const client = await synced();
    resources.clusters.find((c) => c['name'] === EXTRA[0])!['connect_timeout'] = '4s';
    source.publish(toProxySnapshot(resources));
    const cds = await client.waitForResponse(CDS);
    expect(cds.names).toEqual(namesOf(resources, CDS));
  });

  it('gives a widened subscription only the newly subscribed resources', async () => {
    const resources = shop();
    source.publish(toProxySnapshot(resources));
    const client = await synced([FRONTEND, EXTRA[0]!]);

    client.request(EDS, [FRONTEND, EXTRA[0]!, EXTRA[2]!]);
    const wider = await client.waitForResponse(EDS);
    expect(wider.names).toEqual([EXTRA[2]]);
    client.ack(wider);

    // Dropped, then subscribed again: the client may have dropped it too, so it is resent.
    client.request(EDS, [FRONTEND, EXTRA[2]!]);
    expect(await client.responsesWithin(150)).toEqual([]);
    client.request(EDS, [FRONTEND, EXTRA[0]!, EXTRA[2]!]);
    expect((await client.waitForResponse(EDS)).names).toEqual([EXTRA[0]]);
  });

  it('resends the resources of a NACKed response with the next change, so the client converges', async () => {
    const resources = shop();
    source.publish(toProxySnapshot(resources));
    const client = await synced();

    setPort(resources, EXTRA[0]!, 20010);
    setPort(resources, EXTRA[1]!, 20011);
    source.publish(toProxySnapshot(resources));
    const rejected = await client.waitForResponse(EDS);
    expect(rejected.names).toEqual([EXTRA[0], EXTRA[1]]);
    client.nack(rejected, `${EXTRA[1]}: invalid endpoint`);
    await ads.events.until((e) => e.event === 'nacked');
    // The same content again: nothing resent on its own.
    source.publish(toProxySnapshot(resources));
    expect(await client.responsesWithin(150)).toEqual([]);

    // The next change carries it and everything the client rejected, at current versions.
    setPort(resources, EXTRA[2]!, 20012);
    const snapshot = toProxySnapshot(resources);
    source.publish(snapshot);
    const next = await client.waitForResponse(EDS);
    expect(next.names).toEqual([EXTRA[0], EXTRA[1], EXTRA[2]]);
    expect(portOf(next, EXTRA[1]!)).toMatchObject({ socket_address: { port_value: 20011 } });
    expect(next.versionInfo).toBe(snapshot.types.get(EDS)!.version);
    client.ack(next);
    await ads.events.until((e) => e.event === 'acked' && e.version === next.versionInfo);

    // Back to incremental once ACKed.
    setPort(resources, FRONTEND, 20013);
    source.publish(toProxySnapshot(resources));
    expect((await client.waitForResponse(EDS)).names).toEqual([FRONTEND]);
  });

  it('sends a reconnecting client every subscribed resource', async () => {
    const resources = shop();
    source.publish(toProxySnapshot(resources));
    const first = await synced();
    setPort(resources, FRONTEND, 20020);
    source.publish(toProxySnapshot(resources));
    first.ack(await first.waitForResponse(EDS));
    await first.close();
    const again = await synced();
    expect(again).toBeDefined();
  });
});
