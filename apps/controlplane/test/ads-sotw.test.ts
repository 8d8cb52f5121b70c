// The SotW ADS protocol over real gRPC on 127.0.0.1: initial sync in push order,
// ACK, NACK, pushes of changed types only, stale nonces, late resources, lookups
// and isolation between streams.
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { encodeAny, type JsonObject } from '@crossway/protos';
import type { EnvoyResources } from '@crossway/xds';
import { TYPE_URLS, type ProxySnapshot, type SnapshotEntry } from '../src/contracts';
import {
  namesOf,
  originOf,
  shopEdgeResources,
  startTestAds,
  TestSnapshotSource,
  toProxySnapshot,
  type EventRecorder,
} from './support/ads-fixtures';
import { connect, type SotwClient, type SotwResponse } from './support/raw-ads-client';

const { clusters: CDS, endpoints: EDS, listeners: LDS, routes: RDS } = TYPE_URLS;
const EDGE = { id: 'edge-1', metadata: { role: 'edge', gateway: 'edge/public' } };
const FRONTEND = 'outbound|80||frontend.shop';
const SERVER_LISTENER = 'grpc/server?xds.resource.listening_address=127.0.0.1:19090';

/** The translated frontend cluster (an EDS cluster), to edit. */
function frontend(resources: EnvoyResources): JsonObject {
  return resources.clusters.find((c) => c['name'] === FRONTEND)!;
}

function named(response: SotwResponse, name: string): unknown {
  return response.resources.find((r) => r['name'] === name);
}

let source: TestSnapshotSource;
let ads: { port: number; events: EventRecorder; close(): Promise<void> };
const clients: SotwClient[] = [];

function open(id = 'edge-1'): SotwClient {
  const client = connect(ads.port, { ...EDGE, id }, 'edge-token');
  clients.push(client);
  return client;
}

/** Subscribes like Envoy (CDS, LDS wildcard; EDS, RDS by name), ACKing each response. */
async function syncedClient(
  id = 'edge-1',
): Promise<{ client: SotwClient; last: Map<string, SotwResponse> }> {
  const client = open(id);
  const base = shopEdgeResources();
  client.request(CDS);
  client.request(LDS);
  client.request(EDS, namesOf(base, EDS));
  client.request(RDS, namesOf(base, RDS));
  const last = new Map<string, SotwResponse>();
  for (const type of [CDS, EDS, LDS, RDS]) {
    const response = await client.waitForResponse(type);
    client.ack(response);
    last.set(type, response);
  }
  return { client, last };
}

// Loading the protos and translating the shop once, outside any test's time.
beforeAll(() => {
  toProxySnapshot(shopEdgeResources());
});

beforeEach(async () => {
  source = new TestSnapshotSource();
  ads = await startTestAds(source);
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await ads.close();
});

describe('SotW ADS', () => {
  it('waits for the first snapshot, then answers wildcard CDS/LDS and named EDS/RDS', async () => {
    const client = open();
    const base = shopEdgeResources();
    client.request(LDS);
    client.request(CDS);
    client.request(RDS, namesOf(base, RDS));
    client.request(EDS, namesOf(base, EDS));
    await ads.events.until((e) => e.event === 'connected' && e.node === 'edge-1');
    expect(await client.responsesWithin(200)).toEqual([]);

    const snapshot = toProxySnapshot(base);
    source.publish(snapshot);
    const responses = [];
    for (let i = 0; i < 4; i++) responses.push(await client.waitForResponse());
    expect(responses.map((r) => r.typeUrl).sort()).toEqual([CDS, EDS, LDS, RDS].sort());
    for (const r of responses) {
      expect(r.names).toEqual(namesOf(base, r.typeUrl));
      expect(r.versionInfo).toBe(snapshot.types.get(r.typeUrl)!.version);
      expect(r.nonce).not.toBe('');
    }
    expect(new Set(responses.map((r) => r.nonce)).size).toBe(4);
    expect(ads.events.of('connected')).toEqual([
      { event: 'connected', node: 'edge-1', stream: 'sotw' },
    ]);
    const sent = ads.events.of('sent');
    expect(sent.map((e) => e.typeUrl).sort()).toEqual([CDS, EDS, LDS, RDS].sort());
    expect(sent.every((e) => e.bytes > 0 && e.changeSeenAt === snapshot.changeSeenAt)).toBe(true);
    // The node's Struct metadata reached the authenticator, whose node is watched.
    expect(source.watchedNodes).toEqual([
      { id: 'edge-1', role: 'edge', gateway: 'edge/public', locality: {} },
    ]);
  });

  it('pushes a change of every type make-before-break: CDS, EDS, LDS, RDS', async () => {
    source.publish(toProxySnapshot(shopEdgeResources()));
    const { client } = await syncedClient();
    const changed = shopEdgeResources();
    frontend(changed)['connect_timeout'] = '2s';
    changed.listeners[0]!['per_connection_buffer_limit_bytes'] = 65536;
    const vhosts = changed.routes[0]!['virtual_hosts'] as { domains: string[] }[];
    vhosts[0]!.domains.push('more.example.com');
    source.publish(toProxySnapshot(changed));
    const responses = [];
    for (let i = 0; i < 4; i++) responses.push(await client.waitForResponse());
    expect(responses.map((r) => r.typeUrl)).toEqual([CDS, EDS, LDS, RDS]);
    expect(await client.responsesWithin(100)).toEqual([]);
  });

  it('reports an ACK with the version it accepts', async () => {
    source.publish(toProxySnapshot(shopEdgeResources(), 1234));
    const client = open();
    client.request(CDS);
    const cds = await client.waitForResponse(CDS);
    client.ack(cds);
    const ack = await ads.events.until((e) => e.event === 'acked');
    expect(ack).toEqual({
      event: 'acked',
      node: 'edge-1',
      typeUrl: CDS,
      version: cds.versionInfo,
      changeSeenAt: 1234,
    });
    expect(await client.responsesWithin(150)).toEqual([]);
  });

  it('keeps a NACKing proxy on its last config, reports the objects, and sends again only on change', async () => {
    const base = shopEdgeResources();
    source.publish(toProxySnapshot(base));
    const { client, last } = await syncedClient();
    const good = last.get(CDS)!;

    const broken = shopEdgeResources();
    frontend(broken)['connect_timeout'] = '9s';
    source.publish(toProxySnapshot(broken));
    const bad = await client.waitForResponse(CDS);
    client.nack(bad, `Error adding/updating cluster(s) ${FRONTEND}: invalid`, good.versionInfo);
    const nack = await ads.events.until((e) => e.event === 'nacked');
    expect(nack).toMatchObject({
      typeUrl: CDS,
      version: bad.versionInfo,
      objects: [originOf(FRONTEND)],
    });
    // Its EDS (version folded from the cluster) follows; then nothing is resent.
    client.ack(await client.waitForResponse(EDS));
    source.publish(toProxySnapshot(broken));
    client.request(CDS, [], { versionInfo: good.versionInfo, nonce: bad.nonce });
    expect(await client.responsesWithin(200)).toEqual([]);

    frontend(broken)['connect_timeout'] = '3s';
    source.publish(toProxySnapshot(broken));
    const fixed = await client.waitForResponse(CDS);
    expect(fixed.versionInfo).not.toBe(bad.versionInfo);
    expect(named(fixed, FRONTEND)).toMatchObject({ connect_timeout: { seconds: '3' } });
  });

  it('pushes only the types a change touches, and nothing for identical content', async () => {
    source.publish(toProxySnapshot(shopEdgeResources()));
    const { client, last } = await syncedClient();

    source.publish(toProxySnapshot(shopEdgeResources()));
    expect(await client.responsesWithin(200)).toEqual([]);

    const changed = shopEdgeResources();
    const vhosts = changed.routes[0]!['virtual_hosts'] as { domains: string[] }[];
    vhosts[0]!.domains.push('extra.example.com');
    source.publish(toProxySnapshot(changed));
    const rds = await client.waitForResponse(RDS);
    expect(rds.versionInfo).not.toBe(last.get(RDS)!.versionInfo);
    // RDS is incremental: only the changed RouteConfiguration goes.
    expect(rds.names).toEqual([changed.routes[0]!['name']]);
    expect(await client.responsesWithin(200)).toEqual([]);
  });

  it('ignores a request with a stale nonce unless its subscription changed', async () => {
    source.publish(toProxySnapshot(shopEdgeResources()));
    const client = open();
    client.request(CDS);
    const first = await client.waitForResponse(CDS);
    const changed = shopEdgeResources();
    frontend(changed)['connect_timeout'] = '8s';
    source.publish(toProxySnapshot(changed));
    const second = await client.waitForResponse(CDS);

    // A late ACK of the first response: neither reported nor answered.
    client.ack(first);
    expect(await client.responsesWithin(150)).toEqual([]);
    expect(ads.events.of('acked')).toEqual([]);

    // A stale nonce with a wider subscription (grpc-js-xds does this): answered.
    const listenerName = namesOf(changed, LDS)[0]!;
    client.request(LDS, [listenerName]);
    const lds = await client.waitForResponse(LDS);
    client.request(LDS, [listenerName, SERVER_LISTENER], { nonce: 'stale', versionInfo: '' });
    const wider = await client.waitForResponse(LDS);
    expect(lds.names).toEqual([listenerName]);
    expect(wider.names).toEqual([SERVER_LISTENER, listenerName].sort());
    client.ack(second);
    await ads.events.until((e) => e.event === 'acked' && e.version === second.versionInfo);
  });

  it('answers a subscription to a resource that does not exist yet when it appears', async () => {
    const base = shopEdgeResources();
    source.publish(toProxySnapshot(base));
    const client = open();
    client.request(RDS, ['route/later']);
    expect(await client.responsesWithin(200)).toEqual([]);

    const later = shopEdgeResources();
    later.routes.push({ name: 'route/later', virtual_hosts: [] });
    source.publish(toProxySnapshot(later));
    const rds = await client.waitForResponse(RDS);
    expect(rds.names).toEqual(['route/later']);
  });

  it('treats an empty name list after named requests as unsubscribing (grpc-js-xds), not wildcard', async () => {
    source.publish(toProxySnapshot(shopEdgeResources()));
    const client = open();
    const listener = namesOf(shopEdgeResources(), LDS)[0]!;
    client.request(LDS, [listener]);
    const lds = await client.waitForResponse(LDS);
    expect(lds.names).toEqual([listener]);
    client.ack(lds, []);
    await ads.events.until((e) => e.event === 'acked' && e.typeUrl === LDS);
    const changed = shopEdgeResources();
    changed.listeners.forEach((l) => (l['per_connection_buffer_limit_bytes'] = 1024));
    source.publish(toProxySnapshot(changed));
    expect(await client.responsesWithin(200)).toEqual([]);
  });

  it('answers proxyless server listener names by lookup', async () => {
    source.publish(toProxySnapshot(shopEdgeResources()));
    const client = open();
    client.request(LDS, [
      SERVER_LISTENER,
      'grpc/server?xds.resource.listening_address=127.0.0.1:1',
    ]);
    const lds = await client.waitForResponse(LDS);
    expect(lds.names).toEqual([SERVER_LISTENER]);
    expect(lds.resources[0]).toMatchObject({
      address: { socket_address: { address: '127.0.0.1', port_value: 19090 } },
    });
  });

  it('keeps streams apart: one NACKs, the other keeps getting updates', async () => {
    source.publish(toProxySnapshot(shopEdgeResources()));
    const a = await syncedClient('edge-a');
    const b = await syncedClient('edge-b');
    const changed = shopEdgeResources();
    frontend(changed)['connect_timeout'] = '6s';
    source.publish(toProxySnapshot(changed));
    const aCds = await a.client.waitForResponse(CDS);
    a.client.nack(aCds, 'rejected', a.last.get(CDS)!.versionInfo);
    const bCds = await b.client.waitForResponse(CDS);
    b.client.ack(bCds);
    await ads.events.until((e) => e.event === 'nacked' && e.node === 'edge-a');
    await ads.events.until(
      (e) => e.event === 'acked' && e.node === 'edge-b' && e.version === bCds.versionInfo,
    );

    frontend(changed)['connect_timeout'] = '7s';
    source.publish(toProxySnapshot(changed));
    expect(named(await b.client.waitForResponse(CDS), FRONTEND)).toMatchObject({
      connect_timeout: { seconds: '7' },
    });
    expect(named(await a.client.waitForResponse(CDS), FRONTEND)).toMatchObject({
      connect_timeout: { seconds: '7' },
    });
    expect(ads.events.of('nacked').map((e) => e.node)).toEqual(['edge-a']);
  });

  it('sends a slow stream only the newest snapshot, without holding up another stream', async () => {
    // One cluster of about 300 kB (a long alt_stat_name), new each round.
    const base = toProxySnapshot(shopEdgeResources());
    const big = encodeAny('envoy.config.cluster.v3.Cluster', {
      name: 'big',
      alt_stat_name: 'x'.repeat(300_000),
    });
    const many = (round: number): ProxySnapshot => {
      const entries = new Map<string, SnapshotEntry>([
        ['big', { name: 'big', version: `r${round}`, any: big }],
      ]);
      const types = new Map(base.types);
      types.set(CDS, { version: `round-${round}`, entries });
      return { ...base, types, changeSeenAt: round };
    };
    source.publish(many(0));
    const slow = open('edge-slow');
    const fast = open('edge-fast');
    slow.request(CDS);
    fast.request(CDS);
    fast.ack(await fast.waitForResponse(CDS, 10_000));
    slow.pause();
    const rounds = 60;
    for (let round = 1; round <= rounds; round++) {
      source.publish(many(round));
      const response = await fast.waitForResponse(CDS, 10_000);
      expect(response.versionInfo).toBe(`round-${round}`);
      fast.ack(response);
    }
    slow.resume();
    let last = await slow.waitForResponse(CDS, 10_000);
    for (const more of await slow.responsesWithin(300)) last = more;
    expect(last.versionInfo).toBe(`round-${rounds}`);
    const slowSent = ads.events.of('sent').filter((e) => e.node === 'edge-slow');
    expect(slowSent.length).toBeLessThan(rounds / 2);
    expect(slowSent.at(-1)!.version).toBe(`round-${rounds}`);
  });

  it('reports the disconnect and closes the watch when the client goes away', async () => {
    source.publish(toProxySnapshot(shopEdgeResources()));
    const { client } = await syncedClient();
    expect(source.openWatches).toBe(1);
    await client.close();
    await ads.events.until((e) => e.event === 'disconnected' && e.node === 'edge-1');
    expect(source.openWatches).toBe(0);
  });
});
