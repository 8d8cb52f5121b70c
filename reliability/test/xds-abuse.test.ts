// xDS server abuse, against a real control-plane process (one API, one control plane,
// real etcd; raw ADS clients for protocol control, grpc-js-xds for real traffic).
// Proves:
// 1. No stream is served without a valid data-plane token, on any method: SotW and
//    Delta refuse no token, garbage, a forged signature, an expired token, an API
//    token and a revoked one with UNAUTHENTICATED (a token for another role or target
//    with PERMISSION_DENIED), token in the header or in node.metadata, before any
//    resource; other method paths answer UNIMPLEMENTED and nothing, token or not.
// 2. A token for Service A yields nothing of Service B: asking by name (SotW and Delta)
//    for every resource only B's preview has, B's server Listener and the identity
//    secrets gets none of B's, and `crossway-identity` is A's certificate; a node
//    claiming B with A's token is refused; one claiming no Service gets no certificate.
// 3. A proxy that NACKs everything is isolated: a real grpc-js-xds client and a raw one
//    of the same group keep getting changes and ACK them, the NACK shows in
//    GET /api/v1/proxies for that proxy only, it gets no resend storm, and the control
//    plane stays ready.
// 4. A flood of 1,000 DiscoveryRequests/s from one data plane (reconnecting at once
//    whenever it is cut off) is limited by the per-stream token bucket, and other
//    proxies' change-to-ACK p99 stays within 2x of its unloaded value.
// 5. A request over the size limit is refused with RESOURCE_EXHAUSTED before any token
//    is checked; too many resource names is refused with INVALID_ARGUMENT naming the
//    field; big but allowed requests cost bounded work; a node nested past the
//    decoder's depth limit is refused and the control plane serves on.
import { X509Certificate } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
/* eslint-disable @nx/enforce-module-boundaries -- the controlplane's raw ADS test client and type URLs: the one wire-level client of the unit and reliability tests */
import { TYPE_URLS } from '../../apps/controlplane/src/contracts';
import {
  connect,
  connectDelta,
  type DeltaClient,
  type SotwClient,
  type TestNode,
} from '../../apps/controlplane/test/support/raw-ads-client';
/* eslint-enable @nx/enforce-module-boundaries */
import { percentile, reportFigures, reliabilityLog } from '../src/report';
import { reliabilitySettings } from '../src/settings';
import {
  API_VERSION,
  eventually,
  manifests as m,
  ReliabilityStack,
  type ControlPlaneReplica,
} from '../src/stack';
import {
  callMethod,
  cpuSeconds,
  EndpointObservers,
  expiredProxylessToken,
  metricValue,
  startFloodProcess,
} from '../src/xds-abuse';

const SCENARIO = 'xds-abuse';
const NS = 'abuse';
const A = `${NS}/a`;
const B = `${NS}/b`;
const CALLER = 'reliability/caller';
const CHURN_CLUSTER = `outbound|50060||churn.${NS}`;
const ADS = '/envoy.service.discovery.v3.AggregatedDiscoveryService';
const long = reliabilitySettings.mode === 'long';
/** Changes timed per phase of the flood test, and observers ACKing each. */
const CHANGES = long ? 100 : 30;
const OBSERVERS = long ? 12 : 6;
const FLOOD_MS = long ? 30_000 : 10_000;
const FLOOD_PER_SECOND = 1000;
/**
 * p99s below this are scheduling noise on a loaded 2-core machine: with other suites
 * running beside it, the unloaded p99 of the same 180 changes ranged 30-167 ms and the
 * flooded one 49-357 ms, while the control plane's CPU did not rise with the flood (an
 * unlimited flood of this kind also left p99 at 55 ms: what catches a missing limit is
 * the accepted-request bound below). The 2x bound applies from here; a control plane
 * starved by a flood answers in seconds.
 */
const P99_FLOOR_MS = 250;
/** The control plane's defaults (apps/controlplane/src/ads/request-limits.ts). */
const RATE = 100;
const BURST = 200;
const MAX_NAMES = 100_000;

const log = reliabilityLog.child({ scenario: SCENARIO });
let stack: ReliabilityStack;
let cp: ControlPlaneReplica;
let bPort: number;
const tokens = new Map<string, string>();
const open: { close(): Promise<void> }[] = [];

function token(service: string): Promise<string> {
  const known = tokens.get(service);
  if (known !== undefined) return Promise.resolve(known);
  return stack.proxylessToken(service).then((t) => {
    tokens.set(service, t);
    return t;
  });
}

function proxyless(id: string, service?: string, extra: Record<string, unknown> = {}): TestNode {
  return {
    id,
    metadata: { role: 'proxyless', ...(service === undefined ? {} : { service }), ...extra },
  };
}

function sotw(node: TestNode, bearer?: string): SotwClient {
  const client = connect(cp.xdsPort, node, bearer);
  open.push(client);
  return client;
}

function delta(node: TestNode, bearer?: string): DeltaClient {
  const client = connectDelta(cp.xdsPort, node, bearer);
  open.push(client);
  return client;
}

async function proxyIds(): Promise<string[]> {
  return (await stack.client().proxies()).map((p) => p.id);
}

async function authentications(): Promise<number> {
  return metricValue(cp.adminUrl, 'crossway_xds_authentications_total');
}

async function assertServing(): Promise<void> {
  expect(cp.child.running).toBe(true);
  expect((await fetch(`${cp.adminUrl}/readyz`)).status).toBe(200);
}

function mesh(mode: 'DISABLED' | 'STRICT') {
  return {
    apiVersion: API_VERSION,
    kind: 'Mesh',
    metadata: { name: 'default' },
    spec: { mtls: { mode } },
  };
}

/** The names of each kind in a preview (ClusterLoadAssignments by cluster_name). */
function previewNames(preview: Record<string, unknown>): Record<string, Set<string>> {
  const resources = preview['resources'] as Record<string, Record<string, unknown>[]>;
  const out: Record<string, Set<string>> = {};
  for (const [kind, list] of Object.entries(resources))
    out[kind] = new Set(list.map((r) => String(r['name'] ?? r['cluster_name'])));
  return out;
}

/** The URI SANs of the first certificate in an SDS Secret (inline_bytes or inline_string). */
function certificateUris(secret: Record<string, unknown>): string[] {
  const text = JSON.stringify(secret);
  const pem = /-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/.exec(
    text.replaceAll('\\n', '\n'),
  );
  let certificate: string | undefined = pem?.[0];
  if (certificate === undefined) {
    const chain = (secret['tls_certificate'] as Record<string, unknown> | undefined)?.[
      'certificate_chain'
    ] as Record<string, unknown> | undefined;
    const bytes = chain?.['inline_bytes'];
    if (typeof bytes === 'string') certificate = Buffer.from(bytes, 'base64').toString('utf8');
  }
  if (certificate === undefined) throw new Error('no certificate in the secret');
  return (new X509Certificate(certificate).subjectAltName ?? '')
    .split(', ')
    .filter((s) => s.startsWith('URI:'))
    .map((s) => s.slice(4));
}

beforeAll(async () => {
  stack = await ReliabilityStack.start({ name: SCENARIO });
  await stack.startApi();
  cp = await stack.startControlPlane();
  const [aBackend, bBackend, churn] = await Promise.all([
    stack.backend('a-1'),
    stack.backend('bee-1'),
    stack.backend('churn-1'),
  ]);
  bPort = bBackend.port;
  await stack
    .client()
    .apply([
      mesh('DISABLED'),
      m.service('reliability', 'caller', 8080),
      m.service(NS, 'a', 50051),
      m.service(NS, 'b', 50052),
      m.service(NS, 'churn', 50060),
      m.workload(NS, 'a-1', 'a', aBackend.port),
      m.workload(NS, 'b-1', 'b', bBackend.port),
      m.workload(NS, 'churn-1', 'churn', churn.port),
    ]);
  await eventually(
    'the control plane ready',
    async () => (await fetch(`${cp.adminUrl}/readyz`)).status === 200,
    60_000,
  );
});

afterAll(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()));
  await stack?.close();
});

describe('xDS server abuse', () => {
  it('serves no stream without a valid data-plane token, on any method', async () => {
    const valid = await token(A);
    const api = await stack.client().createToken({ type: 'api', role: 'admin', ttl: '1h' });
    const revoked = await stack
      .client()
      .createToken({ type: 'dataplane', role: 'proxyless', service: A, ttl: '1h' });
    await stack.client().deleteToken(revoked.id);
    // A valid token's claims changed to Service B, signature kept.
    const [payload = '', signature = ''] = valid.slice('cwdp_'.length).split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as object;
    const forged = `cwdp_${Buffer.from(JSON.stringify({ ...claims, service: B })).toString('base64url')}.${signature}`;
    const refused: { name: string; token: string | undefined; code: status }[] = [
      { name: 'no token', token: undefined, code: status.UNAUTHENTICATED },
      { name: 'garbage', token: 'garbage', code: status.UNAUTHENTICATED },
      { name: 'forged signature', token: forged, code: status.UNAUTHENTICATED },
      {
        name: 'expired',
        token: await expiredProxylessToken(stack, A),
        code: status.UNAUTHENTICATED,
      },
      { name: 'API token', token: api.token, code: status.UNAUTHENTICATED },
      { name: 'revoked', token: revoked.token, code: status.UNAUTHENTICATED },
    ];
    const authBefore = await authentications();
    const answers: { name: string; code: number; details: string; received: number }[] = [];
    let streams = 0;
    for (const [i, { name, token: bad, code }] of refused.entries()) {
      // The token as gRPC metadata (Envoy) and in node.metadata (grpc-js-xds).
      const carriers =
        bad === undefined
          ? [{ header: undefined, extra: {} }]
          : [
              { header: bad, extra: {} },
              { header: undefined, extra: { token: bad } },
            ];
      for (const [j, carrier] of carriers.entries()) {
        const node = proxyless(`anon-${i}-${j}`, A, carrier.extra);
        const s = sotw({ ...node, id: `${node.id}-sotw` }, carrier.header);
        s.request(TYPE_URLS.listeners);
        s.request(TYPE_URLS.clusters);
        const d = delta({ ...node, id: `${node.id}-delta` }, carrier.header);
        d.request(TYPE_URLS.clusters);
        d.request(TYPE_URLS.secrets, { subscribe: ['crossway-identity'] });
        streams += 2;
        for (const [client, kind] of [
          [s, 'sotw'],
          [d, 'delta'],
        ] as const) {
          const ended = await client.status;
          answers.push({
            name: `${name} (${kind}, ${carrier.header === undefined ? 'node.metadata' : 'header'})`,
            code: ended.code,
            details: ended.details,
            received: client.received.length,
          });
          expect(ended.code, `${name} on ${kind}: ${ended.details}`).toBe(code);
          expect(client.received, `${name} on ${kind}`).toEqual([]);
        }
      }
    }
    log.info({ answers }, 'refused streams');
    expect(answers.find((a) => a.name.startsWith('expired'))?.details).toBe('token expired');
    expect(answers.find((a) => a.name.startsWith('revoked'))?.details).toBe(
      'unknown or revoked token',
    );
    expect(answers.find((a) => a.name.startsWith('API token'))?.details).toBe(
      'not a data-plane token',
    );

    // A valid token for another role or target: PERMISSION_DENIED.
    for (const [node, kind] of [
      [{ id: 'claims-sidecar', metadata: { role: 'sidecar', service: A } }, 'sidecar role'],
      [{ id: 'claims-edge', metadata: { role: 'edge', gateway: `${NS}/gw` } }, 'edge role'],
      [proxyless('claims-b', B), 'Service B'],
    ] as const) {
      const client = sotw(node, valid);
      client.request(TYPE_URLS.clusters);
      const ended = await client.status;
      expect(ended.code, `${kind}: ${ended.details}`).toBe(status.PERMISSION_DENIED);
      expect(client.received).toEqual([]);
      streams += 1;
    }

    // Every other method path: nothing, with or without a token.
    const request = new Uint8Array([0x22, 0x01, 0x78]); // type_url "x"
    for (const path of [
      `${ADS}/NoSuchMethod`,
      '/envoy.service.status.v3.ClientStatusDiscoveryService/StreamClientStatus',
      '/envoy.service.secret.v3.SecretDiscoveryService/StreamSecrets',
      '/envoy.service.cluster.v3.ClusterDiscoveryService/StreamClusters',
      '/grpc.health.v1.Health/Watch',
      '/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo',
    ])
      for (const bearer of [undefined, valid]) {
        const answer = await callMethod(cp.xdsPort, path, request, bearer);
        expect(answer.code, `${path}: ${answer.details}`).toBe(status.UNIMPLEMENTED);
        expect(answer.messages).toBe(0);
      }

    // Every ADS stream was checked, none was let in; none shows up as a proxy.
    expect(await authentications()).toBe(authBefore + streams);
    expect(
      await metricValue(cp.adminUrl, 'crossway_xds_authentications_total', { result: 'ok' }),
    ).toBe(0);
    const ids = await proxyIds();
    expect(ids.filter((id) => id.startsWith('anon-') || id.startsWith('claims-'))).toEqual([]);
    reportFigures(SCENARIO, { refusedStreams: streams });
    await assertServing();
  });

  it('gives a node with a token for Service A nothing of Service B', async () => {
    await stack.client().apply([mesh('STRICT')]);
    try {
      const previewA = previewNames(
        await stack.client().preview({ role: 'proxyless', service: A }),
      );
      const previewB = previewNames(
        await stack.client().preview({ role: 'proxyless', service: B }),
      );
      const bOnly: Record<string, string[]> = {};
      for (const [kind, names] of Object.entries(previewB))
        bOnly[kind] = [...names].filter((n) => !previewA[kind]?.has(n));
      const bServer = `grpc/server?xds.resource.listening_address=127.0.0.1:${bPort}`;
      expect(bOnly['listeners']).toContain(bServer);
      const ask: Record<string, string[]> = {
        [TYPE_URLS.listeners]: [
          ...(bOnly['listeners'] ?? []),
          `grpc/server?xds.resource.listening_address=0.0.0.0:${bPort}`,
          'grpc/server?xds.resource.listening_address=127.0.0.1:50052',
        ],
        [TYPE_URLS.routes]: bOnly['routes'] ?? [],
        [TYPE_URLS.clusters]: bOnly['clusters'] ?? [],
        [TYPE_URLS.endpoints]: bOnly['endpoints'] ?? [],
        [TYPE_URLS.secrets]: ['crossway-identity', 'crossway-roots'],
      };
      const forbidden = new Set(Object.values(bOnly).flat());
      forbidden.add(ask[TYPE_URLS.listeners]![ask[TYPE_URLS.listeners]!.length - 2]!);
      forbidden.add(ask[TYPE_URLS.listeners]![ask[TYPE_URLS.listeners]!.length - 1]!);
      log.info({ bOnly }, 'resources only Service B gets');
      const tokenA = await token(A);

      // SotW: every B name asked for, per type.
      const s = sotw(proxyless('a-snoop-sotw', A), tokenA);
      for (const [typeUrl, names] of Object.entries(ask)) s.request(typeUrl, names);
      const sds = await s.waitForResponse(TYPE_URLS.secrets, 20_000);
      s.ack(sds);
      const identity = sds.resources[sds.names.indexOf('crossway-identity')];
      expect(identity, 'A gets its own certificate').toBeDefined();
      const uris = certificateUris(identity!);
      expect(uris).toEqual([expect.stringMatching(/\/ns\/abuse\/sa\/a$/)]);
      // Whatever else comes within a while: none of B's.
      await s.responsesWithin(2000);
      const sotwNames = s.received.flatMap((r) => r.names);
      expect(sotwNames.filter((n) => forbidden.has(n))).toEqual([]);

      // Delta: the same names subscribed.
      const d = delta(proxyless('a-snoop-delta', A), tokenA);
      for (const [typeUrl, names] of Object.entries(ask)) d.request(typeUrl, { subscribe: names });
      const deltaSds = await d.waitForResponse(TYPE_URLS.secrets, 20_000);
      const deltaIdentity = deltaSds.resources.find((r) => r.name === 'crossway-identity');
      expect(deltaIdentity).toBeDefined();
      expect(certificateUris(deltaIdentity!.resource)).toEqual(uris);
      await d.responsesWithin(2000);
      const deltaNames = d.received.flatMap((r) => r.names);
      expect(deltaNames.filter((n) => forbidden.has(n))).toEqual([]);

      // Claiming B with A's token: refused on both.
      const claimB = sotw(proxyless('a-claims-b-sotw', B), tokenA);
      claimB.request(TYPE_URLS.secrets, ['crossway-identity']);
      const claimBDelta = delta(proxyless('a-claims-b-delta', B), tokenA);
      claimBDelta.request(TYPE_URLS.secrets, { subscribe: ['crossway-identity'] });
      for (const client of [claimB, claimBDelta]) {
        expect((await client.status).code).toBe(status.PERMISSION_DENIED);
        expect(client.received).toEqual([]);
      }
      // Claiming no Service with A's token: served as a pure client, with no certificate.
      const pure = sotw(proxyless('a-claims-nothing'), tokenA);
      pure.request(TYPE_URLS.secrets, ['crossway-identity', 'crossway-roots']);
      const pureSds = await pure.waitForResponse(TYPE_URLS.secrets, 20_000);
      await pure.responsesWithin(1000);
      expect(pure.received.flatMap((r) => r.names)).toEqual(['crossway-roots']);
      reportFigures(SCENARIO, {
        isolationNamesAsked: Object.values(ask).flat().length,
        isolationForeignNamesServed: 0,
      });
      expect(pureSds.names).toEqual(['crossway-roots']);
    } finally {
      await stack.client().apply([mesh('DISABLED')]);
    }
    await assertServing();
  });

  it('isolates a proxy that NACKs everything', async () => {
    const callerToken = await token(CALLER);
    const real = await stack.xdsClient(`xds:///b.${NS}:50052`, { node: { id: 'real-caller' } });
    await eventually(
      'the real client served by bee-1',
      async () => (await real.call({ deadlineMs: 1000 })).backend === 'bee-1',
      20_000,
    );
    const bCluster = `outbound|50052||b.${NS}`;
    const acker = sotw(proxyless('acker', CALLER), callerToken);
    const nacker = sotw(proxyless('nacker', CALLER), callerToken);
    for (const client of [acker, nacker]) {
      client.request(TYPE_URLS.clusters);
      client.request(TYPE_URLS.endpoints, [bCluster]);
    }
    let nacks = 0;
    const nackAll = async (): Promise<void> => {
      for (;;) {
        const response = await nacker.waitForResponse(undefined, 60_000).catch(() => undefined);
        if (response === undefined) return;
        nacker.nack(response, `crossway-abuse: rejecting ${response.names.join(',')}`);
        nacks += 1;
      }
    };
    void nackAll();
    const ackAll = async (): Promise<void> => {
      for (;;) {
        const response = await acker.waitForResponse(undefined, 60_000).catch(() => undefined);
        if (response === undefined) return;
        acker.ack(response);
      }
    };
    void ackAll();
    await eventually('the nacker NACKed the first config', async () => nacks >= 2, 15_000);

    // A change: a second Workload of B. Everyone but the nacker takes it.
    const bee2 = await stack.backend('bee-2');
    await stack.client().apply([m.workload(NS, 'b-2', 'b', bee2.port)]);
    await eventually(
      'the real client reaching bee-2',
      async () => (await real.call({ deadlineMs: 1000 })).backend === 'bee-2',
      20_000,
    );
    const settled = await eventually(
      'the change ACKed by the acker and the real client, NACKed by the nacker',
      async () => {
        const proxies = await stack.client().proxies();
        const byId = new Map(proxies.map((p) => [p.id, p]));
        const [r, a, n] = [byId.get('real-caller'), byId.get('acker'), byId.get('nacker')];
        return (
          r !== undefined &&
          a !== undefined &&
          n?.nack !== undefined &&
          r.versions.endpoints !== '' &&
          r.versions.endpoints === a.versions.endpoints &&
          a.versions.endpoints === a.sent.endpoints &&
          n.sent.endpoints === a.versions.endpoints
        );
      },
      20_000,
    );
    const proxies = await stack.client().proxies();
    const nack = proxies.find((p) => p.id === 'nacker')?.nack;
    expect(nack?.error).toContain('crossway-abuse: rejecting');
    expect(proxies.filter((p) => p.nack !== undefined).map((p) => p.id)).toEqual(['nacker']);
    // No resend storm: a NACKed config goes again only with the next change.
    const nacksBefore = nacks;
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(nacks - nacksBefore).toBe(0);
    // The real client spreads calls over both Workloads, without a failure.
    const tally = Object.fromEntries(await real.tally(40));
    expect(Object.keys(tally).sort()).toEqual(['bee-1', 'bee-2']);
    reportFigures(SCENARIO, { nackerNacks: nacks, nackSettledMs: settled });
    log.info({ tally, nacks }, 'NACK isolation');
    await assertServing();
  });

  it('limits a flooding data plane while the others keep their change-to-ACK p99', async () => {
    const observers = await EndpointObservers.open(
      cp.xdsPort,
      Array.from({ length: OBSERVERS }, (_, i) => proxyless(`observer-${i}`, CALLER)),
      () => token(CALLER),
      CHURN_CLUSTER,
    );
    open.push(observers);
    /** One change: Workload churn-1 moves to a new port; each observer's delay to its ACK. */
    const change = async (port: number): Promise<number[]> => {
      await stack.client().apply([m.workload(NS, 'churn-1', 'churn', port)]);
      return observers.waitForPort(port, Date.now());
    };
    const phase = async (firstPort: number, until: () => boolean) => {
      const delays: number[] = [];
      const cpuBefore = cpuSeconds(cp.child.pid);
      const startedAt = Date.now();
      for (let i = 0; i < CHANGES || !until(); i++)
        delays.push(...(await change(firstPort + (i % 1000))));
      const seconds = (Date.now() - startedAt) / 1000;
      const cpu = (cpuSeconds(cp.child.pid) - cpuBefore) / seconds;
      return { delays, cpu, seconds };
    };

    const unloaded = await phase(41_000, () => true);
    const accepted0 = await metricValue(cp.adminUrl, 'crossway_xds_requests_total');
    const limited0 = await metricValue(cp.adminUrl, 'crossway_xds_requests_limited_total');
    const flooder = await startFloodProcess({
      port: cp.xdsPort,
      node: proxyless('flooder', A),
      token: await token(A),
      edsNames: [[CHURN_CLUSTER], [CHURN_CLUSTER, `outbound|50051||a.${NS}`]],
      perSecond: FLOOD_PER_SECOND,
    });
    const floodStart = Date.now();
    // Let the flood get going before the first timed change.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    let flooded;
    let flood;
    try {
      flooded = await phase(43_000, () => Date.now() - floodStart >= FLOOD_MS);
    } finally {
      flood = await flooder.stop();
    }
    const accepted = (await metricValue(cp.adminUrl, 'crossway_xds_requests_total')) - accepted0;
    const limited =
      (await metricValue(cp.adminUrl, 'crossway_xds_requests_limited_total')) - limited0;
    const p99Unloaded = percentile(unloaded.delays, 99);
    const p99Flood = percentile(flooded.delays, 99);
    const figures = {
      changeToAckP50UnloadedMs: percentile(unloaded.delays, 50),
      changeToAckP99UnloadedMs: p99Unloaded,
      changeToAckP50FloodMs: percentile(flooded.delays, 50),
      changeToAckP99FloodMs: p99Flood,
      changesTimed: unloaded.delays.length / OBSERVERS,
      observers: OBSERVERS,
      floodSeconds: flood.durationMs / 1000,
      floodRequestsAttempted: flood.attempted,
      floodRequestsSent: flood.sent,
      floodStreams: flood.streams,
      floodStreamsResourceExhausted: flood.endedWith['RESOURCE_EXHAUSTED'] ?? 0,
      floodResponses: flood.responses,
      requestsAcceptedDuringFlood: accepted,
      requestsLimitedDuringFlood: limited,
      controlPlaneCpuUnloaded: Number(unloaded.cpu.toFixed(3)),
      controlPlaneCpuFlood: Number(flooded.cpu.toFixed(3)),
    };
    reportFigures(SCENARIO, figures);
    log.info({ ...figures, endedWith: flood.endedWith }, 'flood');

    // The flood really ran at its rate, and was limited: every stream it opened was ended
    // for its rate, and what the control plane handled of it is what the bucket allows
    // (its burst once, then its rate: reconnecting at once brings no fresh burst).
    expect(flood.attempted / (flood.durationMs / 1000)).toBeGreaterThan(FLOOD_PER_SECOND * 0.9);
    expect(flood.endedWith['RESOURCE_EXHAUSTED'] ?? 0).toBeGreaterThanOrEqual(flood.streams - 1);
    expect(limited).toBeGreaterThanOrEqual(flood.streams - 1);
    // Observers ACK one response per change each, two at most.
    const observerRequests = flooded.delays.length * 2;
    expect(accepted).toBeLessThanOrEqual(
      (RATE * flood.durationMs) / 1000 + BURST + observerRequests,
    );
    // Others are served as before.
    expect(p99Flood).toBeLessThanOrEqual(2 * Math.max(p99Unloaded, P99_FLOOR_MS));
    await assertServing();
  });

  it('refuses oversized requests before any token is checked, and bounds big ones', async () => {
    const tokenA = await token(A);
    const authBefore = await authentications();
    // 5 MiB of node metadata: over the 4 MiB request limit.
    const huge = { pad: 'x'.repeat(5 * 1024 * 1024) };
    const bigSotw = sotw(proxyless('oversized-sotw', A, huge), tokenA);
    bigSotw.request(TYPE_URLS.clusters);
    const bigDelta = delta(proxyless('oversized-delta', A, huge), tokenA);
    bigDelta.request(TYPE_URLS.clusters);
    for (const client of [bigSotw, bigDelta]) {
      const ended = await client.status;
      expect(ended.code, ended.details).toBe(status.RESOURCE_EXHAUSTED);
      expect(client.received).toEqual([]);
    }
    // Too many resource names: refused by count, before authentication too.
    const names = Array.from({ length: MAX_NAMES + 1 }, (_, i) => `n${i}`);
    const tooMany = sotw(proxyless('too-many-names', A), tokenA);
    tooMany.request(TYPE_URLS.endpoints, names);
    const tooManyEnded = await tooMany.status;
    expect(tooManyEnded.code).toBe(status.INVALID_ARGUMENT);
    expect(tooManyEnded.details).toBe(
      `resource_names: a request may name at most ${MAX_NAMES} resources, this one names ${MAX_NAMES + 1}`,
    );
    expect(await authentications()).toBe(authBefore);
    const ids = await proxyIds();
    expect(ids.filter((id) => id.startsWith('oversized') || id === 'too-many-names')).toEqual([]);

    // At the limit: served, in bounded time; such requests back to back soon exceed the
    // rate (each costs 1 + 1 per 10,000 names + 1 per 256 KiB: 14 of the 200 burst).
    const most = sotw(proxyless('most-names', A), tokenA);
    const asked = [CHURN_CLUSTER, ...names.slice(0, MAX_NAMES - 1)];
    const sentAt = Date.now();
    most.request(TYPE_URLS.endpoints, asked);
    const answer = await most.waitForResponse(TYPE_URLS.endpoints, 20_000);
    const mostNamesAnsweredMs = Date.now() - sentAt;
    expect(answer.names).toEqual([CHURN_CLUSTER]);
    for (let i = 0; i < 30; i++) most.ack(answer, asked);
    expect((await most.status).code).toBe(status.RESOURCE_EXHAUSTED);

    // 3 MiB of metadata within the limit: served; repeating the node costs 13 tokens a time.
    const heavyNode = proxyless('heavy-node', A, { pad: 'y'.repeat(3 * 1024 * 1024) });
    const heavy = sotw(heavyNode, tokenA);
    const heavyAt = Date.now();
    heavy.request(TYPE_URLS.clusters);
    await heavy.waitForResponse(TYPE_URLS.clusters, 20_000);
    const heavyNodeAnsweredMs = Date.now() - heavyAt;
    for (let i = 0; i < 30; i++) heavy.request(TYPE_URLS.listeners, [], { node: heavyNode });
    expect((await heavy.status).code).toBe(status.RESOURCE_EXHAUSTED);

    // A node nested past the decoder's depth limit: refused, nothing served.
    const deep = await callMethod(
      cp.xdsPort,
      `${ADS}/StreamAggregatedResources`,
      deeplyNestedRequest(200),
      tokenA,
    );
    expect(deep.code).not.toBe(status.OK);
    expect(deep.messages).toBe(0);
    reportFigures(SCENARIO, {
      mostNamesAnsweredMs,
      heavyNodeAnsweredMs,
      deepNodeRefusedWith: status[deep.code] ?? deep.code,
    });
    log.info({ deep, mostNamesAnsweredMs, heavyNodeAnsweredMs }, 'big requests');
    await assertServing();
  });
});

function varint(n: number): Buffer {
  const out: number[] = [];
  for (; n > 127; n = Math.floor(n / 128)) out.push((n & 127) | 128);
  out.push(n);
  return Buffer.from(out);
}

function lengthDelimited(field: number, body: Buffer): Buffer {
  return Buffer.concat([varint((field << 3) | 2), varint(body.length), body]);
}

/**
 * A DiscoveryRequest whose node.metadata holds a Struct nested `depth` deep, written
 * byte by byte (protobufjs refuses to encode what it would refuse to decode).
 */
function deeplyNestedRequest(depth: number): Buffer {
  const text = (s: string) => Buffer.from(s);
  // google.protobuf.Value: string_value = 3, struct_value = 5; Struct.fields = 1 (key 1, value 2).
  let value = lengthDelimited(3, text('x'));
  for (let i = 0; i < depth; i++)
    value = lengthDelimited(
      5,
      lengthDelimited(1, Buffer.concat([lengthDelimited(1, text('k')), lengthDelimited(2, value)])),
    );
  const entry = (key: string, v: Buffer) =>
    lengthDelimited(1, Buffer.concat([lengthDelimited(1, text(key)), lengthDelimited(2, v)]));
  const metadata = Buffer.concat([
    entry('role', lengthDelimited(3, text('proxyless'))),
    entry('deep', value),
  ]);
  // Node: id = 1, metadata = 3. DiscoveryRequest: node = 2, type_url = 4.
  const node = Buffer.concat([lengthDelimited(1, text('deep-node')), lengthDelimited(3, metadata)]);
  return Buffer.concat([lengthDelimited(2, node), lengthDelimited(4, text(TYPE_URLS.clusters))]);
}
